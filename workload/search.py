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
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models, transaction
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.errors import ValidationError

from . import targets
from .models import SearchEntry

MAX_QUERY_LENGTH = 100
MAX_TERMS = 12
PAGE_SIZE = 20  # hits on a page of the search page and the API
SLICE_MARGIN = 20  # candidates read beyond a page's worth, for those the person may not see
MAX_SLICE = 1000  # candidates checked against the rules in one query, at most
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


def warm_up() -> None:
    """Load the segmenter's dictionary now (a few seconds) rather than in the first request that
    indexes or searches: the web server calls it in each new worker (deploy/gunicorn.conf.py)."""
    _segmenter()


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


def _fts5_tiers(terms: Sequence[str]) -> list[tuple[int, str]]:
    """SQLite: the FTS5 queries of the rank tiers, best first: (rank, query). Every term must
    occur (as a word, or as the run of its characters); the entries holding every term in the
    title come first, then (with several terms) those holding some of them there, then the rest.
    Each term is quoted as an FTS5 string, so that no term is read as query syntax."""

    def phrase(words: Sequence[str]) -> str:
        return '"{}"'.format(" ".join(words).replace('"', '""'))

    each = [
        f"({phrase([term])} OR {phrase(_characters(term))})" if len(_characters(term)) > 1 else phrase([term])
        for term in terms
    ]
    every = " AND ".join(each)
    titled = [f"{{title_words}} : {term}" for term in each]
    title_all, title_any = " AND ".join(titled), " OR ".join(titled)
    if len(terms) == 1:
        return [(1, f"({every}) AND ({title_all})"), (0, f"({every}) NOT ({title_all})")]
    return [
        (2, f"({every}) AND ({title_all})"),
        (1, f"({every}) AND ({title_any}) NOT ({title_all})"),
        (0, f"({every}) NOT ({title_any})"),
    ]


def _fts5_match(query: str, *, beyond: int | None, descending: bool) -> RawSQL:
    """SQLite only: the ids of the entries matching the FTS5 ``query``, newest first (oldest
    first unless ``descending``), those beyond the id ``beyond`` in that order.

    Raw SQL because the ORM has no FTS5 support (``MATCH`` on a virtual table); it is kept to this
    one fragment, the query and the bound passed as parameters.
    """
    sql = "SELECT rowid FROM workload_searchentry_fts WHERE workload_searchentry_fts MATCH %s"
    params: list[Any] = [query]
    if beyond is not None:
        sql += " AND rowid < %s" if descending else " AND rowid > %s"
        params.append(beyond)
    sql += " ORDER BY rowid DESC" if descending else " ORDER BY rowid"
    return RawSQL(sql, params)  # noqa: S611 (constant SQL; the query and the bound are parameters)


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


@dataclass(frozen=True)
class Position:
    """Where a hit stands in the order of a search (rank descending, then newest): what a cursor
    holds, so that the next page continues from it at the cost of one page, at any depth."""

    rank: float
    id: int

    def encode(self) -> str:
        return f"{self.rank!r}_{self.id}"

    @classmethod
    def decode(cls, text: Any) -> "Position":
        """The position a cursor names; a ``ValueError`` for anything that is not one."""
        rank_text, _sep, id_text = str(text or "").partition("_")
        rank, pk = float(rank_text), int(id_text)
        if not math.isfinite(rank) or not 0 < pk < 2**63:
            raise ValueError(text)
        return cls(rank, pk)


@dataclass(frozen=True)
class Results:
    """One page of a search: the visible entries, best first, and where the pages beside it start.

    ``next``: more hits may follow after this position; ``previous``: more may precede this one
    (a page read backwards from it). There is no total: counting the visible hits of a common word
    would check every match against the rules, which is the cost this design avoids; a mature
    search says "more than N" too."""

    entries: list[SearchEntry]
    next: Position | None = None
    previous: Position | None = None


def _of_type(entries: QuerySet[SearchEntry], only: str | None) -> QuerySet[SearchEntry]:
    if only is None:
        return entries
    model = next(s.model for s in _searchables.values() if targets.type_name(s.model) == only)
    return entries.filter(content_type=ContentType.objects.get_for_model(model))


