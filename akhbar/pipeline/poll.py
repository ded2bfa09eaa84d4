"""Polling: sources -> fetch feed -> parse -> fetch each new page -> extract -> ingest.

One pass (`poll_once`) takes the feeds that are due, fetches them concurrently through one
shared `Fetcher` (global and per-host limits live there), and hands every new article to the
same `Ingestor` that dump import uses. A feed's outcome — success, not modified, or failure
with its reason — is written to the store after its items were processed, so validators are
never saved for a body we did not finish, and a failing feed is rescheduled with backoff and
shown in `sources list`, never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from akhbar.config import Settings
from akhbar.errors import AkhbarError, ExtractionRejected, FetchError, InputError
from akhbar.extract import ExtractedArticle, extract_article, html_to_text
from akhbar.feeds import FeedItem, parse_feed
from akhbar.fetch import Fetcher, FetchSettings
from akhbar.models import Feed, Origin, RawArticle
from akhbar.pipeline.ingest import Ingestor, Prepared, prepare_batch
from akhbar.pipeline.processes import worker_context
from akhbar.pipeline.relate import rank_some_if_free
from akhbar.pipeline.steps import open_ingestor, worker_processes
from akhbar.sources import canonicalize_url, estimate_items_per_day, next_poll_delay
from akhbar.store import SQLiteStore

#: Feeds processed at once; the fetcher's own limits bound the requests in flight.
FEEDS_IN_FLIGHT = 64
#: "Read also" lists ranked between two turns of the event loop while `run` is idle (~5-10 ms
#: each: a request to the reader sharing the loop waits ~20 ms at most), as `akhbar serve` does.
IDLE_RANK_CHUNK = 2


@dataclass(slots=True)
class FeedOutcome:
    feed_id: int
    url: str
    status: str  # "ok", "not_modified", "failed"
    new_articles: int = 0
    known: int = 0
    partial: int = 0
    error: str = ""


@dataclass(slots=True)
class PollReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def new_articles(self) -> int:
        return sum(o.new_articles for o in self.outcomes)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def fetch_settings(settings: Settings) -> FetchSettings:
    return FetchSettings(
        global_concurrency=settings.fetch_concurrency,
        per_host_concurrency=settings.fetch_per_host_concurrency,
        per_host_min_delay=settings.fetch_per_host_delay,
        max_body_bytes=settings.fetch_max_body_bytes,
        allow_private_addresses=settings.allow_private_addresses,
    )


class Poller:
    """One polling pass over due feeds, writing through one Ingestor."""

    def __init__(
        self,
        store: SQLiteStore,
        settings: Settings,
        *,
        fetcher: Fetcher,
        limit: int | None = None,
        on_feed: Callable[[FeedOutcome], None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        extractor: Executor | None = None,
        ingestor: Ingestor | None = None,
    ) -> None:
        self.store = store
        #: Where pages are extracted: a process pool puts trafilatura on another core while
        #: this loop fetches and stores; None extracts inline (tests, one-core machines).
        self.extractor = extractor
        self.settings = settings
        self.fetcher = fetcher
        self.limit = limit
        self.on_feed = on_feed
        self.now = now
        self.ingestor = ingestor or Ingestor(store, default_tz=settings.default_timezone)
        self._storing = GroupStore(self.ingestor)

    async def poll(self, feeds: list[Feed]) -> PollReport:
        report = PollReport()
        gate = asyncio.Semaphore(FEEDS_IN_FLIGHT)

        async def one(feed: Feed) -> None:
            async with gate:
                outcome = await self.poll_feed(feed)
            report.outcomes.append(outcome)
            if self.on_feed is not None:
                self.on_feed(outcome)

        storing = asyncio.create_task(self._storing.run())
        try:
            await asyncio.gather(*(one(feed) for feed in feeds))
        finally:
            storing.cancel()
            await asyncio.gather(storing, return_exceptions=True)
        return report

    async def poll_feed(self, feed: Feed) -> FeedOutcome:
        try:
            result = await self.fetcher.fetch(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                previous_body_hash=feed.body_hash,
                kind="feed",
            )
            if result.permanent_redirect:
                self.store.move_feed(feed.id, result.permanent_redirect)
            if result.not_modified:
                self._succeeded(feed, result.etag, result.last_modified, result.body_hash, 0)
                return FeedOutcome(feed.id, feed.url, "not_modified")
            parse = functools.partial(
                parse_feed, result.body, url=result.url, content_type=result.content_type
            )
            # feedparser takes ~25 ms for a feed of 20 items: in the pool, when there is one.
            parsed = (
                parse()
                if self.extractor is None
                else await asyncio.get_running_loop().run_in_executor(self.extractor, parse)
            )
            outcome = FeedOutcome(feed.id, feed.url, "ok")
            await self._take_items(feed, parsed.items, outcome)
            self._succeeded(
                feed, result.etag, result.last_modified, result.body_hash, outcome.new_articles
            )
            return outcome
        except AkhbarError as exc:
            return self._failed(feed, exc)

    async def _take_items(self, feed: Feed, items: list[FeedItem], outcome: FeedOutcome) -> None:
        """Fetch the feed's new pages concurrently (the fetcher's limits bound them), then
        store them in one batch: one transaction per feed instead of one per article."""
        wanted: dict[str, FeedItem] = {}
        for item in items[: self.limit] if self.limit else items:
            if not item.url:
                continue
            url = canonicalize_url(item.url, base=feed.url)
            # Known URLs are skipped before any page is fetched.
            if url in wanted or self.store.article_id_by_dedup_key(f"url:{url}") is not None:
                outcome.known += 1
                continue
            wanted[url] = item
        raws = await asyncio.gather(
            *(self._article_for(feed, item, url) for url, item in wanted.items())
        )
        outcome.partial += sum(raw.partial for raw in raws)
        prepared = await self._prepare(raws)
        outcome.new_articles += await self._storing.store(raws, prepared)

    async def _prepare(self, raws: list[RawArticle]) -> list[Prepared] | None:
        """Normalise the feed's articles and run the steps' pure work in the extraction pool,
        so that this process only fetches and stores (None without a pool: the ingestor
        prepares them itself)."""
        if self.extractor is None or not raws:
            return None
        jobs: list[tuple[RawArticle, str] | None] = [(r, self.ingestor.zone_of(r)) for r in raws]
        return await asyncio.get_running_loop().run_in_executor(
            self.extractor, prepare_batch, jobs, self.ingestor.analyzers()
        )

    async def _article_for(self, feed: Feed, item: FeedItem, url: str) -> RawArticle:
        """The page's own article when it can be extracted, else the feed's text (partial)."""
        try:
            page = await self.fetcher.fetch(url, kind="page")
            if self.extractor is None:
                extracted = extract_article(page.body, url=page.url, content_type=page.content_type)
            else:
                extracted = await asyncio.get_running_loop().run_in_executor(
                    self.extractor,
                    functools.partial(
                        extract_article, page.body, url=page.url, content_type=page.content_type
                    ),
                )
            return _raw_from_page(feed, item, url, extracted)
        except (FetchError, ExtractionRejected):
            # The feed's own text stands in; the article is marked partial so a reader (and a
            # later re-fetch) can tell.
            raw = _raw_from_item(feed, item, url)
            raw.partial = True
            if not raw.body:
                raw.body = raw.title
            return raw

    def _succeeded(
        self,
        feed: Feed,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        new_items: int,
    ) -> None:
        now = self.now()
        per_day = estimate_items_per_day(
            self.store.published_times(feed.id, since=now - timedelta(days=7)), now=now
        )
        delay = next_poll_delay(items_per_day=per_day, consecutive_failures=0)
        with self.store.transaction():
            self.store.record_poll_success(
                feed.id,
                etag=etag,
                last_modified=last_modified,
                body_hash=body_hash,
                new_items=new_items,
                items_per_day=per_day,
                next_poll=now + timedelta(seconds=delay),
            )

    def _failed(self, feed: Feed, exc: AkhbarError) -> FeedOutcome:
        retry_after = getattr(exc, "retry_after", None)
        delay = next_poll_delay(
            items_per_day=feed.items_per_day,
            consecutive_failures=feed.consecutive_failures + 1,
            retry_after=retry_after if isinstance(retry_after, float | int) else None,
        )
        with self.store.transaction():
            self.store.record_poll_failure(
                feed.id, error=str(exc), next_poll=self.now() + timedelta(seconds=delay)
            )
        return FeedOutcome(feed.id, feed.url, "failed", error=str(exc))


class GroupStore:
    """Stores the articles of many feeds in one batch (group commit).

    Every feed hands its articles to `store` and waits; one task (`run`) gathers the feeds
    that arrive within GATHER_SECONDS of the first (up to MAX_ARTICLES articles) and stores
    them through the ingestor in one transaction, so the costs paid per batch are shared: the
    search index's commit alone takes ~0.1 s, which paid per feed of 20 articles was a third
    of a polling pass. An article waits at most GATHER_SECONDS longer to be stored, and is
    searchable as soon as it is.
    """

    MAX_ARTICLES = 500
    GATHER_SECONDS = 2.0

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue()
        self._running = False

    async def store(self, raws: list[RawArticle], prepared: list[Prepared] | None) -> int:
        """Store the articles (with the pool's preparation, or None); returns how many were
        new, once their batch has committed."""
        if not raws:
            return 0
        if not self._running:  # a feed polled on its own (`Poller.poll_feed`)
            return sum(self._store_group([_Waiting(raws, prepared, None)]))
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Waiting(raws, prepared, done))
        return await done

    async def run(self) -> None:
        self._running = True
        try:
            await self._serve()
        finally:
            self._running = False

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            group = [await self._queue.get()]
            size = len(group[0].raws)
            deadline = loop.time() + self.GATHER_SECONDS
            while size < self.MAX_ARTICLES:
                try:
                    waiting = await asyncio.wait_for(self._queue.get(), deadline - loop.time())
                except TimeoutError:
                    break
                group.append(waiting)
                size += len(waiting.raws)
            try:
                imported = self._store_group(group)
            except Exception as exc:  # every waiting feed must hear of it
                for waiting in group:
                    if waiting.done and not waiting.done.done():  # a cancelled feed has left
                        waiting.done.set_exception(exc)
                continue
            start = 0
            for waiting in group:
                end = start + len(waiting.raws)
                if waiting.done and not waiting.done.done():
                    waiting.done.set_result(sum(imported[start:end]))
                start = end

    def _store_group(self, group: list[_Waiting]) -> list[bool]:
        batch: list[RawArticle | InputError] = [r for w in group for r in w.raws]
        if all(w.prepared is None for w in group):
            return self.ingestor.ingest_prepared(batch, None)
        prepared: list[Prepared] = []
        for w in group:
            prepared += w.prepared if w.prepared is not None else [None] * len(w.raws)
        return self.ingestor.ingest_prepared(batch, prepared)


@dataclass(slots=True)
class _Waiting:
    raws: list[RawArticle]
    prepared: list[Prepared] | None
    done: asyncio.Future[int] | None


def _raw_from_item(feed: Feed, item: FeedItem, url: str) -> RawArticle:
    body = html_to_text(item.content_html or item.summary)
    return RawArticle(
        title=item.title,
        body=body,
        origin=Origin(url=url),
        url=url,
        canonical_url=url,
        source_name=feed.source_name,
        feed_id=feed.id,
        published_at=item.published,
        published_text=item.published_text,
        tags=list(item.tags),
        author=item.author,
        image_url=item.image_url,
    )


def _raw_from_page(feed: Feed, item: FeedItem, url: str, page: ExtractedArticle) -> RawArticle:
    # Extraction falls back to the page's URL, which is canonical already (canonicalize_url
    # is idempotent): only a canonical link of the page's own needs the work.
    canonical = url
    if page.canonical_url and page.canonical_url != url:
        canonical = canonicalize_url(page.canonical_url, base=url)
    tags = list(dict.fromkeys([*page.tags, *item.tags]))
    return RawArticle(
        title=page.title or item.title,
        body=page.body,
        origin=Origin(url=url),
        url=url,
        canonical_url=canonical,
        source_name=feed.source_name,
        feed_id=feed.id,
        published_at=page.published_at or item.published,
        published_text=page.published_text or item.published_text,
        language=page.language or "ar",
        tags=tags,
        author=page.author or item.author,
        image_url=page.image_url or item.image_url,
        encoding=page.encoding,
    )


async def poll_once(
    store: SQLiteStore,
    settings: Settings,
    *,
    source: str | None = None,
    limit: int | None = None,
    on_feed: Callable[[FeedOutcome], None] | None = None,
    all_feeds: bool = False,
) -> PollReport:
    """One pass over the feeds that are due (or all enabled feeds, or those of one source)."""
    from akhbar.arabic import normalize_for_match

    now = datetime.now(UTC)
    if source is not None:
        feeds = store.list_feeds(source_key=normalize_for_match(source), include_disabled=False)
        if not feeds:
            feeds = store.list_feeds(source_key=source, include_disabled=False)
    elif all_feeds:
        feeds = store.list_feeds(include_disabled=False)
    else:
        feeds = store.list_feeds(due_before=now)
    if not feeds:
        return PollReport()
    workers = worker_processes()
    with contextlib.ExitStack() as stack:
        pool = (
            stack.enter_context(ProcessPoolExecutor(workers, mp_context=worker_context()))
            if workers
            else None
        )
        ingestor = stack.enter_context(open_ingestor(store, default_tz=settings.default_timezone))
        async with Fetcher(fetch_settings(settings)) as fetcher:
            poller = Poller(
                store, settings, fetcher=fetcher, limit=limit, on_feed=on_feed,
                extractor=pool, ingestor=ingestor,
            )  # fmt: skip
            return await poller.poll(feeds)


async def run_forever(
    store: SQLiteStore,
    settings: Settings,
    *,
    stop: asyncio.Event,
    on_pass: Callable[[PollReport], None] | None = None,
    idle_seconds: float = 30.0,
) -> int:
    """Poll due feeds until `stop` is set; returns the number of passes.

    Stopping cancels the pass at its next await. Store writes never span an await (each
    feed's outcome and each article is written synchronously), so a stop can only land
    between complete transactions: nothing half-written, and validators of an unfinished
    feed are not saved, so its items are fetched again next time.
    """
    passes = 0
    while not stop.is_set():
        pass_task = asyncio.create_task(poll_once(store, settings))
        stop_task = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({pass_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        if pass_task not in done:
            pass_task.cancel()
            await asyncio.gather(pass_task, return_exceptions=True)
            break
        stop_task.cancel()
        passes += 1
        if on_pass is not None:
            on_pass(pass_task.result())
        deadline = time.monotonic() + _idle(store, idle_seconds)
        await rank_while_idle(store, until=deadline, stop=stop)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=max(0.0, deadline - time.monotonic()))
    return passes


async def rank_while_idle(store: SQLiteStore, *, until: float, stop: asyncio.Event) -> int:
    """Rank queued "read also" lists (akhbar/pipeline/relate.py) until the queue is empty, the
    `time.monotonic()` deadline passes or `stop` is set; returns the number ranked. Two lists
    at a time, handing the event loop back in between: the reader it may serve shares the
    loop (as akhbar/web/idle_ranking.py does for `akhbar serve`)."""
    ranked = 0
    while not stop.is_set() and time.monotonic() < until:
        # Never waiting for the write lock: another process (an import) holding it leaves the
        # lists queued for the next idle spell, and neither polling nor the reader waits.
        done = rank_some_if_free(store, IDLE_RANK_CHUNK)
        if not done:
            break
        ranked += done
        await asyncio.sleep(0)
    return ranked


def _idle(store: SQLiteStore, cap: float) -> float:
    """Seconds until the next feed is due (at least 1, at most `cap`)."""
    feeds = store.list_feeds(include_disabled=False)
    now = datetime.now(UTC)
    waits = [(f.next_poll - now).total_seconds() if f.next_poll else 0.0 for f in feeds]
    return max(1.0, min([cap, *waits]))
