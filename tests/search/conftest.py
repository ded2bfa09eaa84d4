"""Fixtures for search tests: a store with the search outbox, an engine, an ingest helper.

Every article goes through the real ingest path with the IndexStep, so each test also proves
that an article is searchable as soon as its ingest batch commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from akhbar.models import Origin, RawArticle
from akhbar.pipeline.index_step import IndexStep, open_search_index
from akhbar.pipeline.ingest import Ingestor
from akhbar.search import SearchEngine, SearchPage, search
from akhbar.store import SQLiteStore
from akhbar.store.search_outbox import SearchOutboxMixin

#: Fixed "now" so the recency factor never makes a test depend on the day it runs.
NOW = datetime(2024, 6, 1, tzinfo=UTC)


class SearchStore(SQLiteStore, SearchOutboxMixin):
    """SQLiteStore with the search mixin (a no-op once SQLiteStore itself inherits it)."""


@dataclass
class Corpus:
    store: SearchStore
    engine: SearchEngine
    ids: dict[str, int] = field(default_factory=dict)
    _n: int = 0

    def add(
        self,
        key: str,
        title: str,
        body: str,
        *,
        source: str = "الشروق",
        published: datetime | None = datetime(2024, 5, 1, tzinfo=UTC),
        tags: list[str] | None = None,
        aliases: dict[str, list[str]] | None = None,
    ) -> int:
        self._n += 1
        raw = RawArticle(
            title=title,
            body=body,
            origin=Origin(path="t.jsonl", line=self._n),
            url=f"https://news.example/{key}",
            source_name=source,
            published_at=published,
            tags=tags or [],
            tag_aliases=aliases or {},
        )
        report = Ingestor(self.store, steps=[IndexStep(self.store, self.engine)]).ingest([raw])
        assert report.imported == 1, report.errors
        self.ids[key] = report.new_ids[0]
        return self.ids[key]

    def page(self, query: str, **kw: object) -> SearchPage:
        kw.setdefault("now", NOW)
        return search(self.store, self.engine, query, **kw)  # type: ignore[arg-type]

    def keys(self, query: str, **kw: object) -> list[str]:
        """Keys of the hits, best first."""
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[h.id] for h in self.page(query, **kw).hits]


@pytest.fixture
def search_store() -> Iterator[SearchStore]:
    s = SearchStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def corpus(search_store: SearchStore) -> Iterator[Corpus]:
    engine = open_search_index(search_store, keep_writer=True)
    yield Corpus(search_store, engine)
    engine.close()


AddFn = Callable[..., int]