def _ranked_slice(
    terms: Sequence[str], only: str | None, *, start: "Position | None", backwards: bool, width: int
) -> list["Position"]:
    """PostgreSQL: the next ``width`` entries holding every term, in the order of the search
    (``ts_rank``, then newest; the reverse with ``backwards``) after ``start``: positions only."""
    wanted = SearchQuery(_tsquery(terms), config="simple", search_type="raw")
    # ts_rank is a float4, which comes back as its shortest decimal: read as a double, that is not
    # the value compared in the next page's keyset. As a double it survives the round trip.
    ranked = _of_type(SearchEntry.objects.filter(vector=wanted), only).annotate(
        rank=Cast(SearchRank(F("vector"), wanted), FloatField())
    )
    if start is not None:
        if backwards:
            ranked = ranked.filter(Q(rank__gt=start.rank) | Q(rank=start.rank, pk__gt=start.id))
        else:
            ranked = ranked.filter(Q(rank__lt=start.rank) | Q(rank=start.rank, pk__lt=start.id))
    order = ("rank", "id") if backwards else ("-rank", "-id")
    return [Position(rank, pk) for pk, rank in ranked.order_by(*order).values_list("pk", "rank")[:width]]


_HIT_FIELDS = ("content_type_id", "object_id", "title", "text")
Page = list[tuple[SearchEntry, "Position"]]


def _page_by_slices(
    terms: Sequence[str], only: str | None, seen: Q, *, size: int, start: "Position | None", backwards: bool
) -> tuple[Page, bool]:
    """PostgreSQL: the page, and whether a visible hit follows it. The database ranks; the rules
    are asked of a slice of the best candidates at a time (the page and a margin), the next, twice
    as wide, read only when too few of them are visible."""
    page: Page = []
    position, more, width = start, False, size + SLICE_MARGIN
    while not more:
        slice_ = _ranked_slice(terms, only, start=position, backwards=backwards, width=width)
        visible = SearchEntry.objects.filter(seen, pk__in=[p.id for p in slice_]).only(*_HIT_FIELDS)
        entries = {entry.pk: entry for entry in visible}
        for candidate in slice_:
            if candidate.id in entries:
                if len(page) == size:
                    more = True  # a visible hit beyond the page: there is a page after it
                    break
                page.append((entries[candidate.id], candidate))
            position = candidate
        if more or len(slice_) < width:
            break  # the page is full and another hit follows, or every match has been examined
        width = min(width * 2, MAX_SLICE)
    return page, more


def _page_by_tiers(
    terms: Sequence[str], only: str | None, seen: Q, *, size: int, start: "Position | None", backwards: bool
) -> tuple[Page, bool]:
    """SQLite: the page, and whether a visible hit follows it. Tier by tier (every word in the
    title, some, none), one query each: FTS5 lists the tier's entries, and SQLite walks them newest
    first, asking the rules of each in turn, until the page and one more are found; so the rules
    are asked of the candidates the page needs, however many entries match."""
    tiers = _fts5_tiers(terms)
    if backwards:
        tiers.reverse()
    page: Page = []
    for rank, query in tiers:
        beyond = None
        if start is not None:
            if (rank < start.rank) if backwards else (rank > start.rank):
                continue  # a tier the pages before this one have gone through
            beyond = start.id if rank == start.rank else None
        ids = _fts5_match(query, beyond=beyond, descending=not backwards)
        rows = _of_type(SearchEntry.objects.filter(seen, pk__in=ids), only).order_by("id" if backwards else "-id")
        page += [(entry, Position(rank, entry.pk)) for entry in rows.only(*_HIT_FIELDS)[: size + 1 - len(page)]]
        if len(page) > size:
            return page[:size], True
    return page, False


def search(
    *,
    user: Any,
    query: str,
    only: str | None = None,
    size: int = PAGE_SIZE,
    after: Position | None = None,
    before: Position | None = None,
) -> Results:
    """The page of entries matching every word of ``query`` that ``user`` may see (of the type
    ``only`` when given), best first (``rank``, then newest): the first page, the one after the
    position ``after``, or the one before ``before``. A query without words finds nothing.

    The rules are asked only of the best candidates, as many as the page needs (``_page_by_tiers``,
    ``_page_by_slices``), never of every match: the work of a request follows the page, not the
    number of matches, for anyone who may see a fair share of what matches. There is a ``next``
    page only when a visible hit follows, so that hidden matches never show, not even as an empty
    page.
    """
    terms = query_terms(query)
    if not terms:
        return Results(entries=[])
    backwards = before is not None
    start = before if backwards else after
    seen = visible_entries(user, only=only)  # the rules, worded once
    paging = _page_by_slices if connection.vendor == "postgresql" else _page_by_tiers
    page, more = paging(terms, only, seen, size=size, start=start, backwards=backwards)
    if backwards:
        page.reverse()
    first, last = (page[0][1], page[-1][1]) if page else (None, None)
    found = [entry for entry, _position in page]
    if backwards:
        return Results(entries=found, next=last, previous=first if more else None)
    return Results(entries=found, next=last if more else None, previous=first if after is not None else None)


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
