"""Politeness and patience: concurrency slots, per-host spacing, backoff and Retry-After."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass
class _HostState:
    semaphore: asyncio.Semaphore
    min_delay: float
    next_start: float = field(default=0.0)


class HostLimiter:
    """A global cap on requests in flight, a cap per host, and a minimum gap between starts.

    Order matters: a request first waits for its host's slot and spacing, and only then takes a
    global slot, so a host with a long queue (or a slow drip) never holds global slots while it
    waits, and other hosts keep going.
    """

    def __init__(
        self,
        *,
        global_concurrency: int,
        per_host_concurrency: int,
        min_delay: float,
        clock: Clock,
        sleep: Sleep,
    ) -> None:
        self._global = asyncio.Semaphore(global_concurrency)
        self._per_host = per_host_concurrency
        self._min_delay = min_delay
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = _HostState(asyncio.Semaphore(self._per_host), self._min_delay)
            self._hosts[host] = state
        return state

    def set_min_delay(self, host: str, seconds: float) -> None:
        """Raise one host's spacing (a robots.txt Crawl-delay); never below the default."""
        self._state(host).min_delay = max(self._min_delay, seconds)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._state(host)
        async with state.semaphore:
            while True:
                await self._global.acquire()
                wait = state.next_start - self._clock()
                if wait <= 0:
                    # No await between the check and the reservation: atomic under asyncio.
                    state.next_start = self._clock() + state.min_delay
                    break
                # Too early for this host: give the global slot back while we wait.
                self._global.release()
                await self._sleep(wait)
            try:
                yield
            finally:
                self._global.release()


def backoff_delay(retry: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number `retry` (1 = first): capped exponential with equal jitter.

    Half the delay is fixed and half random, so retries after a mass failure spread out
    (miniflux #3130) yet never collapse to an immediate hammering retry.
    """
    ceiling = min(cap, base * 2.0 ** (retry - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None when unusable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
