"""Fonts for PDFs drawn with reportlab: register a TrueType face (embedded), or find a CJK face for
a plain report (the free system fonts, else reportlab's built-in CID font ``STSong-Light``).

Generic: documents' GB/T 9704 layout picks its faces per role (``documents.layout.fonts``) and
registers them here; reports (the workload dashboards' monthly PDF) take ``report_font``.
"""

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

# Free CJK faces with TrueType outlines (reportlab embeds no CFF fonts), first found wins:
# fonts-arphic-uming, fonts-wqy-zenhei, fonts-droid-fallback.
REPORT_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
# reportlab's built-in Adobe-GB1 font: never embedded, shown by every reader with the Chinese pack.
CID_FONT = "STSong-Light"


def register_ttf(path: str, index: int = 0) -> str | None:
    """Register the TrueType face ``index`` of ``path`` with reportlab and return its name; None
    (and a warning) when it cannot be read. Registering the same face again is free."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = "xt-" + hashlib.sha256(f"{path}#{index}".encode()).hexdigest()[:12]
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError) as error:
        logger.warning("Font %s (face %s) cannot be embedded: %s", path, index, error)
        return None
    pdfmetrics.registerFont(font)
    return name


def cid_font() -> str:
    """reportlab's built-in CID font, registered."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


@lru_cache(maxsize=4)
def _report_font(candidates: tuple[tuple[str, int], ...]) -> str:
    for path, index in candidates:
        if Path(path).is_file():
            name = register_ttf(path, index)
            if name:
                return name
    return cid_font()


def report_font() -> str:
    """The registered name of a face with CJK glyphs for reports (embedded where one is installed)."""
    return _report_font(REPORT_FONTS)
