"""The static files storage: whitenoise's compressed, hashed files, compressed with gzip only.

whitenoise adds Brotli files whenever the ``brotli`` package happens to be installed; it is not in
requirements.txt (production serves gzip), but a development dependency (locust) brings it, and
Brotli at whitenoise's quality makes ``collectstatic`` several times slower. Gzip alone keeps every
installation the same as production.
"""

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(**{**kwargs, "use_brotli": False})
