/* Small behaviours of the affairs pages (no inline scripts, so a strict CSP can be used). */
(function () {
  "use strict";
  function init(root) {
    // Quick deadline buttons fill the date field; the dates are working days counted by the server.
    root.querySelectorAll("[data-due]").forEach(function (button) {
      if (button.dataset.dueReady) return;
      button.dataset.dueReady = "1";
      button.addEventListener("click", function () {
        var input = document.getElementById(button.closest("[data-due-target]").dataset.dueTarget);
        if (!input) return;
        input.value = button.dataset.due;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (button) {
      if (button.dataset.printReady) return;
      button.dataset.printReady = "1";
      button.addEventListener("click", function () { window.print(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
