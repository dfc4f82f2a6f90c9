"""A document's body: sanitized structured text, its heading levels, and character-level diffs.

The body is stored as sanitized HTML of paragraphs (``<p>``) and headings (``<h2>``–``<h5>`` for the
four levels of GB/T 9704: 一、 （一） 1. （1）); nothing else survives ``sanitize`` (nh3), so what is
served back is never raw HTML. Plain text is accepted too (one paragraph per line), which is what
the drafting page's editor and most API clients send. A paragraph written with an ordinal
("二、工作要求") takes that level without any markup.
"""

import difflib
import html
import re
from dataclasses import dataclass

import nh3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# <h2>..<h5> carry the four levels; <p> an ordinary paragraph.
_LEVEL_TAGS = {"h2": 1, "h3": 2, "h4": 3, "h5": 4}
_TAG_OF_LEVEL = {level: tag for tag, level in _LEVEL_TAGS.items()}
ALLOWED_TAGS = {"p", "br", "strong", "em", *_LEVEL_TAGS}

_CN_DIGITS = "一二三四五六七八九十百零〇"
# The ordinals of the four levels (GB/T 9704 7.3.3): 一、 / （一） / 1. / （1）, full- or half-width.
_ORDINALS = (
    (1, re.compile(rf"^[{_CN_DIGITS}]+、")),
    (2, re.compile(rf"^[（(][{_CN_DIGITS}]+[）)]")),
    (3, re.compile(r"^[0-9０-９]+[.．](?![0-9])")),
    (4, re.compile(r"^[（(][0-9０-９]+[）)]")),
)
_BLOCK = re.compile(r"<(p|h2|h3|h4|h5)>(.*?)</\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Paragraph:
    level: int  # 0 ordinary, 1..4 the heading levels
    text: str


def level_of(text: str) -> int:
    """The heading level a paragraph's ordinal gives it (0 for none)."""
    for level, pattern in _ORDINALS:
        if pattern.match(text):
            return level
    return 0


def _looks_like_html(value: str) -> bool:
    return bool(re.search(r"<\s*/?\s*(p|h[1-6]|br|div|strong|em|b|i|u|span|ul|ol|li)\b", value, re.IGNORECASE))


def sanitize(value: str) -> str:
    """The stored form of a body given as HTML or as plain text (one paragraph per line)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not _looks_like_html(value):
        return render_paragraphs([Paragraph(level_of(line.strip()), line.strip()) for line in value.split("\n")])
    # Editors send <div> or <br> for lines and <h1>/<h6> now and then: map them before cleaning.
    value = re.sub(r"<\s*(/?)\s*div\b[^>]*>", r"<\1p>", value, flags=re.IGNORECASE)
    value = re.sub(r"<\s*(/?)\s*h1\b[^>]*>", r"<\1h2>", value, flags=re.IGNORECASE)
    value = re.sub(r"<\s*(/?)\s*h6\b[^>]*>", r"<\1h5>", value, flags=re.IGNORECASE)
    cleaned = nh3.clean(value, tags=ALLOWED_TAGS, attributes={}, strip_comments=True, link_rel=None)
    return render_paragraphs(paragraphs(cleaned))


def paragraphs(stored: str) -> list[Paragraph]:
    """The body's paragraphs with their levels (a heading tag, or the ordinal the text starts with)."""
    found: list[Paragraph] = []
    for tag, inner in _BLOCK.findall(stored or ""):
        for piece in re.split(r"<br\s*/?>", inner):
            text = html.unescape(_TAG.sub("", piece)).strip()
            if text:
                found.append(Paragraph(_LEVEL_TAGS.get(tag, 0) or level_of(text), text))
    if not found and stored and "<" not in stored:
        found = [Paragraph(level_of(line.strip()), line.strip()) for line in stored.splitlines() if line.strip()]
    return found


def render_paragraphs(items: list[Paragraph]) -> str:
    """Stored HTML for paragraphs: text escaped, a heading in its level's tag."""
    return "".join(format_html("<{0}>{1}</{0}>", _TAG_OF_LEVEL.get(p.level, "p"), p.text) for p in items if p.text)


def plain_text(stored: str) -> str:
    """The body as text, one paragraph per line (diffs, search, quotes)."""
    return "\n".join(p.text for p in paragraphs(stored))


def highlighted(stored: str, quotes: list[str]) -> SafeString:
    """The body as safe HTML with each quoted passage marked (reviewers' quotes on the draft)."""
    marks = [q for q in {q.strip() for q in quotes} if q]
    rendered = []
    for p in paragraphs(stored):
        text = html.escape(p.text)
        for quote in sorted(marks, key=len, reverse=True):
            text = text.replace(html.escape(quote), f'<mark class="xt-quote">{html.escape(quote)}</mark>')
        rendered.append((_TAG_OF_LEVEL.get(p.level, "p"), SafeString(text)))
    return format_html_join("", "<{0}>{1}</{0}>", rendered)


# --- Differences between two versions, by character ------------------------------------------------


@dataclass(frozen=True)
class Change:
    op: str  # "equal", "insert", "delete"
    text: str


def diff(old: str, new: str) -> list[Change]:
    """Changes from ``old`` to ``new`` text by character (Chinese has no word boundaries).

    Paragraphs are matched first and only changed paragraphs compared character by character, so a
    long document with a few edits costs little.
    """
    old_lines = old.split("\n") if old else []
    new_lines = new.split("\n") if new else []
    changes: list[Change] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if changes and changes[-1].op == op:
            changes[-1] = Change(op, changes[-1].text + text)
        else:
            changes.append(Change(op, text))

    by_line = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in by_line.get_opcodes():
        old_block = "\n".join(old_lines[i1:i2])
        new_block = "\n".join(new_lines[j1:j2])
        sep = "\n" if changes else ""
        if tag == "equal":
            add("equal", sep + old_block)
        elif tag == "delete":
            add("delete", sep + old_block)
        elif tag == "insert":
            add("insert", sep + new_block)
        else:
            if sep:
                add("equal", sep)
            by_char = difflib.SequenceMatcher(None, old_block, new_block, autojunk=False)
            for op, a1, a2, b1, b2 in by_char.get_opcodes():
                if op == "equal":
                    add("equal", old_block[a1:a2])
                else:
                    add("delete", old_block[a1:a2])
                    add("insert", new_block[b1:b2])
    return changes


def diff_html(changes: list[Change]) -> SafeString:
    """Changes as safe HTML: insertions in <ins>, deletions in <del>, line breaks kept."""
    tags = {"insert": "ins", "delete": "del"}
    parts = []
    for change in changes:
        text = html.escape(change.text).replace("\n", "<br>")
        tag = tags.get(change.op)
        parts.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return SafeString("".join(parts))
