"""The outbox keeps the index in step with the store: searchable after commit, crash-safe,
deletes and reindexing, a lost index rebuilt."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from akhbar.models import Origin, RawArticle
from akhbar.pipeline import index_step
from akhbar.pipeline.index_step import IndexStep, open_search_index, rebuild_index, sync_index
from akhbar.pipeline.ingest import Ingestor
from akhbar.search import SearchEngine, search
from akhbar.search.analysis import analyze_document, analyzed_fields
from akhbar.search.engine import index_path, open_index
from akhbar.store.search_outbox import SearchRow
from tests.search.conftest import NOW, Corpus, SearchStore

BODY = "أعلنت وزارة الزراعة بدء موسم حصاد القمح في المحافظات الشمالية هذا الأسبوع."


def raw(n: int, body: str = BODY) -> RawArticle:
    return RawArticle(
        title=f"حصاد القمح {n}",
        body=f"{body} ({n})",
        source_name="الأهرام",
        origin=Origin(path="in.jsonl", line=n),
        url=f"https://x.example/{n}",
    )


class CrashBeforeIndexing(IndexStep):
    """The process dies after the store commits and before tantivy does."""

    def flush(self) -> None:
        pass


def found(store: SearchStore, engine: SearchEngine, query: str = "القمح") -> list[int]:
    return [h.id for h in search(store, engine, query, now=NOW).hits]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "akhbar.db")


@pytest.fixture
def file_store(db: str) -> Iterator[SearchStore]:
    s = SearchStore(db)
    yield s
    s.close()


def test_article_is_searchable_right_after_ingest_and_outbox_is_empty(corpus: Corpus) -> None:
    article_id = corpus.add("a", "حصاد القمح", BODY)
    assert found(corpus.store, corpus.engine) == [article_id]
    assert corpus.store.search_outbox_size() == 0


def test_crash_between_store_commit_and_index_commit_is_replayed_on_open(
    file_store: SearchStore, db: str
) -> None:
    engine = open_search_index(file_store, keep_writer=True)
    report = Ingestor(file_store, steps=[CrashBeforeIndexing(file_store, engine)]).ingest(
        [raw(1), raw(2)]
    )
    assert file_store.search_outbox_size() == 2
    assert found(file_store, engine) == []
    engine.close()
    file_store.close()
    reopened = SearchStore(db)
    try:
        engine = open_search_index(reopened)
        assert sorted(found(reopened, engine)) == sorted(report.new_ids)
        assert reopened.search_outbox_size() == 0
    finally:
        reopened.close()


def test_rolled_back_batch_leaves_nothing_queued(search_store: SearchStore) -> None:
    with pytest.raises(RuntimeError), search_store.transaction():
        search_store.queue_search([1])
        raise RuntimeError("crash inside the batch")
    assert search_store.search_outbox_size() == 0


def test_delete_removes_article_from_index(corpus: Corpus) -> None:
    keep, gone = corpus.add("keep", "حصاد القمح", BODY), corpus.add("gone", "حصاد", BODY + " ثان")
    with corpus.store.transaction():
        corpus.store.queue_search([gone], "delete")
    assert sync_index(corpus.store, corpus.engine) == 1
    assert found(corpus.store, corpus.engine) == [keep]


def test_queued_upsert_of_a_vanished_article_drops_it_from_index(corpus: Corpus) -> None:
    article_id = corpus.add("a", "حصاد القمح", BODY)
    with corpus.store.transaction():
        corpus.store.db.execute("DELETE FROM ingest_log")
        corpus.store.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        corpus.store.queue_search([article_id])
    sync_index(corpus.store, corpus.engine)
    assert corpus.engine.doc_count() == 0


def test_changed_article_is_reindexed_without_duplicates(corpus: Corpus) -> None:
    article_id = corpus.add("a", "حصاد القمح", BODY)
    with corpus.store.transaction():
        corpus.store.db.execute(
            "UPDATE articles SET body = ? WHERE id = ?",
            ("بدأ موسم قطف الزيتون في القرى الجبلية.", article_id),
        )
        corpus.store.queue_search([article_id])
    sync_index(corpus.store, corpus.engine)
    assert found(corpus.store, corpus.engine, "الزيتون") == [article_id]
    assert found(corpus.store, corpus.engine, "المحافظات") == []
    assert corpus.engine.doc_count() == 1


def test_rebuild_gives_the_same_results(corpus: Corpus) -> None:
    ids = [corpus.add(str(n), f"حصاد القمح {n}", f"{BODY} {n}") for n in range(3)]
    before = found(corpus.store, corpus.engine)
    assert rebuild_index(corpus.store, corpus.engine) == 3
    assert found(corpus.store, corpus.engine) == before
    assert sorted(before) == ids and corpus.engine.doc_count() == 3


def test_rebuild_in_worker_processes_gives_the_same_index(corpus: Corpus) -> None:
    ids = [corpus.add(str(n), f"حصاد القمح {n}", f"{BODY} {n}") for n in range(3)]
    assert rebuild_index(corpus.store, corpus.engine, workers=2) == 3
    assert sorted(found(corpus.store, corpus.engine)) == ids


def test_lost_index_directory_is_rebuilt_on_open(file_store: SearchStore, db: str) -> None:
    engine = open_search_index(file_store, keep_writer=True)
    report = Ingestor(file_store, steps=[IndexStep(file_store, engine)]).ingest([raw(1)])
    engine.close()
    shutil.rmtree(index_path(db))
    engine = open_search_index(file_store)
    assert found(file_store, engine) == report.new_ids


def test_other_writer_defers_sync_and_keeps_the_queue(file_store: SearchStore, db: str) -> None:
    holder = open_search_index(file_store, keep_writer=True)
    Ingestor(file_store, steps=[CrashBeforeIndexing(file_store, holder)]).ingest([raw(1)])
    second = open_index(db)
    assert sync_index(file_store, second) == 0
    assert file_store.search_outbox_size() == 1
    assert sync_index(file_store, holder) == 1
    holder.close()


def test_new_articles_are_indexed_from_the_workers_analysis(
    file_store: SearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store process indexes what the prepare stage analysed: it analyses nothing itself.
    engine = open_search_index(file_store, keep_writer=True)
    try:

        def no_analysis(*args: object, **kwargs: object) -> None:
            raise AssertionError("the store process analysed an article")

        monkeypatch.setattr(index_step, "analyze_document", no_analysis)
        report = Ingestor(file_store, steps=[IndexStep(file_store, engine)]).ingest(
            [raw(1), raw(2)]
        )
        assert sorted(found(file_store, engine)) == sorted(report.new_ids)
        assert file_store.search_outbox_size() == 0
    finally:
        engine.close()


def test_an_analysis_of_other_text_is_not_used() -> None:
    row = SearchRow(7, "حصاد القمح", BODY, "https://x.example/7", "الأهرام", None, ("القمح",))
    expected = analyze_document(
        row.id, row.title, row.body, source=row.source, tags=row.tags, published_at=None
    )
    stale = (row.title, analyzed_fields(row.title), "نص آخر", analyzed_fields("نص آخر"))
    assert index_step.document_of(row, stale) == expected
    fresh = (row.title, analyzed_fields(row.title), row.body, analyzed_fields(row.body))
    assert index_step.document_of(row, fresh) == expected
    assert index_step.document_of(row) == expected
