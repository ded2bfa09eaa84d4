"""The search step of the pipeline: keeps the tantivy index in step with the store.

Outbox pattern, because the store (SQLite) and the index (tantivy) cannot share a transaction:

1. `on_new_article` queues the id in `search_outbox`, inside the batch's transaction: the row
   commits or rolls back with the article itself.
2. `flush` (after the batch commits) reads the queued ids, loads the articles from the store,
   deletes-then-adds them in tantivy (idempotent by id), commits tantivy, and only then removes
   the outbox rows.

A crash before the tantivy commit leaves the rows queued; `open_search_index` replays them. A
crash after it but before the rows are removed replays them again, harmlessly. So an article is
searchable as soon as its ingest batch commits, and a crash loses neither.

The Python analysis of title and body (~0.4 ms an article, the costly part of indexing) runs
in the ingest's worker processes (`FieldsAnalyzer`); `flush` uses it for the rows whose text is
what was analysed, and analyses the others (replayed entries, changed articles) itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from itertools import islice
from typing import Protocol, cast

from akhbar.models import Source
from akhbar.pipeline.ingest import PreparedArticle
from akhbar.pipeline.processes import worker_context
from akhbar.search.analysis import (
    IndexDoc,
    analyze_document,
    analyzed_fields,
    document_from_fields,
    prepare_analysis,
)
from akhbar.search.engine import SearchEngine, open_index
from akhbar.store.search_outbox import OutboxEntry, OutboxOp, SearchRow

SYNC_BATCH = 1000

Fields = tuple[str, str, str]
#: A new article's title and body with their `analyzed_fields`, from the worker process.
Analysed = tuple[str, Fields, str, Fields]


class IndexStore(Protocol):
    """What the search step needs of the store (SQLiteStore + SearchOutboxMixin)."""

    path: str

    def transaction(self) -> AbstractContextManager[None]: ...
    def article_count(self) -> int: ...
    def queue_search(self, article_ids: Iterable[int], op: OutboxOp = "upsert") -> None: ...
    def pending_search(self, limit: int = 1000) -> list[OutboxEntry]: ...
    def clear_search_outbox(self, entries: Sequence[OutboxEntry]) -> None: ...
    def clear_search_outbox_before(self, mark: str) -> None: ...
    def search_outbox_size(self) -> int: ...
    def search_rows(self, ids: Sequence[int], *, with_tags: bool = False) -> list[SearchRow]: ...
    def iter_search_rows(self, *, batch: int = 1000) -> Iterator[SearchRow]: ...


class FieldsAnalyzer:
    """IndexStep's analyzer: title and body as the fields tantivy indexes."""

    def analyze(self, prepared: PreparedArticle) -> Analysed:
        return (
            prepared.title,
            analyzed_fields(prepared.title),
            prepared.body,
            analyzed_fields(prepared.body),
        )


class IndexStep:
    """The `Step` that makes every new article searchable after its batch commits."""

    name = "search"

    def __init__(self, store: IndexStore, engine: SearchEngine) -> None:
        self.store = store
        self.engine = engine
        #: The batch's new articles, analysed by the workers: article id → `Analysed`.
        self._analysed: dict[int, Analysed] = {}

    def analyzer(self) -> FieldsAnalyzer:
        return FieldsAnalyzer()

    def start_batch(self) -> None:
        self._analysed = {}

    def end_batch(self) -> None:
        """Nothing to write: the outbox rows went with each article."""

    def abort_batch(self) -> None:
        self._analysed = {}  # a rolled-back article's id may be given to another

    def on_new_article(
        self, article_id: int, prepared: PreparedArticle, source: Source | None
    ) -> None:
        self.store.queue_search([article_id])
        analysed = prepared.analyses.get(self.name)
        if isinstance(analysed, tuple):
            self._analysed[article_id] = cast(Analysed, analysed)

    def flush(self) -> None:
        try:
            sync_index(self.store, self.engine, analysed=self._analysed)
        finally:
            self._analysed = {}


def document_of(row: SearchRow, analysed: Analysed | None = None) -> IndexDoc:
    """The row's IndexDoc; `analysed` (title, fields, body, fields) is used when its texts are
    the row's."""
    if analysed is not None and analysed[0] == row.title and analysed[2] == row.body:
        return document_from_fields(
            row.id,
            analysed[1],
            analysed[3],
            source=row.source,
            tags=row.tags,
            published_at=row.published_at,
        )
    return analyze_document(
        row.id, row.title, row.body, source=row.source, tags=row.tags, published_at=row.published_at
    )


def sync_index(
    store: IndexStore,
    engine: SearchEngine,
    *,
    batch: int = SYNC_BATCH,
    analysed: Mapping[int, Analysed] | None = None,
) -> int:
    """Apply the queued outbox entries to the index; the number applied. `analysed`: texts
    already analysed (IndexStep's new articles), by article id.

    Returns 0 without waiting when another process holds the index's writer lock: that
    process's own flush will apply the entries.
    """
    if not engine.try_lock():
        return 0
    applied = 0
    ready = analysed or {}
    while entries := store.pending_search(batch):
        upserts = [e.article_id for e in entries if e.op == "upsert"]
        rows = store.search_rows(upserts, with_tags=True)
        found = {row.id for row in rows}
        engine.add(document_of(row, ready.get(row.id)) for row in rows)
        # A queued upsert whose article is gone was deleted since: drop it from the index too.
        engine.delete(e.article_id for e in entries if e.article_id not in found)
        engine.commit()
        with store.transaction():
            store.clear_search_outbox(entries)
        applied += len(entries)
    return applied


def rebuild_index(store: IndexStore, engine: SearchEngine, *, workers: int = 0) -> int:
    """Reindex every stored article from scratch; the number indexed.

    `workers` > 0 analyses in that many processes (the Python analysis, not tantivy, is the
    slow part of a rebuild).
    """
    mark = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    engine.clear()
    count = engine.add(analyze_rows(store.iter_search_rows(), workers=workers), replace=False)
    engine.commit()
    # Entries queued before the rebuild started are covered by it; later ones stay queued.
    with store.transaction():
        store.clear_search_outbox_before(mark)
    return count


def analyze_rows(rows: Iterable[SearchRow], *, workers: int = 0) -> Iterator[IndexDoc]:
    """IndexDocs of `rows`, in order; analysed in `workers` processes when > 0."""
    if workers <= 0:
        yield from (document_of(row) for row in rows)
        return
    with worker_context().Pool(workers, initializer=prepare_analysis) as pool:
        for chunk in pool.imap(_analyze_chunk, _chunks(rows, 200)):
            yield from chunk


def _analyze_chunk(rows: list[SearchRow]) -> list[IndexDoc]:
    return [document_of(row) for row in rows]


def _chunks(rows: Iterable[SearchRow], size: int) -> Iterator[list[SearchRow]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def open_search_index(store: IndexStore, *, keep_writer: bool = False) -> SearchEngine:
    """The store's search index, brought up to date: a new (or emptied) index is rebuilt from
    the store, and entries a crash left in the outbox are replayed.

    The writer lock is released afterwards unless `keep_writer` (one process writes at a time).
    """
    engine = open_index(store.path)
    lost = engine.doc_count() == 0 and store.search_outbox_size() == 0 and store.article_count()
    if engine.is_new or lost:
        if engine.try_lock():
            rebuild_index(store, engine)
    else:
        sync_index(store, engine)
    if not keep_writer:
        engine.close()
    return engine
