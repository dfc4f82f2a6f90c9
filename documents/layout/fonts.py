"""Which font files set an issued document: the official faces where an administrator put them,
else free CJK fonts of the system (embedded), else reportlab's built-in CID font.

Official faces go in ``settings.DOCUMENT_FONTS_DIR`` (default ``var/fonts``) under one of the file
names of ``OFFICIAL_FILES`` (case does not matter). They must have TrueType outlines (.ttf/.ttc, or
an .otf with TrueType outlines): reportlab embeds no CFF (PostScript-outline) fonts, which is also
why Debian's Noto CJK (.ttc with CFF outlines) serves only the seal picture (drawn with Pillow), and
the PDF falls back to AR PL UMing / UKai (fonts-arphic-uming, fonts-arphic-ukai) and WenQuanYi Zen
Hei (fonts-wqy-zenhei).
"""

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from core.exports import FONT_FANGSONG, FONT_HEITI, FONT_KAITI, FONT_SONGTI, FONT_TITLE
from core.pdf_fonts import cid_font, register_ttf

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

logger = logging.getLogger(__name__)

# The roles a face plays in GB/T 9704-2012.
TITLE = "title"  # 方正小标宋简体: 发文机关标志, 标题
FANGSONG = "fangsong"  # 仿宋_GB2312: the default face of every element
HEITI = "heiti"  # 黑体: 密级, 紧急程度, 一、 headings
KAITI = "kaiti"  # 楷体_GB2312: 签发人 names, （一） headings
SONGTI = "songti"  # 宋体: page numbers
ROLES = (TITLE, FANGSONG, HEITI, KAITI, SONGTI)

# The name a DOCX gives each role (w:eastAsia): Word uses the face when it is installed.
OFFICIAL_NAMES = {
    TITLE: FONT_TITLE,
    FANGSONG: FONT_FANGSONG,
    HEITI: FONT_HEITI,
    KAITI: FONT_KAITI,
    SONGTI: FONT_SONGTI,
}

# File names looked for in DOCUMENT_FONTS_DIR, first found wins.
OFFICIAL_FILES: dict[str, tuple[str, ...]] = {
    TITLE: ("FZXBSJW.TTF", "方正小标宋简体.ttf", "FZXiaoBiaoSong-B05S.ttf"),
    FANGSONG: ("仿宋_GB2312.ttf", "FS_GB2312.ttf", "SIMFANG.TTF", "仿宋.ttf"),
    HEITI: ("SIMHEI.TTF", "黑体.ttf"),
    KAITI: ("楷体_GB2312.ttf", "KT_GB2312.ttf", "SIMKAI.TTF", "楷体.ttf"),
    SONGTI: ("SIMSUN.TTC", "宋体.ttc", "SIMSUN.TTF", "宋体.ttf"),
}


@dataclass(frozen=True)
class Candidate:
    path: str
    index: int = 0  # face inside a .ttc
    bold: bool = False  # stroke the outlines to stand in for a heavier face


# Free system fonts, per role, in order of preference (Debian package in the comment). A role with
# no candidate found borrows the fangsong face, stroked where the official face is heavier.
_UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"  # fonts-arphic-uming (AR PL UMing CN)
_UKAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"  # fonts-arphic-ukai (AR PL UKai CN)
_ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # fonts-wqy-zenhei
_DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"  # fonts-droid-fallback
SYSTEM_FONTS: dict[str, tuple[Candidate, ...]] = {
    TITLE: (Candidate(_UMING, bold=True),),
    FANGSONG: (Candidate(_UMING),),
    HEITI: (Candidate(_ZENHEI), Candidate(_DROID)),
    KAITI: (Candidate(_UKAI),),
    SONGTI: (Candidate(_UMING),),
}

# Fonts Pillow (FreeType) draws the seal and the DOCX watermark with: it reads CFF outlines too.
PICTURE_FONTS: tuple[Candidate, ...] = (
    Candidate("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", index=2),  # fonts-noto-cjk, SC
    Candidate("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", index=2),
    Candidate(_ZENHEI),
    Candidate(_UMING),
)


@dataclass(frozen=True)
class Face:
    """A font registered with reportlab for one role."""

    name: str  # reportlab's name for it
    source: str  # "official", "system" or "cid"
    path: str = ""
    bold: bool = False  # draw with fill and stroke (a stand-in for a heavier face)

    @property
    def embedded(self) -> bool:
        return self.source != "cid"


def fonts_dir() -> Path:
    return Path(getattr(settings, "DOCUMENT_FONTS_DIR", settings.BASE_DIR / "var" / "fonts"))


def _official_files(directory: Path) -> dict[str, Candidate]:
    """role → the official font file found in the directory."""
    try:
        present = {p.name.casefold(): p for p in directory.iterdir() if p.is_file()}
    except OSError:
        return {}
    found = {}
    for role, names in OFFICIAL_FILES.items():
        for name in names:
            path = present.get(name.casefold())
            if path is not None:
                found[role] = Candidate(str(path))
                break
    return found


def _register_ttf(candidate: Candidate) -> str | None:
    """Register a TrueType face with reportlab; None (and a warning) when it cannot be read."""
    return register_ttf(candidate.path, candidate.index)


@lru_cache(maxsize=8)
def _resolve(directory: str, system: tuple[tuple[str, tuple[Candidate, ...]], ...]) -> dict[str, Face]:
    faces: dict[str, Face] = {}
    for role, candidate in _official_files(Path(directory)).items():
        name = _register_ttf(candidate)
        if name:
            faces[role] = Face(name, "official", candidate.path)
    system_fonts = dict(system)
    for role in ROLES:
        if role in faces:
            continue
        for candidate in system_fonts.get(role, ()):
            if not Path(candidate.path).is_file():
                continue
            name = _register_ttf(candidate)
            if name:
                faces[role] = Face(name, "system", candidate.path, bold=candidate.bold)
                break
    if FANGSONG not in faces:
        # Nothing to embed for the body: reportlab's CID font (readable, not the right face).
        faces[FANGSONG] = Face(cid_font(), "cid")
    body = faces[FANGSONG]
    for role in ROLES:
        if role not in faces:
            faces[role] = Face(body.name, body.source, body.path, bold=role in (TITLE, HEITI))
    return faces


def pdf_faces() -> dict[str, Face]:
    """role → the face the PDF uses for it (resolved once per configuration)."""
    system = tuple(sorted(SYSTEM_FONTS.items()))
    return _resolve(str(fonts_dir()), system)


def picture_font(size: int) -> "FreeTypeFont | None":
    """A Pillow font with CJK glyphs for pictures (the seal, the DOCX watermark), or None."""
    return _picture_font(str(fonts_dir()), PICTURE_FONTS, size)


@lru_cache(maxsize=16)
def _picture_font(directory: str, system: tuple[Candidate, ...], size: int) -> "FreeTypeFont | None":
    from PIL import ImageFont

    official = _official_files(Path(directory))
    candidates = [official[r] for r in (TITLE, SONGTI, HEITI) if r in official] + list(system)
    for candidate in candidates:
        if not Path(candidate.path).is_file():
            continue
        try:
            return ImageFont.truetype(candidate.path, size=size, index=candidate.index)
        except OSError:
            try:  # a collection with fewer faces than expected
                return ImageFont.truetype(candidate.path, size=size)
            except OSError:
                continue
    return None
