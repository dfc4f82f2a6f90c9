"""The OpenAPI schema's view (``/api/schema/``)."""

from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, renderers
from rest_framework.response import Response
from rest_framework.settings import api_settings


class SchemaView(SpectacularAPIView):
    """``/api/schema/``: answers to the API's own auth (a token or a session), like every endpoint;
    without it an API client gets a JSON 401 (a browser is sent to the login page by the
    LoginRequiredMiddleware before this view)."""

    authentication_classes = api_settings.DEFAULT_AUTHENTICATION_CLASSES
    permission_classes = [permissions.IsAuthenticated]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # Errors in the API's JSON format, not in the schema's YAML.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response
