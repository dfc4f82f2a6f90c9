"""Settings of ``make load``: production settings (from the environment) plus the benchmark URLconf,
whose minimal view is the baseline the desk is compared with (benchmarks/urls.py)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
