"""Top-level URLs. Every page needs a login unless its view is @login_not_required."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularSwaggerView

from accounts.views import LoginView
from core.schema import SchemaView
from core.views import healthz
from documents.views.issuing import verify
from relations.feedback_views import public_feedback

admin.site.site_header = admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("", include("workload.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),  # settings.LOGIN_URL
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("affairs/", include("affairs.urls")),
    path("documents/", include("documents.urls")),
    path("meetings/", include("meetings.urls")),
    path("relations/", include("relations.urls")),
    path("relations/bulletins/", include("relations.bulletin_urls")),
    path("leader-schedule/", include("relations.schedule_urls")),
    path("admin/", admin.site.urls),
    # The language switch works before login too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    # The issued documents' public verification page (the QR code on the paper leads here).
    path("verify/<str:code>/", verify, name="verify"),
    # The public feedback page (群众意见), 404 unless FEEDBACK_PUBLIC_ENABLED; rate-limited, challenged.
    path("public/feedback/", public_feedback, name="public_feedback"),
    path("api/v1/", include("config.api_urls")),
    # DRF views opt out of the login middleware. The schema answers API clients by token or session
    # (JSON 401 without), browsers need a login; the docs are pages for signed-in staff.
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    # Redoc injects unsigned styles, a blob: worker and a remote logo, which the strict Content
    # Security Policy refuses: its address leads to the Swagger UI reference instead.
    path("api/redoc/", RedirectView.as_view(pattern_name="api-docs"), name="api-redoc"),
]

# Under /api/ every error is JSON in the API's error format (an unmatched address, a failure);
# pages keep Django's error pages.
handler400 = "core.api.bad_request"
handler403 = "core.api.permission_denied"
handler404 = "core.api.page_not_found"
handler500 = "core.api.server_error"
