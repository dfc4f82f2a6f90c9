"""Full-text search over what the coordination apps register: Chinese segmented by jieba, ranked by
the database, and filtered through each type's one visibility rule (``workload.targets``).

Each searchable model registers, in its app's ``AppConfig.ready``, how to read its searchable
content (``register``); its services call ``index`` whenever that content changes, inside their
transaction, so the index never lags a committed change. ``search`` returns only entries whose
object the person may see by the rule that type registered with the ledger: a hit, its title and
its snippet are never shown to someone who may not open the object itself.

The database does the matching: PostgreSQL a tsvector (config ``simple``: the words are jieba's,
not the database's) under a GIN index, ranked by ``ts_rank`` with the title weighted above the
text; SQLite an FTS5 table (migration 0006) ranked by ``bm25``.
"""

import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models, transaction
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.errors import ValidationError

from . import targets
from .models import SearchEntry

MAX_QUERY_LENGTH = 100
MAX_TERMS = 12
MAX_CANDIDATES = 1000  # the newest matches that are ranked (search)
SNIPPET_LENGTH = 90
_WORD = re.compile(r"[^\W_]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Content:
    """What an object offers the index: a title, its text (plain, no markup), its classification."""

    title: str
    text: str
    classification: str


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    label: Any  # the type as people read it ("Document"), a lazy translation
    content: Callable[[Any], Content]
    objects: Callable[[], Iterable[Any]]  # every object, for rebuild_search_index


_searchables: dict[str, Searchable] = {}


def register(
    model: type[models.Model],
    *,
    label: Any,
    content: Callable[[Any], Content],
    objects: Callable[[], Iterable[Any]] | None = None,
) -> None:
    """Make ``model`` searchable. Its visibility is the rule it registered with ``workload.targets``
    (without one, nobody finds it: fail closed)."""
    _searchables[model._meta.label_lower] = Searchable(
        model=model, label=label, content=content, objects=objects or model._default_manager.all
    )


def type_names() -> dict[str, Any]:
    """The searchable types as the API names them (``document``), with their labels, in order."""
    return {targets.type_name(searchable.model): searchable.label for searchable in _searchables.values()}


def clean_type(value: Any) -> str | None:
    """The ``type`` asked for: one of ``type_names()``, or ``None`` for all; else a ValidationError."""
    if value in (None, ""):
        return None
    if value not in type_names():
        message = _("Choose one of: %(types)s.") % {"types": ", ".join(type_names())}
        raise ValidationError(message, fields={"type": [message]})
    return str(value)


# --- Segmenting -----------------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba: Any = None


def _segmenter() -> Any:
    """jieba's default tokenizer, initialised once per process from its bundled dictionary (no
    network), with its start-up chatter silenced."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _words(tokens: Iterable[str]) -> list[str]:
    """Tokens that carry a word (not punctuation, spaces or underscores), folded to lower case."""
    return [token.strip().lower() for token in tokens if _WORD.search(token)]


def _characters(word: str) -> list[str]:
    """A word with Chinese in it as its characters (the index's second reading); others whole."""
    return list(word) if _HAN.search(word) else [word]


def segment(text: str) -> str:
    """``text`` as the index stores it, in two readings separated by spaces: jieba's search-mode
    words (each word and the shorter words inside it: 办公厅 in 国务院办公厅), then every character
    of the precise-mode words in order. jieba cuts by context (值班表并报 → 值班 / 表并 / 报), so a
    query word it cut differently is still found as the run of its characters (``terms_query``)."""
    jieba = _segmenter()
    words = _words(jieba.cut_for_search(text or ""))
    characters = [char for word in _words(jieba.cut(text or "")) for char in _characters(word)]
    return " ".join(words + characters)


def query_terms(query: str) -> list[str]:
    """The words of a query (jieba's precise mode), each once, at most ``MAX_TERMS``."""
    terms = dict.fromkeys(_words(_segmenter().cut(query)))
    return list(terms)[:MAX_TERMS]


def clean_query(value: Any) -> str:
    """The query as typed, checked: a line of printable text up to ``MAX_QUERY_LENGTH`` characters.
    Anything else (a lone surrogate, a control character, an overlong query) is a ``ValidationError``
    naming ``q``; an empty query is ``""``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter words to search for."), fields={"q": [_("Enter text.")]})
    query = " ".join(value.split())
    if len(query) > MAX_QUERY_LENGTH:
        message = _("A search can be at most %(n)d characters long.") % {"n": MAX_QUERY_LENGTH}
        raise ValidationError(message, fields={"q": [message]})
    if any(unicodedata.category(char) in {"Cs", "Cc", "Co", "Cn"} for char in query):
        message = _("The search contains characters that cannot be searched for.")
        raise ValidationError(message, fields={"q": [message]})
    return query


# --- Keeping the index in step (services) ---------------------------------------------------------


def _searchable_of(model: type[models.Model]) -> Searchable:
    return _searchables[model._meta.label_lower]


def _with_vector(entries: QuerySet[SearchEntry]) -> None:
    # PostgreSQL: the tsvector from the segments, the title weighted above the text (ts_rank).
    if connection.vendor == "postgresql":
        entries.update(
            vector=SearchVector("title_words", weight="A", config="simple")
            + SearchVector("words", weight="B", config="simple")
        )


def _fields(content: Content) -> dict[str, Any]:
    """An entry's columns from an object's content (the tsvector aside: ``_with_vector``)."""
    text = " ".join(content.text.split())
    return {
        "title": content.title[:300],
        "text": text,
        "title_words": segment(content.title),
        "words": segment(text),
        "classification": content.classification,
        "updated": timezone.now(),
    }


@transaction.atomic
def index(obj: models.Model) -> SearchEntry:
    """Write ``obj``'s entry from its current content (create or replace).

    The object's row is locked first and its content read after: two changes at once (two leaders'
    remarks on one incoming document) write the entry one after the other, the second seeing both.
    """
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    entry, _created = SearchEntry.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        defaults=_fields(_searchable_of(type(obj)).content(locked)),
    )
    _with_vector(SearchEntry.objects.filter(pk=entry.pk))
    return entry


@transaction.atomic
def rebuild(*, batch: int = 500) -> int:
    """Empty the index and write every registered object's entry again; the number written."""
    SearchEntry.objects.all().delete()
    written = 0
    for searchable in _searchables.values():
        content_type = ContentType.objects.get_for_model(searchable.model)
        rows: list[SearchEntry] = []
        for obj in searchable.objects():
            rows.append(SearchEntry(content_type=content_type, object_id=obj.pk, **_fields(searchable.content(obj))))
            if len(rows) >= batch:
                written += len(SearchEntry.objects.bulk_create(rows))
                rows = []
        written += len(SearchEntry.objects.bulk_create(rows))
    _with_vector(SearchEntry.objects.all())
    return written


# --- Finding (selectors) --------------------------------------------------------------------------


def visible_entries(user: Any, *, only: str | None = None) -> Q:
    """Entries whose object ``user`` may see, asked of each searchable type's registered rule
    (of one type, named as ``type_names()`` names it, with ``only``)."""
    condition = Q(pk__in=[])
    for searchable in _searchables.values():
        if only is not None and targets.type_name(searchable.model) != only:
            continue
        seen = targets.visible_queryset(user, searchable.model).filter(pk=OuterRef("object_id"))
        content_type = ContentType.objects.get_for_model(searchable.model)
        condition |= Q(content_type_id=content_type.pk) & Q(Exists(seen))
    return condition


def _fts5_match(terms: Sequence[str]) -> RawSQL:
    """SQLite only: the ids of the entries holding every term (as a word, or as the run of its
    characters).

    Raw SQL because the ORM has no FTS5 support (``MATCH`` on a virtual table); it is kept to this
    one fragment, each term passed as a parameter (quoted as an FTS5 string, so that no term is
    read as query syntax).
    """

    def phrase(words: Sequence[str]) -> str:
        return '"{}"'.format(" ".join(words).replace('"', '""'))

    match = " AND ".join(
        f"({phrase([term])} OR {phrase(_characters(term))})" if len(_characters(term)) > 1 else phrase([term])
        for term in terms
    )
    return RawSQL("SELECT rowid FROM workload_searchentry_fts WHERE workload_searchentry_fts MATCH %s", [match])


def _title_rank(terms: Sequence[str]) -> Any:
    """SQLite's rank: how many of the terms the title holds (a hit in the title above one in the
    text; newest first among equals). FTS5's ``bm25()`` would need a MATCH per ranked row, seconds
    for a common word in a large archive, where this reads the candidates' titles once."""
    return sum(
        (Case(When(title__contains=term, then=Value(1.0)), default=Value(0.0)) for term in terms),
        Value(0.0),
    )


def _tsquery(terms: Sequence[str]) -> str:
    """PostgreSQL: every term, as a word or as the run of its characters (``'值班表' | '值' <-> '班'
    <-> '表'``), each lexeme quoted so that nothing in it is read as tsquery syntax."""

    def lexeme(word: str) -> str:
        return "'{}'".format(word.replace("\\", "\\\\").replace("'", "''"))

    def either(term: str) -> str:
        characters = _characters(term)
        if len(characters) == 1:
            return lexeme(term)
        return "({} | {})".format(lexeme(term), " <-> ".join(lexeme(char) for char in characters))

    return " & ".join(either(term) for term in terms)


def search(*, user: Any, query: str, only: str | None = None) -> QuerySet[SearchEntry]:
    """The entries matching every word of ``query`` that ``user`` may see (of the type ``only``
    when given), best first (``rank``, then newest). A query without words finds nothing.

    Ranking reads every candidate's vector, so a common word (值班 in a year of notices) would rank
    tens of thousands of rows: only the newest ``MAX_CANDIDATES`` matches are ranked and listed, at a
    cost that does not grow with the archive. Each type's rule is asked per candidate (``EXISTS`` on
    the object's key), so a rare word costs a handful of look-ups, not a pass over every object.
    """
    terms = query_terms(query)
    visible = SearchEntry.objects.filter(visible_entries(user, only=only))
    if not terms:
        return visible.none().annotate(rank=models.Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        wanted = SearchQuery(_tsquery(terms), config="simple", search_type="raw")
        matching = visible.filter(vector=wanted)
        rank: Any = SearchRank(F("vector"), wanted)
    else:
        matching = visible.filter(pk__in=_fts5_match(terms))
        rank = _title_rank(terms)
    newest = matching.order_by("-id").values("pk")[:MAX_CANDIDATES]
    return SearchEntry.objects.filter(pk__in=newest).annotate(rank=rank).order_by("-rank", "-id")


# --- Showing --------------------------------------------------------------------------------------


def highlight(text: str, terms: Sequence[str], *, length: int | None = None) -> SafeString:
    """``text`` HTML-escaped with each term in ``<mark>``; with ``length``, only a window of that
    many characters around the first term, with "…" where it was cut."""
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    if length is not None:
        found = pattern.search(text) if terms else None
        start = max(0, found.start() - length // 3) if found else 0
        window = text[start : start + length]
        text = ("…" if start else "") + window + ("…" if start + length < len(text) else "")
    if not terms:
        return conditional_escape(text)
    parts: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        parts.append(conditional_escape(text[last : found.start()]))
        parts.append(format_html("<mark>{}</mark>", found.group()))
        last = found.end()
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)


@dataclass(frozen=True)
class Hit:
    type: str
    label: str
    id: int
    title: SafeString
    snippet: SafeString
    url: str | None


def hits(entries: Iterable[SearchEntry], query: str) -> list[Hit]:
    """The page's or the API's view of entries found for ``query``: type, highlighted title and
    snippet, link. No query: the entries carry everything (their content type is cached)."""
    terms = query_terms(query)
    found = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        searchable = _searchables.get(model._meta.label_lower) if model else None
        if model is None or searchable is None:
            continue
        ref = targets.target_ref(entry.content_type_id, entry.object_id)
        found.append(
            Hit(
                type=str(ref["type"]),
                label=str(searchable.label),
                id=entry.object_id,
                title=highlight(entry.title, terms),
                snippet=highlight(entry.text, terms, length=SNIPPET_LENGTH),
                url=ref["url"],  # type: ignore[arg-type]
            )
        )
    return found
