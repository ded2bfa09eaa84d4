"""Shared bits of the fetch tests: fast settings, a recording sleep, a one-shot fetch."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx

from akhbar.fetch import Fetcher, FetchResult, FetchSettings
from akhbar.fetch.limits import Sleep
from akhbar.fetch.ssrf import Resolver, resolve_host

# Local fixture servers live on 127.0.0.1, so the guard is off unless a test turns it on; no
# politeness delay, so tests are fast.
FAST = FetchSettings(allow_private_addresses=True, per_host_min_delay=0.0)


def settings(**overrides: Any) -> FetchSettings:
    return dataclasses.replace(FAST, **overrides)


class RecordingSleep:
    """An asyncio.sleep stand-in that records the requested delays and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def fetch_once(
    url: str,
    fetch_settings: FetchSettings = FAST,
    *,
    sleep: Sleep = asyncio.sleep,
    resolver: Resolver = resolve_host,
    transport: httpx.AsyncBaseTransport | None = None,
    **kwargs: Any,
) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(
            fetch_settings, sleep=sleep, resolver=resolver, transport=transport
        ) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(go())


def static_resolver(table: dict[str, list[str]]) -> Resolver:
    """A resolver from a dict, so hostname tests never touch real DNS."""

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"unknown test host {host}")
        return list(table[host])

    return resolve
