"""The reader (`akhbar serve`) ranks queued read-also lists only while idle, never waiting for
the write lock."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from akhbar.config import Settings
from akhbar.pipeline.relate import rank_some_if_free
from akhbar.store import SQLiteStore
from akhbar.web import create_app
from akhbar.web.idle_ranking import Activity, ActivityMiddleware, rank_when_idle
from tests.web.conftest import NOW, Corpus


def _queued(path: str) -> tuple[int, int]:
    store = SQLiteStore(path)
    try:
        return store.related_queue_size()
    finally:
        store.close()


def test_idle_means_no_request_in_flight_for_a_while() -> None:
    activity = Activity(active=0, last_seen=100.0)
    assert activity.idle(101.0, gap=0.5)
    assert not activity.idle(100.2, gap=0.5)
    activity.active = 1
    assert not activity.idle(200.0, gap=0.5)


def test_the_middleware_counts_requests_in_flight() -> None:
    activity = Activity()
    seen: list[int] = []

    async def page(request: Request) -> PlainTextResponse:
        seen.append(activity.active)
        return PlainTextResponse("ok")

    app = ActivityMiddleware(Starlette(routes=[Route("/", page)]), activity)
    before = time.monotonic()
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
    assert seen == [1] and activity.active == 0 and activity.last_seen >= before


def test_lists_are_ranked_while_idle_and_not_while_busy(corpus: Corpus) -> None:
    queued = _queued(corpus.path)
    assert sum(queued) > 0, "the corpus' ingest queued its lists"
    store = SQLiteStore(corpus.path)
    try:

        async def ranking(activity: Activity, seconds: float) -> None:
            """Let the ranker run until the queue is empty or `seconds` have passed."""
            task = asyncio.create_task(rank_when_idle(store, activity, quiet_wait=0.01))
            deadline = time.monotonic() + seconds
            while sum(store.related_queue_size()) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        asyncio.run(ranking(Activity(active=1), 0.3))  # a request in flight
        assert store.related_queue_size() == queued
        asyncio.run(ranking(Activity(), 10.0))
        assert store.related_queue_size() == (0, 0)
    finally:
        store.close()


def test_a_store_another_process_writes_is_left_alone(corpus: Corpus) -> None:
    store = SQLiteStore(corpus.path)
    other = sqlite3.connect(corpus.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # an import holding the write lock
        started = time.monotonic()
        assert rank_some_if_free(store, 2) is None
        assert time.monotonic() - started < 1.0  # no wait for the busy timeout (10 s)
        other.execute("ROLLBACK")
        before = sum(store.related_queue_size())
        assert rank_some_if_free(store, 2) == 2
        assert sum(store.related_queue_size()) < before
    finally:
        other.close()
        store.close()


def test_the_served_reader_ranks_its_queue(
    corpus: Corpus, settings_for: Callable[..., Settings]
) -> None:
    app = create_app(settings_for(corpus.path), now=lambda: NOW, open_search=False, rank_idle=True)
    with TestClient(app, base_url="http://testserver") as client:
        deadline = time.monotonic() + 20
        while sum(_queued(corpus.path)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _queued(corpus.path) == (0, 0)
        assert client.get("/").status_code == 200


def test_without_rank_idle_the_reader_leaves_the_queue(
    corpus: Corpus, settings_for: Callable[..., Settings]
) -> None:
    queued = _queued(corpus.path)
    app = create_app(settings_for(corpus.path), now=lambda: NOW, open_search=False)
    with TestClient(app, base_url="http://testserver") as client:
        time.sleep(1.0)
        assert client.get("/").status_code == 200
    assert _queued(corpus.path) == queued
