"""Fixtures of the tag tests: a store that has the tag queries, the seed-like page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from akhbar.dumps.pagedump import parse_page_dump
from akhbar.models import RawArticle
from akhbar.store import SQLiteStore, open_store
from akhbar.store.tags import TagQueries

DATA = Path(__file__).parent / "data"


@pytest.fixture
def tag_store() -> Iterator[SQLiteStore]:
    """An in-memory store (TagQueries is among SQLiteStore's bases)."""
    assert issubclass(SQLiteStore, TagQueries)
    store = open_store(":memory:")
    yield store
    store.close()


@pytest.fixture
def seed_page() -> RawArticle:
    path = DATA / "seed_page.txt"
    return parse_page_dump(path.read_text(encoding="utf-8"), path=str(path))
