"""Xietong settings: one module, configured by environment variables only.

The defaults are the zero set-up run (SQLite and a file-system Celery broker under ``var/``).
Production sets ``DEBUG=false`` and must then supply a real ``SECRET_KEY``; see README.md.
https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

import math
from collections import Counter
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# A developer may keep overrides in .env; production uses the real environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Django's own placeholder prefix; a key that starts with it is never accepted in production.
_INSECURE_PREFIX = "django-insecure-"


def _secret_key_weakness(key: str) -> str | None:
    """Why ``key`` is not a random key, or None. Django's own check only counts 5 distinct characters,
    which ``"abcde" * 10`` passes; generated keys (token_urlsafe, token_hex, Django's) have 3.2+ bits
    of Shannon entropy per character and almost no repeated three-character sequence."""
    if key.startswith(_INSECURE_PREFIX):
        return "it is Django's placeholder (django-insecure-)"
    if len(key) < 50:
        return "it is shorter than 50 characters"
    counts = Counter(key)
    bits = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    if bits < 3.0:
        return "it uses too few different characters (low entropy)"
    triples = {key[i : i + 3] for i in range(len(key) - 2)}
    if len(triples) < 0.75 * (len(key) - 2):
        return "it repeats a pattern"
    return None


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = _INSECURE_PREFIX + "xietong-development-only-key-not-for-production-use"
elif not DEBUG and (_weakness := _secret_key_weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY is a default or weak key ({_weakness}); production needs 50+ random characters. "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

# In development also the host `make run HOST=…` serves on (the Makefile passes it as RUN_HOST).
_RUN_HOST = env.str("RUN_HOST", default="127.0.0.1")
_DEV_HOSTS = ["localhost", "127.0.0.1", "[::1]"] + ([_RUN_HOST] if _RUN_HOST not in ("0.0.0.0", "::") else [])  # noqa: S104
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=_DEV_HOSTS if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    # Xietong: the kernel first, then the apps in dependency order.
    "core",
    "accounts",
    "workload",
    "notifications",
    "affairs",
    "documents",
    "meetings",
    "relations",
]

MIDDLEWARE = [
    # First: the request id and the timing cover everything the other middleware do.
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Ends sessions 12 h after sign-in, and administrators' after 30 idle minutes.
    "core.middleware.SessionExpiryMiddleware",
    # Every page needs a login unless its view is marked @login_not_required (the allow-list).
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.DomainErrorMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes documentation).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'xietong.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so that two
    # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#database-is-locked-errors
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xietong",
            # A cache outage must not take pages down: short timeouts, errors surface quickly.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xietong"}}

CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Short socket timeouts: with Redis down, a request that enqueues a task fails over in well
    # under a second (the work is recorded in the database and picked up later).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 0.5,
        "socket_timeout": 2,
        # Connect once when publishing; kombu would otherwise retry for broker_connection_timeout
        # (about 6 s per enqueue with Redis down). Publishers that pass a retry policy keep it, and
        # the worker and beat connect with their own broker_connection_max_retries.
        "max_retries": 0,
    }
else:
    # Kombu's file-system transport: no server, good for one machine.
    # https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.filesystem.html
    for sub in ("out", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    # A host name, though the transport has no use for it: without one kombu warns "No hostname was
    # supplied" at every connection.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Broadcast (remote control) messages; the default would be ./control in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# Where beat keeps its schedule state; two beats on one checkout (a test beside `make prod`) need two.
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workload:desk"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12 characters at least (NIST SP 800-63B favours length over composition rules).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: 5 failures for one username from one address lock that pair for 15 minutes.
# Locking by address alone would shut out a whole office behind one NAT address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Against password spraying: an address that fails for this many different usernames within the
# cool-off is locked out for all of them (0 turns the rule off). accounts/lockout.py explains.
AXES_ADDRESS_USERNAME_LIMIT = env.int("AXES_ADDRESS_USERNAME_LIMIT", default=10)
AXES_HANDLER = "accounts.lockout.LockoutHandler"
# Reverse proxies in front of the application. Each appends the address it received the request
# from to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; entries further
# left are the client's own and may be forged. The audit log and axes read it the same way.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_address"

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Working hours on a working day, as "HH:MM-HH:MM" periods; reminders and hour deadlines use them.
WORKING_HOURS = env.list("WORKING_HOURS", default=["09:00-12:00", "13:30-17:30"])

# Default handling deadline of an incoming document (收文), in working days after receipt, by
# urgency (DOMAIN.md C1: 急件 3; 平件 10 or 15 by local rule; 特急 at once, here the next working day).
INCOMING_DUE_WORKING_DAYS = {
    "normal": env.int("INCOMING_DAYS_NORMAL", default=15),
    "urgent": env.int("INCOMING_DAYS_URGENT", default=3),
    "extra_urgent": env.int("INCOMING_DAYS_EXTRA_URGENT", default=1),
}

# Public feedback (群众意见, README "Public feedback"). The routed department replies within
# FEEDBACK_REPLY_DAYS working days unless the office sets its own date; the 《信访工作条例》(2022)
# figures bound it (DOMAIN.md C2): receipt acknowledged within 15 days (受理告知), handled within 60
# (办理, the cap no date set by the office may pass). Whether the regulation's "日" are calendar or
# working days is unverified, so FEEDBACK_DAY_COUNTING ("working" or "calendar") decides how those two
# are counted.
FEEDBACK_REPLY_DAYS = env.int("FEEDBACK_REPLY_DAYS", default=15)
FEEDBACK_ACKNOWLEDGE_DAYS = env.int("FEEDBACK_ACKNOWLEDGE_DAYS", default=15)
FEEDBACK_STATUTORY_DAYS = env.int("FEEDBACK_STATUTORY_DAYS", default=60)
FEEDBACK_DAY_COUNTING = env.str("FEEDBACK_DAY_COUNTING", default="working")
if FEEDBACK_DAY_COUNTING not in ("working", "calendar"):
    raise ImproperlyConfigured("FEEDBACK_DAY_COUNTING must be 'working' or 'calendar'.")
# The public submission page (/public/feedback/): off unless the office opens it; then at most
# FEEDBACK_PUBLIC_RATE_LIMIT submissions per client address per window, each answering a signed
# arithmetic question valid for FEEDBACK_CHALLENGE_SECONDS.
FEEDBACK_PUBLIC_ENABLED = env.bool("FEEDBACK_PUBLIC_ENABLED", default=False)
FEEDBACK_PUBLIC_RATE_LIMIT = env.int("FEEDBACK_PUBLIC_RATE_LIMIT", default=5)
FEEDBACK_PUBLIC_RATE_WINDOW_SECONDS = env.int("FEEDBACK_PUBLIC_RATE_WINDOW_SECONDS", default=3600)
FEEDBACK_CHALLENGE_SECONDS = env.int("FEEDBACK_CHALLENGE_SECONDS", default=1800)

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "core.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Behind nginx: the URL prefix of an `internal` location that serves MEDIA_ROOT (deploy/nginx.conf).
# When set, attachment downloads are checked by Django and then handed to nginx (X-Accel-Redirect),
# so a gunicorn worker is not held for the whole transfer. Empty (the default): Django sends the file.
ATTACHMENT_ACCEL_REDIRECT = env.str("ATTACHMENT_ACCEL_REDIRECT", default="")

# --- Issued documents ---------------------------------------------------------------------------
# The official faces (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) as TrueType files; without them
# PDFs embed free system fonts (README "Issued documents"; file names in documents/layout/fonts.py).
DOCUMENT_FONTS_DIR = env.path("DOCUMENT_FONTS_DIR", default=str(VAR_DIR / "fonts"))
# The certificate and private key (PEM) that sign issued PDFs (PAdES). `manage.py signing_certificate
# --demo` makes a self-signed pair here for development; production supplies the organization's own.
SIGNING_CERT = env.path("SIGNING_CERT", default=str(VAR_DIR / "signing" / "cert.pem"))
SIGNING_KEY = env.path("SIGNING_KEY", default=str(VAR_DIR / "signing" / "key.pem"))
# The issuing organization's full name: the 发文机关标志 ("<name>文件"), the 署名 and the seal.
ORGANIZATION_NAME = env.str("ORGANIZATION_NAME", default="协同市协同局")
# The public verification page (/verify/<code>/): requests per client address per window.
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=30)
VERIFY_RATE_WINDOW_SECONDS = env.int("VERIFY_RATE_WINDOW_SECONDS", default=600)
# Meetings: reminders one working day and 30 minutes before the start (0 turns either off); the
# personal calendar feed covers this many days back and ahead, and refuses a client address after
# this many unknown feed tokens per window (a guessing attack; working feeds are never limited).
MEETING_REMINDER_WORKING_DAYS = env.int("MEETING_REMINDER_WORKING_DAYS", default=1)
MEETING_REMINDER_MINUTES = env.int("MEETING_REMINDER_MINUTES", default=30)
CALENDAR_FEED_DAYS_BACK = env.int("CALENDAR_FEED_DAYS_BACK", default=30)
CALENDAR_FEED_DAYS_AHEAD = env.int("CALENDAR_FEED_DAYS_AHEAD", default=180)
CALENDAR_FEED_FAILURE_LIMIT = env.int("CALENDAR_FEED_FAILURE_LIMIT", default=20)
CALENDAR_FEED_FAILURE_WINDOW_SECONDS = env.int("CALENDAR_FEED_FAILURE_WINDOW_SECONDS", default=600)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xietong@localhost")
# The portal's address as people reach it; e-mails link to it. In development it follows the address
# `make run HOST=… PORT=…` serves on (the Makefile passes them as RUN_HOST and RUN_PORT, since honcho
# gives each process a PORT of its own).
SITE_URL = env.str(
    "SITE_URL",
    default=(
        # A wildcard address (0.0.0.0) serves everyone but is no address to link to.
        f"http://{_RUN_HOST if _RUN_HOST not in ('0.0.0.0', '::') else '127.0.0.1'}:{env.int('RUN_PORT', default=8000)}"  # noqa: S104
        if DEBUG
        else "http://127.0.0.1:8000"
    ),
)
# A claimed e-mail whose worker died is sent again after this long (seconds).
NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env.int("NOTIFICATION_CLAIM_TIMEOUT_SECONDS", default=600)
# Tries of an e-mail or robot message that failed for a passing reason (server unreachable) before
# it is marked failed; a message that can never be sent (a header error) is failed at once.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)  # a working day
# However active, a session ends this long after sign-in (core.middleware.SessionExpiryMiddleware);
# an administrator's (staff, superuser) also after this long without a request.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=60 * 60 * 12)
SESSION_ADMIN_IDLE_SECONDS = env.int("SESSION_ADMIN_IDLE_SECONDS", default=60 * 30)
# Uploads: a file larger than FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file (deleted
# when the request ends) rather than held in memory; the form fields apart from files may total
# DATA_UPLOAD_MAX_MEMORY_SIZE; a request may carry at most DATA_UPLOAD_MAX_NUMBER_FILES files
# (core.attachments.MAX_FILES_PER_REQUEST, which the services check with a clearer message, is 20).
# Each file is then limited to ATTACHMENT_MAX_BYTES (413 beyond), and a zip container (zip, DOCX,
# XLSX, PPTX) to ATTACHMENT_ZIP_MAX_ENTRIES entries and ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES
# declared in its central directory (core.attachments).
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 50
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_ZIP_MAX_ENTRIES = env.int("ATTACHMENT_ZIP_MAX_ENTRIES", default=1000)
ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES = env.int("ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # HTTPS everywhere in production; a TLS-terminating proxy sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Cookies only over https. SECURE_COOKIES=false is for a production-like run on plain http on
    # the loopback (`make prod`, the smoke test), never for a deployment.
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is polled by load balancers over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content Security Policy (django-csp, https://django-csp.readthedocs.io/) -------------------
# Scripts and styles come only from our own static files: no inline code, no eval, no inline style
# attributes (behaviour lives in static/js/*.js; htmx is told to add no <style> of its own and to
# evaluate nothing, see base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}

# --- Forms and front end --------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an anonymous call gets 401 with WWW-Authenticate, not 403.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# API tokens (django-rest-knox): stored as SHA-512 digests, a fresh one at each sign-in, ending
# after API_TOKEN_HOURS or at logout, a password change or deactivation (accounts.services).
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # the `Authorization: Token <token>` header of API.md
    "TOKEN_PREFIX": "",
    "AUTO_REFRESH": False,  # a token ends API_TOKEN_HOURS after sign-in, however busy
}
SPECTACULAR_SETTINGS = {
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema_postprocess"],
    "TITLE": "Xietong API",
    "DESCRIPTION": "协同办公 (office coordination) REST API, v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema enum per domain enum, shared by every field that uses it.
    "ENUM_NAME_OVERRIDES": {
        "ClassificationEnum": "core.enums.Classification",
        "UrgencyEnum": "core.enums.Urgency",
        "PriorityEnum": "core.enums.Priority",
        "MatterStatusEnum": "affairs.models.MatterStatus",
        "ReceptionStatusEnum": "affairs.models.ReceptionStatus",
        "ArrangementKindEnum": "affairs.models.ArrangementKind",
        "ArrangementStatusEnum": "affairs.models.ArrangementStatus",
        "PlanKindEnum": "affairs.models.PlanKind",
        "PlanPeriodEnum": "affairs.models.PlanPeriod",
        "WorkItemStatusEnum": "workload.models.WorkItemStatus",
        "WorkItemKindEnum": "workload.models.WorkItemKind",
        "NotificationKindEnum": "notifications.models.NotificationKind",
        "DocTypeEnum": "documents.models.DocType",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
        "RevocationEnum": "documents.models.Revocation",
        "RoundStatusEnum": "documents.models.RoundStatus",
        "RequestStatusEnum": "documents.models.RequestStatus",
        "StanceEnum": "documents.models.Stance",
        "HandlingEnum": "documents.models.Handling",
        "StepKindEnum": "documents.models.StepKind",
        "StepStatusEnum": "documents.models.StepStatus",
        "ApprovalStatusEnum": "documents.models.ApprovalStatus",
        "DecisionEnum": "documents.models.Decision",
        "DistributionKindEnum": "documents.models.DistributionKind",
        "DistributionStatusEnum": "documents.models.DistributionStatus",
        "IncomingStatusEnum": "documents.models.IncomingStatus",
        "ReadingStatusEnum": "documents.models.ReadingStatus",
        "PacketStatusEnum": "documents.models.PacketStatus",
        "MeetingKindEnum": "meetings.models.MeetingKind",
        "MeetingStatusEnum": "meetings.models.MeetingStatus",
        "AttendeeRoleEnum": "meetings.models.AttendeeRole",
        "AttendeeResponseEnum": "meetings.models.AttendeeResponse",
        "ClashKindEnum": "meetings.clashes.ClashKind",
        "CoordinationStatusEnum": "relations.models.CoordinationStatus",
        "PartyRoleEnum": "relations.models.PartyRole",
        "PartyResponseEnum": "relations.models.PartyResponse",
        "FeedbackStatusEnum": "relations.feedback_models.FeedbackStatus",
        "FeedbackChannelEnum": "relations.feedback_models.FeedbackChannel",
        "FeedbackCategoryEnum": "relations.feedback_models.FeedbackCategory",
        "SatisfactionEnum": "relations.feedback_models.Satisfaction",
        "BulletinKindEnum": "relations.bulletin_models.BulletinKind",
    },
}

# --- Logging --------------------------------------------------------------------------------
# Every record carries the request id (X-Request-ID, also inside Celery tasks) and the user id;
# LOG_FORMAT=json writes one JSON object per line for a log collector (README "Logs and health").
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
# A request slower than this (milliseconds) is logged as a warning with its method, path and status.
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", default=1000)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "core.observability.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
# The worker logs through the configuration above (request ids, JSON) rather than Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /healthz reports the periodic jobs as stale ("degraded", still 200) when the scheduler's
# once-a-minute heartbeat is older than this.
BEAT_STALE_SECONDS = env.int("BEAT_STALE_SECONDS", default=180)

SITE_NAME = _("Xietong")
