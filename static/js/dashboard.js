/* Workload dashboards (no inline scripts, so that a strict CSP holds): the trend chart of the
   organization view and the workload balance chart of a department, drawn with the vendored
   Chart.js from the data the page hands over in json_script elements. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  function data(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }
  var trend = data("trend-data");
  if (trend) {
    new Chart(document.getElementById("trend-chart"), {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [
          { label: trend.open_label, data: trend.open, borderColor: "#1f3a5f", tension: 0.2 },
          { label: trend.done_label, data: trend.done, borderColor: "#198754", tension: 0.2 }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
  var balance = data("balance-data");
  if (balance) {
    new Chart(document.getElementById("balance-chart"), {
      type: "bar",
      data: {
        labels: balance.labels,
        datasets: [
          { label: balance.open_label, data: balance.open, backgroundColor: "#1f3a5f" },
          { label: balance.overdue_label, data: balance.overdue, backgroundColor: "#c8102e" },
          { label: balance.done_label, data: balance.done, backgroundColor: "#198754" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
})();
