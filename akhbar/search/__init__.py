"""Arabic full-text search: one `search` function for the CLI, the JSON API and the web reader.

    query text --parse_query--> AST --compile_query--> tantivy Query --engine--> ranked ids
               --store--> original titles/bodies --snippets--> SearchPage

`open_index(db_path)` opens the tantivy index next to the store; the pipeline keeps it in step
with the store through the search outbox (akhbar/pipeline/index_step.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from akhbar.errors import QueryError
from akhbar.search.analysis import prepare_analysis
from akhbar.search.engine import SearchEngine, Sort, open_index
from akhbar.search.names import NameExpander, default_expander
from akhbar.search.query import NameLookup, ParsedQuery, compile_query, parse_query
from akhbar.search.snippets import MatchTerms, page_snippets
from akhbar.store.search_outbox import SearchRow

MAX_LIMIT = 200


class SearchReads(Protocol):
    """The store reads search needs (SQLiteStore has them through SearchOutboxMixin)."""

    def search_rows(self, ids: Sequence[int], *, with_tags: bool = False) -> list[SearchRow]: ...

    def tag_alias_keys(self, key: str) -> list[str]: ...


@runtime_checkable
class FilterNameReads(Protocol):
    """The store read that lets source:/tag: take unquoted multi-word names (SQLiteStore has
    it); a store without it (the benchmark's text table) reads filter values as typed."""

    def filter_names(self, kind: str, key: str, *, limit: int = 3) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    title: str
    snippet: str  # HTML: escaped original text with <mark> around the matching words
    score: float
    published_at: datetime | None
    source: str
    url: str
    title_html: str = ""  # the title, escaped, its matching words marked

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (CLI --json, API): published_at as ISO 8601 UTC or null."""
        return {
            "id": self.id,
            "title": self.title,
            "snippet": self.snippet,
            "score": round(self.score, 6),
            "published_at": (
                self.published_at.strftime("%Y-%m-%dT%H:%M:%SZ") if self.published_at else None
            ),
            "source": self.source,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    hits: list[Hit]


def prepare_search() -> None:
    """Load what every search needs (the analysis tables, the shipped names) now, not at the
    first query: the reader calls it at start-up (akhbar/web/app.py)."""
    prepare_analysis()
    default_expander()


def search(
    store: SearchReads,
    engine: SearchEngine,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    sort: Sort = "relevance",
    now: datetime | None = None,
    default_tz: str | None = None,
    names: NameLookup | None = None,
    expand_names: bool = True,
) -> SearchPage:
    """One page of results. QueryError (with what to fix) for a malformed query.

    `now` anchors the recency factor and relative dates (default: the current time);
    `expand_names` also searches the other spellings of a name the query holds, from `names`
    (default: the shipped gazetteer).
    """
    if sort not in ("relevance", "date"):
        raise QueryError(f"unknown sort {sort!r}; use relevance or date")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"limit must be 1-{MAX_LIMIT} and offset ≥ 0")
    filter_names = store.filter_names if isinstance(store, FilterNameReads) else None
    parsed = parse_query(query, default_tz=default_tz, reference=now, names=filter_names)
    compiled = compile_query(
        parsed,
        engine.schema,
        aliases_for=store.tag_alias_keys,
        names_for=(names or default_expander()) if expand_names else None,
    )
    page = engine.search(compiled.query, limit=limit, offset=offset, sort=sort, now=now)
    rows = {r.id: r for r in store.search_rows([h.id for h in page.hits])}
    found = [(h, row) for h in page.hits if (row := rows.get(h.id)) is not None]  # not deleted
    bodies, titles = page_snippets(
        [row.body for _, row in found],
        [row.title for _, row in found],
        MatchTerms.of(compiled.terms),
    )
    hits = [
        Hit(
            id=h.id,
            title=row.title,
            snippet=body,
            score=h.score,
            published_at=row.published_at,
            source=row.source,
            url=row.url,
            title_html=title,
        )
        for (h, row), body, title in zip(found, bodies, titles, strict=True)
    ]
    return SearchPage(page.total, hits)


__all__ = [
    "MAX_LIMIT",
    "FilterNameReads",
    "Hit",
    "NameExpander",
    "NameLookup",
    "ParsedQuery",
    "SearchEngine",
    "SearchPage",
    "SearchReads",
    "compile_query",
    "open_index",
    "parse_query",
    "prepare_search",
    "search",
]
