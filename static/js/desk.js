/* My desk (no inline scripts, so that a strict CSP holds): an urge refused by the server (429: urged
   within the hour; 409: closed meanwhile) replaces the row's form with the server's reason, as a
   success would, instead of htmx dropping the answer as an error. Forms opt in with
   data-swap-refusals. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.elt;
    if (source && source.closest && source.closest("[data-swap-refusals]") && event.detail.xhr.status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
