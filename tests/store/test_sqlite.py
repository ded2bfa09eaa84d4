from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.errors import NotFoundError, StoreError
from akhbar.store import NewArticle, SQLiteStore, open_store


def _article(**overrides: object) -> NewArticle:
    values: dict[str, object] = {
        "title": "عنوان",
        "body": "نص المقال",
        "url": "",
        "canonical_url": "",
        "published_at": datetime(2024, 3, 5, 10, 0, tzinfo=UTC),
        "published_has_time": True,
        "published_text": "",
        "source_id": None,
        "language": "ar",
        "fingerprint": "f1",
        "dedup_key": "fp:0:f1",
        "origin": "x.txt:1",
    }
    values.update(overrides)
    return NewArticle(**values)  # type: ignore[arg-type]


def test_store_uses_wal_and_latest_schema_when_opened(db_path: str) -> None:
    with open_store(db_path) as s:
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.schema_version() >= 1
        tables = {r[0] for r in s.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "sources",
        "articles",
        "tags",
        "tag_aliases",
        "article_tags",
        "article_relations",
        "ingest_log",
    } <= tables


def test_store_refuses_schema_newer_than_code(db_path: str) -> None:
    open_store(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    with pytest.raises(StoreError, match="newer than this akhbar"):
        open_store(db_path)


def test_store_refuses_file_that_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is not sqlite at all " * 100)
    with pytest.raises(StoreError):
        open_store(str(bad))


def test_transaction_rolls_back_everything_on_error(store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_article(_article())
        raise RuntimeError("boom")
    assert store.article_count() == 0


def test_article_round_trips_with_original_text(store: SQLiteStore) -> None:
    src = store.add_source("الشروق", "الشروق")
    article_id = store.insert_article(_article(title="مُحَمَّد يزور القاهرة", source_id=src.id))
    got = store.get_article(article_id)
    assert got.title == "مُحَمَّد يزور القاهرة"
    assert got.source == "الشروق"
    assert got.published_at == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)


def test_get_article_raises_not_found_for_unknown_id(store: SQLiteStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_article(42)


def test_relations_are_visible_from_both_ends(store: SQLiteStore) -> None:
    a = store.insert_article(_article(title="أ", dedup_key="k1", fingerprint="1"))
    b = store.insert_article(_article(title="ب", dedup_key="k2", fingerprint="2"))
    store.add_relation(b, a, "appended-to")
    store.add_relation(b, a, "appended-to")  # idempotent
    assert [(r.id, r.kind) for r in store.get_article(a).related] == [(b, "appended-to")]
    assert [(r.id, r.kind) for r in store.get_article(b).related] == [(a, "appended-to")]


def test_relation_kind_outside_the_four_is_rejected(store: SQLiteStore) -> None:
    a = store.insert_article(_article())
    with pytest.raises(ValueError, match="cousin-of"):
        store.add_relation(a, a, "cousin-of")  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):  # the schema refuses it too
        store.db.execute("INSERT INTO article_relations VALUES (?, ?, 'cousin-of', 1, '')", (a, a))


def test_tag_alias_resolves_to_its_tag(store: SQLiteStore) -> None:
    tag_id = store.add_tag("كيم جونج اون", "كيم جونج أون")
    store.add_tag_alias(tag_id, "كيم جونغ اون", "كيم جونغ أون")
    assert store.tag_id_by_key("كيم جونغ اون") == tag_id
    row = store.tag_info("كيم جونغ اون")
    assert row.display == "كيم جونج أون"
    assert "كيم جونغ أون" in row.aliases
    assert {"كيم جونج اون", "كيم جونغ اون"} <= store.tag_vocabulary()


def test_iter_articles_streams_in_batches_with_filters(store: SQLiteStore) -> None:
    src = store.add_source("عكاظ", "عكاظ")
    for i in range(7):
        store.insert_article(
            _article(
                dedup_key=f"k{i}",
                fingerprint=str(i),
                source_id=src.id if i % 2 else None,
                published_at=datetime(2024, 1, 1 + i, tzinfo=UTC),
            )
        )
    assert len(list(store.iter_articles(batch=2))) == 7
    assert len(list(store.iter_articles(source_key="عكاظ", batch=2))) == 3
    since = datetime(2024, 1, 5, tzinfo=UTC)
    assert [a.published_at for a in store.iter_articles(since=since)] == [
        datetime(2024, 1, d, tzinfo=UTC) for d in (5, 6, 7)
    ]
