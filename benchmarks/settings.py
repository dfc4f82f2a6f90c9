"""Settings of a benchmark run: production settings, plus the benchmark's URLconf.

``benchmarks/run.py`` chooses the database (``DATABASE_URL``) before Django starts.
"""

import os
import secrets
import warnings

# Production behaviour (DEBUG off) with a throw-away key: the numbers are the ones a server gives.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from config.settings import *  # noqa: F403
from config.settings import LOGGING, STORAGES

ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["testserver"]
# The test client talks plain http and needs no collected static files.
SECURE_SSL_REDIRECT = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
# WhiteNoise notes that STATIC_ROOT was never collected; the benchmark serves no static files.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
