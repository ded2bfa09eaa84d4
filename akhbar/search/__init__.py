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
from typing import Any, Protocol

from akhbar.errors import QueryError
from akhbar.search.engine import SearchEngine, Sort, open_index
from akhbar.search.query import ParsedQuery, compile_query, parse_query
from akhbar.search.snippets import MatchTerms, highlight, make_snippet
from akhbar.store.search_outbox import SearchRow

MAX_LIMIT = 200


class SearchReads(Protocol):
    """The two store reads search needs (SQLiteStore has them through SearchOutboxMixin)."""

    def search_rows(self, ids: Sequence[int], *, with_tags: bool = False) -> list[SearchRow]: ...

    def tag_alias_keys(self, key: str) -> list[str]: ...


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
) -> SearchPage:
    """One page of results. QueryError (with what to fix) for a malformed query.

    `now` anchors the recency factor and relative dates (default: the current time).
    """
    if sort not in ("relevance", "date"):
        raise QueryError(f"unknown sort {sort!r}; use relevance or date")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise QueryError(f"limit must be 1-{MAX_LIMIT} and offset ≥ 0")
    parsed = parse_query(query, default_tz=default_tz, reference=now)
    compiled = compile_query(parsed, engine.schema, aliases_for=store.tag_alias_keys)
    page = engine.search(compiled.query, limit=limit, offset=offset, sort=sort, now=now)
    rows = {r.id: r for r in store.search_rows([h.id for h in page.hits])}
    terms = MatchTerms.of(compiled.terms)
    hits = [
        Hit(
            id=h.id,
            title=row.title,
            snippet=make_snippet(row.body, terms),
            score=h.score,
            published_at=row.published_at,
            source=row.source,
            url=row.url,
            title_html=highlight(row.title, terms),
        )
        for h in page.hits
        if (row := rows.get(h.id)) is not None  # deleted since it was indexed
    ]
    return SearchPage(page.total, hits)


__all__ = [
    "MAX_LIMIT",
    "Hit",
    "ParsedQuery",
    "SearchEngine",
    "SearchPage",
    "SearchReads",
    "compile_query",
    "open_index",
    "parse_query",
    "search",
]
