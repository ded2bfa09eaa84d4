"""The tantivy index: schema, writes (idempotent by article id) and ranked id lookups.

Why tantivy and not SQLite FTS5: at 1M articles FTS5 answered with snippets at p95 279 ms in an
11.4 GiB file; tantivy at p95 10.6 ms in 2.3 GiB (../shared/notes/performance-anchors.md §2-3).
FTS5 scores every matching row; tantivy prunes to the top k.

The index keeps no text: only the terms, the article id and the publication time (fast fields).
The store has the originals; titles, URLs and snippets come from there, for ≤ a page of hits.
It lives next to the store (`<db>.tantivy/`), in memory for a ":memory:" store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Literal

import tantivy

from akhbar.errors import StoreError
from akhbar.search.analysis import (
    BODY_PAIRS,
    BODY_STEM,
    BODY_SURFACE,
    ID,
    PUBLISHED,
    SOURCE,
    TAG_KEY,
    TAGS,
    TITLE_PAIRS,
    TITLE_STEM,
    TITLE_SURFACE,
    WORDS_TOKENIZER,
    IndexDoc,
)

#: Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = "akhbar-search-2"  # 2: the stopword pair fields
VERSION_FILE = "akhbar-schema-version"
#: Relevance is BM25 × recency; the recency factor re-ranks this many BM25 hits.
RERANK_DEPTH = 200
#: Half-weight age of the recency factor 1 / (1 + age_days / RECENCY_DAYS).
RECENCY_DAYS = 180.0
#: An undated article ranks as if it were this old (older than most, but still found).
UNDATED_AGE_DAYS = 365.0
#: Words longer than this (in UTF-8 bytes) are not indexed: base64 blobs, broken markup.
MAX_TERM_BYTES = 200

Sort = Literal["relevance", "date"]


@dataclass(frozen=True, slots=True)
class Ranked:
    id: int
    score: float
    published: int | None  # epoch seconds


@dataclass(frozen=True, slots=True)
class RankedPage:
    total: int
    hits: list[Ranked]


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field(ID, indexed=True, fast=True)
    for name in (TITLE_SURFACE, BODY_SURFACE, TITLE_STEM, BODY_STEM, TAGS):
        # Positions on the stem fields too: a phrase also matches through stems, ranked lower.
        sb.add_text_field(name, tokenizer_name=WORDS_TOKENIZER, index_option="position")
    for name in (TITLE_PAIRS, BODY_PAIRS):
        # A pair term is a whole two-word phrase: term frequencies for BM25, no positions.
        sb.add_text_field(name, tokenizer_name=WORDS_TOKENIZER, index_option="freq")
    sb.add_text_field(TAG_KEY, tokenizer_name="raw", index_option="basic")
    sb.add_text_field(SOURCE, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field(PUBLISHED, indexed=True, fast=True)
    return sb.build()


def index_path(db_path: str) -> Path:
    return Path(f"{db_path}.tantivy")


def _words_analyzer() -> tantivy.TextAnalyzer:
    # Words arrive normalised and stemmed (analysis.py): the tokenizer only splits at spaces.
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(MAX_TERM_BYTES))
        .build()
    )


class SearchEngine:
    """One tantivy index. Reads from any thread; writes from one thread at a time."""

    def __init__(
        self,
        index: tantivy.Index,
        *,
        path: Path | None,
        is_new: bool,
        heap_bytes: int = 64_000_000,
        threads: int = 1,
    ) -> None:
        self.index = index
        self.path = path
        #: True when this index was just created (empty): the caller should rebuild it.
        self.is_new = is_new
        self.schema = index.schema
        self.heap_bytes = heap_bytes
        self.threads = threads
        self._writer: tantivy.IndexWriter | None = None
        index.register_tokenizer(WORDS_TOKENIZER, _words_analyzer())

    # --- writing --------------------------------------------------------------------------------

    def try_lock(self) -> bool:
        """Take the index's writer lock; False when another process is writing to it."""
        if self._writer is None:
            try:
                self._writer = self.index.writer(self.heap_bytes, self.threads)
            except ValueError as exc:
                if "LockBusy" in str(exc):
                    return False
                raise StoreError(f"{self.path}: cannot write the search index ({exc})") from exc
        return True

    def _lock(self) -> tantivy.IndexWriter:
        if not self.try_lock():
            raise StoreError(f"{self.path}: another akhbar process is writing the search index")
        assert self._writer is not None
        return self._writer

    def add(self, docs: Iterable[IndexDoc], *, replace: bool = True) -> int:
        """Add documents; `replace` first deletes any document with the same id (upsert).

        Nothing is visible until `commit`. Without `replace` (a fresh index), ids must be new.
        """
        writer = self._lock()
        count = 0
        for chunk in _chunks(docs, 1000):
            if replace:
                self._delete_ids(writer, [doc.id for doc in chunk])
            for doc in chunk:
                writer.add_document(_document(doc))
            count += len(chunk)
        return count

    def delete(self, ids: Iterable[int]) -> None:
        self._delete_ids(self._lock(), list(ids))

    def _delete_ids(self, writer: tantivy.IndexWriter, ids: list[int]) -> None:
        # By query, not delete_documents_by_term: tantivy-py 0.27 turns a Python int into an
        # i64 term, which never matches our u64 id field, and deletes nothing (silently).
        if ids:
            writer.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, ID, ids))

    def clear(self) -> None:
        self._lock().delete_all_documents()

    def commit(self) -> None:
        """Make every write so far durable and visible to new searches."""
        if self._writer is None:
            return
        self._writer.commit()
        self.index.reload()

    def close(self) -> None:
        """Release the writer lock (after letting background merges finish)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.wait_merging_threads()

    # --- reading --------------------------------------------------------------------------------

    def doc_count(self) -> int:
        return int(self.index.searcher().num_docs)

    def search(
        self,
        query: tantivy.Query,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: Sort = "relevance",
        now: datetime | None = None,
    ) -> RankedPage:
        """Ranked ids of one page. Relevance = BM25 × recency over the top RERANK_DEPTH hits."""
        searcher = self.index.searcher()
        if sort == "date":
            result = searcher.search(
                query,
                limit,
                count=True,
                order_by_field=PUBLISHED,
                offset=offset,
                order=tantivy.Order.Desc,
            )
            return RankedPage(_count(result), self._by_date(searcher, result.hits))
        result = searcher.search(query, max(RERANK_DEPTH, offset + limit), count=True)
        hits = result.hits
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values(ID, addresses)
        published = searcher.fast_field_values(PUBLISHED, addresses)
        moment = int((now or datetime.now(UTC)).timestamp())
        # Plain tuples while sorting the whole rerank depth; Ranked only for the page.
        scored: list[tuple[float, int, int | None]] = []
        for (score, _), i, p in zip(hits, ids, published, strict=True):
            when = None if p is None else int(p)
            scored.append((float(score) * recency(when, moment), int(i or 0), when))
        scored.sort(key=lambda t: (-t[0], -t[1]))
        page = [Ranked(i, score, when) for score, i, when in scored[offset : offset + limit]]
        return RankedPage(_count(result), page)

    @staticmethod
    def _by_date(
        searcher: tantivy.Searcher, hits: list[tuple[object, tantivy.DocAddress]]
    ) -> list[Ranked]:
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values(ID, addresses)
        published = searcher.fast_field_values(PUBLISHED, addresses)
        return [
            Ranked(int(i or 0), 0.0, None if p is None else int(p))
            for i, p in zip(ids, published, strict=True)
        ]


def _count(result: tantivy.SearchResult) -> int:
    # `count` exists at runtime (search(count=True)) but the 0.27 stub does not declare it.
    return int(getattr(result, "count", 0) or 0)


def recency(published: int | None, now: int) -> float:
    """1 / (1 + age_days / 180): news a reader looks for is usually recent."""
    age_days = UNDATED_AGE_DAYS if published is None else max(0.0, (now - published) / 86400)
    return 1.0 / (1.0 + age_days / RECENCY_DAYS)


def _chunks(docs: Iterable[IndexDoc], size: int) -> Iterator[list[IndexDoc]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


def _document(doc: IndexDoc) -> tantivy.Document:
    d = tantivy.Document()
    d.add_unsigned(ID, doc.id)  # add_unsigned: a keyword argument would make an i64
    d.add_text(TITLE_SURFACE, doc.title_surface)
    d.add_text(TITLE_STEM, doc.title_stem)
    d.add_text(TITLE_PAIRS, doc.title_pairs)
    d.add_text(BODY_SURFACE, doc.body_surface)
    d.add_text(BODY_STEM, doc.body_stem)
    d.add_text(BODY_PAIRS, doc.body_pairs)
    for words in doc.tags:
        d.add_text(TAGS, words)
    for key in doc.tag_keys:
        d.add_text(TAG_KEY, key)
    if doc.source:
        d.add_text(SOURCE, doc.source)
    if doc.published is not None:
        d.add_integer(PUBLISHED, doc.published)
    return d


def open_index(db_path: str, *, heap_bytes: int = 64_000_000, threads: int = 1) -> SearchEngine:
    """The search index of the store at `db_path`: `<db_path>.tantivy/`, in memory for
    ":memory:". An index of another schema version is replaced by an empty one (`is_new`)."""
    schema = build_schema()
    if db_path in ("", ":memory:"):
        return SearchEngine(
            tantivy.Index(schema), path=None, is_new=True, heap_bytes=heap_bytes, threads=threads
        )
    path = index_path(db_path)
    version = path / VERSION_FILE
    is_new = not (
        version.is_file()
        and version.read_text(encoding="utf-8") == SCHEMA_VERSION
        and tantivy.Index.exists(str(path))
    )
    try:
        if is_new:
            if path.exists():
                shutil.rmtree(path)  # our own directory, of an older schema (or half-made)
            path.mkdir(parents=True)
            index = tantivy.Index(schema, path=str(path), reuse=False)
            version.write_text(SCHEMA_VERSION, encoding="utf-8")
        else:
            index = tantivy.Index.open(str(path))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot open the search index ({exc})") from exc
    return SearchEngine(index, path=path, is_new=is_new, heap_bytes=heap_bytes, threads=threads)
