"""The one ingestion path: every input (dump line, feed entry, fetched page) becomes a
`RawArticle` and goes through the same steps here:

    normalise -> dedupe -> store -> tag -> relate -> index

`prepare_article` is the pure part (text cleaning, date reading, fingerprint), and each step's
`Analyzer` adds its own pure work to it (shingles, term counts, the tagger's reading); `Ingestor`
owns the store side and batches many articles per transaction. With workers, the pure part of
batch k+1 runs in another process while batch k is stored, so the store process only does what
needs the store. Nothing here parses an input format or opens a socket: the `dumps`, `feeds`
and `extract` stages hand us RawArticles.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from akhbar.arabic import clean_for_display, normalize_for_match
from akhbar.arabic.dates import parse_date_detail
from akhbar.errors import InputError
from akhbar.models import RawArticle, RelationKind, Source, TagOrigin
from akhbar.pipeline.processes import worker_context
from akhbar.search.analysis import name_key
from akhbar.store import NewArticle, SQLiteStore

#: Articles per write transaction: large enough to amortise the commit, small enough that a
#: crash loses little and readers are not blocked for long.
BATCH_SIZE = 500
MAX_ERRORS_KEPT = 1000
#: Outlet names whose (display, key) `outlet_name` remembers.
MAX_KEYS_KEPT = 50_000


@dataclass(slots=True)
class PreparedArticle:
    """A RawArticle after the pure normalise step: display text cleaned, keys computed."""

    raw: RawArticle
    title: str
    body: str
    title_norm: str
    body_norm: str
    fingerprint: str
    published_at: datetime | None
    published_has_time: bool
    tags: list[tuple[str, list[str]]]
    #: Each analysing step's pure work on this article, by step name (see `Analyzer`).
    analyses: dict[str, object] = field(default_factory=dict)

    def __reduce__(self) -> tuple[type[PreparedArticle], tuple[object, ...]]:
        # Every prepared article crosses from the worker process: the positional form
        # unpickles much faster than a slots dataclass's field-by-field state, in the store
        # process, which has the least time to spare.
        return PreparedArticle, (self.raw, *self.detached())

    def detached(self) -> Detached:
        """Every field but `raw`, in order: what a worker sends back to an ingestor that
        still holds the RawArticle (`PreparedArticle(raw, *detached)` rebuilds it)."""
        return (
            self.title,
            self.body,
            self.title_norm,
            self.body_norm,
            self.fingerprint,
            self.published_at,
            self.published_has_time,
            self.tags,
            self.analyses,
        )


Detached = tuple[
    str,
    str,
    str,
    str,
    str,
    datetime | None,
    bool,
    list[tuple[str, list[str]]],
    dict[str, object],
]


@dataclass(slots=True)
class IngestReport:
    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    appended: int = 0
    errors: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)

    def add_error(self, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)


def fingerprint_of(title_norm: str, body_norm: str) -> str:
    """Content fingerprint: a hash of the normalised title and body (exact copies only)."""
    return hashlib.blake2b(f"{title_norm}\n{body_norm}".encode(), digest_size=16).hexdigest()


def prepare_article(
    raw: RawArticle, *, default_tz: str | None, reference: datetime | None = None
) -> PreparedArticle:
    """The normalise step: pure, so it can run in a worker process.

    Raises InputError when nothing usable is left (empty title or body after cleaning).
    """
    title = clean_for_display(raw.title).replace("\n", " ")
    body = clean_for_display(raw.body)
    if not title or not body:
        missing = "title" if not title else "body"
        raise InputError(
            f"empty {missing}", path=raw.origin.path or raw.origin.url, line=raw.origin.line
        )
    title_norm, body_norm = normalize_for_match(title), normalize_for_match(body)
    published_at, has_time = raw.published_at, raw.published_at is not None
    if published_at is None and raw.published_text:
        parsed = parse_date_detail(raw.published_text, default_tz=default_tz, reference=reference)
        if parsed is not None:
            published_at, has_time = parsed.value, parsed.has_time
    tags = []
    seen: set[str] = set()
    for display in raw.tags:
        shown = clean_for_display(display).replace("\n", " ")
        key = normalize_for_match(shown)
        if key and key not in seen:
            seen.add(key)
            tags.append((shown, [clean_for_display(a) for a in raw.tag_aliases.get(display, [])]))
    return PreparedArticle(
        raw=raw,
        title=title,
        body=body,
        title_norm=title_norm,
        body_norm=body_norm,
        fingerprint=fingerprint_of(title_norm, body_norm),
        published_at=published_at.astimezone(UTC) if published_at else None,
        published_has_time=has_time,
        tags=tags,
    )


class Step(Protocol):
    """A step after storing: entity tags, near-duplicates, stories, related, search index.

    Called inside the batch's transaction for every NEW article, in order, so what a step
    writes commits (or rolls back) with the article itself. `flush` runs after each batch
    commits (e.g. to make the batch searchable).
    """

    name: str

    def on_new_article(
        self, article_id: int, prepared: PreparedArticle, source: Source | None
    ) -> None: ...

    def flush(self) -> None: ...


@runtime_checkable
class BatchStep(Step, Protocol):
    """A step that keeps work for the end of the batch: `start_batch` before its first article,
    `end_batch` after its last, still inside the batch's transaction (e.g. to write counters
    summed over the batch once instead of once per article); `abort_batch` after a batch
    failed and rolled back."""

    def start_batch(self) -> None: ...

    def end_batch(self) -> None: ...

    def abort_batch(self) -> None:
        """The batch failed and its transaction rolled back: forget what it cached."""


class Analyzer(Protocol):
    """A step's pure per-article work: no store, no I/O, picklable (it is sent to the worker
    processes with each batch). Its result reaches the step as `prepared.analyses[name]`."""

    def analyze(self, prepared: PreparedArticle) -> object: ...


@runtime_checkable
class AnalyzingStep(Step, Protocol):
    """A step that moves its pure work into the prepare stage. `analyzer()` is called once per
    batch, before the batch is prepared: what it captures (e.g. the tagger's learned names) may
    be older than the store when the article reaches `on_new_article`, and the step must check
    that (TagStep does)."""

    def analyzer(self) -> Analyzer: ...


Analyzers = Sequence[tuple[str, Analyzer]]


def analyze(prepared: PreparedArticle, analyzers: Analyzers) -> PreparedArticle:
    for name, analyzer in analyzers:
        prepared.analyses[name] = analyzer.analyze(prepared)
    return prepared


class Ingestor:
    """Takes RawArticles (or the InputErrors of bad items) and stores them, idempotently."""

    def __init__(
        self,
        store: SQLiteStore,
        *,
        default_tz: str = "UTC",
        on_item: Callable[[IngestReport], None] | None = None,
        steps: Sequence[Step] = (),
        workers: int = 0,
    ) -> None:
        self.store = store
        #: Processes that normalise batches ahead of the store (0: all in this process).
        self.workers = workers
        self.steps = list(steps)
        self.default_tz = default_tz
        self.on_item = on_item
        self.report = IngestReport()
        self._sources: dict[str, Source] = {}
        self._tag_ids: dict[str, int] = {}
        self._analyzers: Analyzers = []
        self._pool: ProcessPoolExecutor | None = None
        #: Known normalised tag names; readers that split tag lines consult it, and it grows
        #: as publisher tags arrive, so later pages split better than earlier ones.
        self.vocabulary: set[str] = store.tag_vocabulary()

    # --- public ---------------------------------------------------------------------------------

    def ingest(self, items: Iterable[RawArticle | InputError]) -> IngestReport:
        """Store every item. With workers, batch k+1 is prepared in another process while
        batch k is stored here; the pool starts only once a full batch shows the input is
        large, so small imports never pay for it, and it stays up until `close`."""
        pending: tuple[list[RawArticle | InputError], Future[list[PreparedDetached]]] | None = None
        try:
            for batch in _batches(items, BATCH_SIZE):
                if self._pool is None and self.workers and len(batch) == BATCH_SIZE:
                    self._pool = ProcessPoolExecutor(self.workers, mp_context=worker_context())
                if self._pool is None:
                    self._ingest_batch(batch)
                    continue
                future = self._pool.submit(
                    prepare_batch_detached, self._jobs(batch), self.analyzers()
                )
                if pending is not None:
                    self._ingest_batch(pending[0], _attach(pending[0], pending[1].result()))
                pending = (batch, future)
            if pending is not None:
                self._ingest_batch(pending[0], _attach(pending[0], pending[1].result()))
        except BaseException:
            self.close()  # a batch still being prepared is not waited for
            raise
        return self.report

    def close(self) -> None:
        """Stop the worker processes (`open_ingestor` does it at the end of its block)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def ingest_prepared(
        self, batch: list[RawArticle | InputError], prepared: list[Prepared] | None
    ) -> list[bool]:
        """Store one batch (one transaction) whose items were prepared elsewhere
        (`prepare_batch` in the poller's extraction workers, with `zone_of` and `analyzers()`
        from here; None: prepare them here). Says for each item whether it was new."""
        return self._ingest_batch(batch, prepared)

    def analyzers(self) -> list[tuple[str, Analyzer]]:
        """The analysing steps' pure work for the next batch (see `AnalyzingStep`)."""
        return [(s.name, s.analyzer()) for s in self.steps if isinstance(s, AnalyzingStep)]

    def zone_of(self, raw: RawArticle) -> str:
        """The zone to read the article's printed dates in: its outlet's, else the default
        (looked up without writing, so a batch can be planned before it is stored)."""
        source = self._known_source(raw.source_name)
        return source.timezone if source and source.timezone else self.default_tz

    def _jobs(self, batch: list[RawArticle | InputError]) -> list[tuple[RawArticle, str] | None]:
        """What a worker needs to prepare each item: the article and the zone to read dates in
        (looked up here: workers have no store)."""
        return [None if isinstance(i, InputError) else (i, self.zone_of(i)) for i in batch]

    # --- steps ----------------------------------------------------------------------------------

    def _ingest_batch(
        self, batch: list[RawArticle | InputError], prepared: list[Prepared] | None = None
    ) -> list[bool]:
        # Another process (`akhbar tags merge`) may have merged tags since the last batch.
        self._tag_ids.clear()
        self._analyzers = self.analyzers()
        imported: list[bool] = []
        batch_steps = [s for s in self.steps if isinstance(s, BatchStep)]
        counts = dataclasses.replace(self.report, errors=[], new_ids=[])
        errors, new_ids = len(self.report.errors), len(self.report.new_ids)
        try:
            with self.store.transaction():
                for batch_step in batch_steps:
                    batch_step.start_batch()
                for i, item in enumerate(batch):
                    before = self.report.imported
                    ready = prepared[i] if prepared is not None else None
                    if isinstance(item, InputError):
                        self._fail(item)
                    elif isinstance(ready, InputError):
                        self._fail(ready)
                    else:
                        try:
                            self._ingest_one(item, prepared=ready)
                        except InputError as exc:
                            self._fail(exc)
                    imported.append(self.report.imported > before)
                    if self.on_item is not None:
                        self.on_item(self.report)
                for batch_step in batch_steps:
                    batch_step.end_batch()
        except BaseException:
            # The transaction rolled back: whatever was cached from it (outlets, tags, the
            # counts of the report) names rows that no longer exist.
            self.report = dataclasses.replace(
                counts,
                errors=self.report.errors[:errors],
                new_ids=self.report.new_ids[:new_ids],
            )
            self._sources.clear()
            self._tag_ids.clear()
            self.vocabulary = self.store.tag_vocabulary()
            for batch_step in batch_steps:
                batch_step.abort_batch()
            raise
        for step in self.steps:
            step.flush()
        return imported

    def _fail(self, error: InputError) -> None:
        self.report.add_error(str(error))
        self.store.log_ingest(error.where() or "(input)", "failed", message=error.message)

    def _ingest_one(
        self,
        raw: RawArticle,
        *,
        appended_to: int | None = None,
        prepared: PreparedArticle | None = None,
    ) -> int:
        source = self._source(raw.source_name)
        if prepared is None:
            tz = source.timezone if source and source.timezone else self.default_tz
            prepared = prepare_article(raw, default_tz=tz)
        article_id, is_new = self._dedupe_and_store(prepared, source)
        if is_new and len(prepared.analyses) < len(self._analyzers):
            # Prepared here (no workers), or an appended article: its analyses are done now.
            analyze(prepared, [(n, a) for n, a in self._analyzers if n not in prepared.analyses])
        if is_new:
            self._tag(article_id, prepared)
            for step in self.steps:
                step.on_new_article(article_id, prepared, source)
        if appended_to is not None:
            self.store.add_relation(article_id, appended_to, "appended-to")
            self.report.appended += int(is_new)
        elif is_new:
            self.report.imported += 1
        else:
            self.report.duplicates += 1
        for extra in raw.appended:
            self._ingest_one(extra, appended_to=article_id)
        return article_id

    def _known_source(self, name: str) -> Source | None:
        """The outlet of this name if the store has it (no write: used to plan a batch)."""
        key = outlet_name(name)[1]
        if not key:
            return None
        return self._sources.get(key) or self.store.source_by_key(key)

    def _source(self, name: str) -> Source | None:
        key = outlet_name(name)[1]
        if not key:
            return None
        if key not in self._sources:
            self._sources[key] = ensure_source(self.store, name)
        return self._sources[key]

    def _dedupe_and_store(self, p: PreparedArticle, source: Source | None) -> tuple[int, bool]:
        """Return (article id, is new). Exact copies from the same outlet are the same article;
        from another outlet they are stored and linked `duplicate-of` the first copy."""
        raw = p.raw
        canonical = raw.canonical_url or raw.url
        source_id = source.id if source else None
        dedup_key = f"url:{canonical}" if canonical else f"fp:{source_id or 0}:{p.fingerprint}"
        existing = self.store.article_id_by_dedup_key(dedup_key)
        if existing is not None:
            self.store.log_ingest(str(raw.origin), "duplicate", existing)
            return existing, False
        copies = self.store.articles_by_fingerprint(p.fingerprint)
        for copy_id, copy_source in copies:
            if copy_source == source_id:
                self.store.log_ingest(str(raw.origin), "duplicate", copy_id)
                return copy_id, False
        article_id = self.store.insert_article(
            NewArticle(
                title=p.title,
                body=p.body,
                url=raw.url,
                canonical_url=raw.canonical_url,
                published_at=p.published_at,
                published_has_time=p.published_has_time,
                published_text=raw.published_text,
                source_id=source_id,
                language=raw.language,
                fingerprint=p.fingerprint,
                dedup_key=dedup_key,
                origin=str(raw.origin),
                encoding=raw.encoding,
                author=raw.author,
                image_url=raw.image_url,
                partial=raw.partial,
                feed_id=raw.feed_id,
            )
        )
        self.store.log_ingest(str(raw.origin), "imported", article_id)
        self.report.new_ids.append(article_id)
        if copies:
            self._relate(article_id, copies[0][0], "duplicate-of")
        return article_id, True

    def _tag(self, article_id: int, p: PreparedArticle) -> None:
        """Publisher tags: one tag per normalised name, every seen spelling an alias."""
        links: list[tuple[int, int, TagOrigin, float]] = []
        for position, (display, aliases) in enumerate(p.tags):
            key = name_key(display)
            tag_id = self._tag_ids.get(key) or self.store.resolve_tag_key(key)
            if tag_id is None:
                tag_id = self.store.add_tag(key, display)
                self.vocabulary.add(key)
            self._tag_ids[key] = tag_id
            for alias in aliases:
                alias_key = name_key(alias)
                self.store.add_tag_alias(tag_id, alias_key, alias)
                self.vocabulary.add(alias_key)
            # The publisher's order is kept (articles list tags by score): first is highest.
            links.append((article_id, tag_id, "publisher", 1.0 - position / 1000))
        self.store.link_tags(links)

    def _relate(self, article_id: int, other_id: int, kind: RelationKind) -> None:
        self.store.add_relation(article_id, other_id, kind)


@functools.lru_cache(maxsize=MAX_KEYS_KEPT)
def outlet_name(name: str) -> tuple[str, str]:
    """(display name, key) of an outlet: one outlet, however its name is spelt. Cached: the
    same few hundred names recur in every batch, and each article asks for its outlet's twice
    (a pure function of the string: the cache is exact)."""
    shown = clean_for_display(name).replace("\n", " ")
    return shown, normalize_for_match(shown)


def ensure_source(
    store: SQLiteStore,
    name: str,
    *,
    name_en: str = "",
    country: str = "",
    region: str = "",
    homepage: str = "",
    timezone: str = "",
) -> Source:
    """The outlet of this name (any spelling that normalises the same), created if new."""
    shown, key = outlet_name(name)
    source = store.source_by_key(key)
    if source is None:
        return store.add_source(
            shown,
            key,
            name_en=name_en,
            country=country,
            region=region,
            homepage=homepage,
            timezone=timezone,
        )
    store.set_source_details(
        source.id,
        name_en=name_en,
        country=country,
        region=region,
        homepage=homepage,
        timezone=timezone,
    )
    return source


Prepared = PreparedArticle | InputError | None


def prepare_batch(
    jobs: list[tuple[RawArticle, str] | None], analyzers: Analyzers = ()
) -> list[Prepared]:
    """The normalise step and the steps' analyses for a batch, in a worker process: pure, no
    store. Appended articles (read-also sections) are analysed when stored."""
    out: list[Prepared] = []
    for job in jobs:
        if job is None:
            out.append(None)
            continue
        raw, tz = job
        try:
            out.append(analyze(prepare_article(raw, default_tz=tz), analyzers))
        except InputError as exc:
            out.append(exc)
    return out


PreparedDetached = Detached | InputError | None


def prepare_batch_detached(
    jobs: list[tuple[RawArticle, str] | None], analyzers: Analyzers = ()
) -> list[PreparedDetached]:
    """`prepare_batch` for the Ingestor's own pool: each article without its RawArticle,
    which the store process still holds (sent back, it was a fifth of the bytes a batch
    unpickles there). `_attach` puts them back together."""
    return [
        p.detached() if isinstance(p, PreparedArticle) else p
        for p in prepare_batch(jobs, analyzers)
    ]


def _attach(
    batch: list[RawArticle | InputError], prepared: list[PreparedDetached]
) -> list[Prepared]:
    """The batch's prepared articles, each with the RawArticle it came from."""
    out: list[Prepared] = []
    for item, ready in zip(batch, prepared, strict=True):
        if isinstance(ready, tuple):
            # Jobs are sent for RawArticles only (None for an InputError): a tuple is always
            # the prepared form of the RawArticle at its place.
            assert isinstance(item, RawArticle)
            out.append(PreparedArticle(item, *ready))
        else:
            out.append(ready)
    return out


def _batches(
    items: Iterable[RawArticle | InputError], size: int
) -> Iterator[list[RawArticle | InputError]]:
    batch: list[RawArticle | InputError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    store: SQLiteStore,
    items: Iterable[RawArticle | InputError],
    *,
    default_tz: str = "UTC",
    on_item: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Store every item; bad items are logged and counted, the rest goes on."""
    return Ingestor(store, default_tz=default_tz, on_item=on_item).ingest(items)
