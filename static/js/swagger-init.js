/* Starts Swagger UI on /api/docs/ (templates/drf_spectacular/swagger_ui.html) from the settings in
   #swagger-ui's data attributes: no inline script, so that the strict CSP holds. Requests that change
   something carry the CSRF token, as drf-spectacular's own script does. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var data = root.dataset;
  var settings = JSON.parse(data.settings || "{}");
  window.ui = SwaggerUIBundle(
    Object.assign(
      {
        url: data.schemaUrl,
        dom_id: "#swagger-ui",
        presets: [SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        requestInterceptor: function (request) {
          if (request.method && request.method !== "GET" && request.credentials === "same-origin") {
            request.headers[data.csrfHeader] = data.csrfToken;
          }
          return request;
        },
      },
      settings
    )
  );
})();
