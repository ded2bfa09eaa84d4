"""robots.txt for article pages: fetched once per origin, cached with a TTL.

Feeds are exempt (a published feed is an invitation to poll it); pages are not. A robots.txt
that answers 4xx means "no rules" (RFC 9309 §2.3.1.3). When robots.txt cannot be fetched at all
(5xx, timeout, refused) we allow and log it, and retry after a shorter TTL: RFC 9309 would
disallow everything, but a flaky robots.txt must not silently stop a source (the complaint users
of feed readers repeat most).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from akhbar.errors import FetchError

log = logging.getLogger("akhbar.fetch")

FetchBody = Callable[[str], Awaitable[bytes]]


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser
    expires_at: float


class RobotsPolicy:
    def __init__(
        self,
        fetch_body: FetchBody,
        *,
        agent: str,
        ttl: float,
        failure_ttl: float,
        clock: Callable[[], float],
    ) -> None:
        self._fetch_body = fetch_body
        self._agent = agent
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> tuple[bool, float | None]:
        """Whether robots.txt lets us fetch `url`, and the Crawl-delay it asks of us (None if
        none), from one look-up of the origin's cached rules."""
        parser = await self._parser_for(_origin(url))
        delay = parser.crawl_delay(self._agent)
        return parser.can_fetch(self._agent, url), float(delay) if delay is not None else None

    async def _parser_for(self, origin: str) -> RobotFileParser:
        # One lock per origin: twenty pages of one site wait for a single robots.txt fetch.
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is None or entry.expires_at <= self._clock():
                entry = await self._load(origin)
                self._entries[origin] = entry
            return entry.parser

    async def _load(self, origin: str) -> _Entry:
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            body = await self._fetch_body(origin + "/robots.txt")
        except FetchError as exc:
            parser.parse([])  # no rules: everything allowed
            if exc.reason.startswith("http_4"):
                return _Entry(parser, self._clock() + self._ttl)
            log.warning("fetch.robots_failed origin=%s reason=%s", origin, exc.reason)
            return _Entry(parser, self._clock() + self._failure_ttl)
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return _Entry(parser, self._clock() + self._ttl)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
