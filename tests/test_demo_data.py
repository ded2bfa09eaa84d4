"""The bundled demo set imports completely, and every page gives the facts its writer recorded
in tests/data/demo_expected.json (title, UTC date, outlet, split tags, appended articles)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from akhbar.arabic import normalize_for_match
from akhbar.dumps import iter_dump_items
from akhbar.pipeline import ingest
from akhbar.pipeline.steps import open_ingestor
from akhbar.store import SQLiteStore, utc_iso
from tests.conftest import DATA, REPO

DEMO = REPO / "data" / "demo"
EXPECTED: dict[str, Any] = json.loads((DATA / "demo_expected.json").read_text(encoding="utf-8"))
PAGES = sorted(k for k in EXPECTED if "/" in k)


@pytest.fixture(scope="module")
def demo_store() -> SQLiteStore:
    from akhbar.store import open_store

    store = open_store(":memory:")
    with open_ingestor(store, search=False) as ingestor:
        report = ingestor.ingest(iter_dump_items([str(DEMO)], vocabulary=ingestor.vocabulary))
    assert report.failed == 0, report.errors
    return store


def test_demo_set_has_at_least_40_articles_in_three_formats(demo_store: SQLiteStore) -> None:
    articles = list(demo_store.iter_articles())
    assert len(articles) >= 40
    origins = {a.origin.split(":")[0].rsplit(".", 1)[-1] for a in articles}
    assert {"txt", "jsonl", "csv", "gz"} <= origins


@pytest.mark.parametrize("page", PAGES)
def test_demo_page_gives_its_recorded_facts(demo_store: SQLiteStore, page: str) -> None:
    want = EXPECTED[page]
    path = str(DEMO / page)
    (article,) = [a for a in demo_store.iter_articles() if a.origin == f"{path}:1"]
    assert article.title == want["title"]
    got_date = utc_iso(article.published_at) if article.published_at else None
    assert got_date == want["published_at"]
    assert article.source == want["source"]
    # Every tag of the page's tag line is one of the article's tags (by any of its spellings:
    # the tag may show its canonical entity name, e.g. بوتين as فلاديمير بوتين).
    tag_ids = {t.id for t in article.tags}
    for tag in want["tags"]:
        assert demo_store.tag_id_by_key(normalize_for_match(tag)) in tag_ids, tag
    appended = [r.title for r in article.related if r.kind == "appended-to"]
    assert sorted(appended) == sorted(want["appended"])
    assert article.encoding.replace("-sig", "").startswith(want["encoding"].split("-")[0][:3])


def test_demo_import_is_idempotent(demo_store: SQLiteStore) -> None:
    before = demo_store.article_count()
    report = ingest(demo_store, iter_dump_items([str(DEMO)]))
    assert (report.imported, report.failed) == (0, 0)
    assert report.duplicates >= 40
    assert demo_store.article_count() == before


def test_no_metadata_line_reaches_a_demo_body(demo_store: SQLiteStore) -> None:
    labels = (
        "تاريخ النشر",
        "المصدر:",
        "كلمات دلالية",
        "الكلمات الدلالية",
        "اقرأ أيضا",
        "إقرأ أيضاً",
    )
    for article in demo_store.iter_articles():
        for paragraph in article.body.split("\n\n"):
            assert not paragraph.startswith(labels), (article.origin, paragraph[:60])


def test_same_appended_article_under_two_pages_is_one_record(demo_store: SQLiteStore) -> None:
    counts: dict[str, int] = {}
    for page in PAGES:
        for title in EXPECTED[page]["appended"]:
            counts[title] = counts.get(title, 0) + 1
    shared = [t for t, n in counts.items() if n > 1]
    assert shared
    for title in shared:
        records = [a for a in demo_store.iter_articles() if a.title == title]
        assert len(records) == 1
        assert len([r for r in records[0].related if r.kind == "appended-to"]) == counts[title]
