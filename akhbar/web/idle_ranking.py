"""`akhbar serve` ranks queued "read also" lists while no request is being served.

Ingest stores provisional lists and queues them for a full ranking (akhbar/pipeline/relate.py);
`akhbar run` ranks between polls and `akhbar export` before writing. A reader started with
`akhbar serve` over a store that is only imported into (a cron job of `akhbar import`, say)
would otherwise show the provisional lists for good. So the reader ranks too, but only when it
has been idle for IDLE_GAP seconds, a couple of lists at a time (~5-10 ms each), handing the
event loop back in between, and never waiting for the write lock (another process importing
just postpones it). Under load it does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from akhbar.pipeline.relate import rank_some_if_free
from akhbar.store import SQLiteStore

log = logging.getLogger("akhbar.web")

#: Seconds without a request before the reader ranks.
IDLE_GAP = 0.5
#: Lists ranked between two looks at the requests: a request arriving meanwhile waits that long.
LISTS_AT_A_TIME = 2
#: Seconds before looking again at an empty queue or a store another process is writing.
QUIET_WAIT = 5.0


@dataclass(slots=True)
class Activity:
    """Requests in flight and when the last one started or ended (time.monotonic())."""

    active: int = 0
    last_seen: float = 0.0

    def idle(self, now: float, gap: float = IDLE_GAP) -> bool:
        return self.active == 0 and now - self.last_seen >= gap


class ActivityMiddleware:
    """Counts the HTTP requests in flight (pure ASGI: no task per request)."""

    def __init__(self, app: ASGIApp, activity: Activity) -> None:
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        activity = self.activity
        activity.active += 1
        activity.last_seen = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            activity.active -= 1
            activity.last_seen = time.monotonic()


async def rank_when_idle(
    store: SQLiteStore,
    activity: Activity,
    *,
    clock: Callable[[], float] = time.monotonic,
    quiet_wait: float = QUIET_WAIT,
) -> None:
    """Rank queued lists whenever the reader is idle; runs until cancelled."""
    while True:
        if not activity.idle(clock()):
            await asyncio.sleep(IDLE_GAP)
            continue
        try:
            done = rank_some_if_free(store, LISTS_AT_A_TIME)
        except sqlite3.Error as exc:
            log.warning("web.relate_failed error=%s", exc)
            done = None
        await asyncio.sleep(0 if done else quiet_wait)
