/* Starts Redoc on /api/redoc/ (templates/drf_spectacular/redoc.html): Redoc injects its styles, and
   signs them with the page's CSP nonce, so the strict policy holds without 'unsafe-inline'. */
(function () {
  "use strict";
  var root = document.getElementById("redoc-container");
  var settings = JSON.parse(root.dataset.settings || "{}");
  settings.nonce = root.dataset.nonce;
  Redoc.init(root.dataset.schemaUrl, settings, root);
})();
