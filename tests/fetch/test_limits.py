"""Bounds: body size while streaming, decompression bombs, timeouts, concurrency, spacing."""

from __future__ import annotations

import asyncio
import itertools
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import brotli
import pytest

from akhbar.errors import FetchError
from akhbar.fetch import Fetcher, FetchResult
from tests.fetch.helpers import fetch_once, settings, static_resolver
from tests.fetch.server import FixtureServer, Response, endless

MIB = 1024 * 1024
CHUNK = 64 * 1024  # the most httpcore reads from the socket at once


def test_endless_body_is_cut_while_streaming(http_server: FixtureServer) -> None:
    http_server.routes["/huge"] = lambda r: Response(body=endless(b"x" * CHUNK))

    async def go() -> tuple[FetchError, int]:
        async with Fetcher(settings(max_body_bytes=MIB)) as fetcher:
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(http_server.url("/huge"))
            return info.value, fetcher.stats.bytes_received

    error, received = asyncio.run(go())
    assert error.reason == "too_large"
    assert MIB < received <= MIB + CHUNK


def test_memory_stays_near_the_limit_on_a_64_mib_body(http_server: FixtureServer) -> None:
    block = b"y" * CHUNK
    http_server.routes["/big"] = lambda r: Response(body=(block for _ in range(1024)))
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as info:
            fetch_once(http_server.url("/big"), settings(max_body_bytes=MIB))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.reason == "too_large"
    assert peak < 6 * MIB  # reading the whole 64 MiB would peak far above


def test_declared_content_length_over_the_limit_is_refused_unread(
    http_server: FixtureServer,
) -> None:
    http_server.routes["/big"] = lambda r: Response(
        body=endless(b"z" * CHUNK), headers={"Content-Length": str(100 * MIB)}
    )

    async def go() -> tuple[str, int]:
        async with Fetcher(settings(max_body_bytes=MIB)) as fetcher:
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(http_server.url("/big"))
            return info.value.reason, fetcher.stats.bytes_received

    assert asyncio.run(go()) == ("too_large", 0)


def gzip_bomb(total: int = 1024 * MIB) -> Iterator[bytes]:
    """gzip of `total` zero bytes (1 GiB compresses to ~1 MiB), built lazily as it is sent."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MIB)
    for _ in range(total // MIB):
        out = packer.compress(zeros)
        if out:
            yield out
    yield packer.flush()


def brotli_bomb(total: int = 1024 * MIB) -> Iterator[bytes]:
    packer = brotli.Compressor(quality=1)
    zeros = bytes(MIB)
    for _ in range(total // MIB):
        out = packer.process(zeros)
        if out:
            yield out
    yield packer.finish()


@pytest.mark.parametrize(("coding", "bomb"), [("gzip", gzip_bomb), ("br", brotli_bomb)])
def test_decompression_bomb_is_refused(
    http_server: FixtureServer, coding: str, bomb: object
) -> None:
    assert callable(bomb)
    http_server.routes["/bomb"] = lambda r: Response(
        body=bomb(), headers={"Content-Encoding": coding}
    )
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/bomb"))
    assert info.value.reason == "decompression_bomb"
    assert time.monotonic() - started < 5


def test_compressed_body_decoding_past_the_limit_is_refused(http_server: FixtureServer) -> None:
    # Only ~4x compressible, so the ratio check stays quiet; the decoded size is what trips.
    text = b"".join(f"<item><title>{n:08x}</title></item>\n".encode() for n in range(80_000))
    packed = zlib.compress(text)
    http_server.routes["/feed"] = lambda r: Response(
        body=packed, headers={"Content-Encoding": "deflate"}
    )
    assert len(packed) < MIB < len(text)
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/feed"), settings(max_body_bytes=MIB))
    assert info.value.reason == "decompression_bomb"
    assert fetch_once(http_server.url("/feed"), settings(max_body_bytes=4 * MIB)).body == text


def test_slow_drip_hits_total_timeout_without_holding_up_another_host(
    http_server: FixtureServer,
) -> None:
    http_server.routes["/drip"] = lambda r: Response(body=endless(b"."), chunk_delay=0.1)
    http_server.routes["/fast"] = lambda r: Response(body=b"fast")
    # Two host names, one server: the guard is on and pins both names to 127.0.0.1.
    resolver = static_resolver({"slow.test": ["127.0.0.1"], "quick.test": ["127.0.0.1"]})
    fetch_settings = settings(
        allow_private_addresses=False,
        allowed_networks=("127.0.0.1/32",),
        total_timeout=1.5,
        retries=0,
        global_concurrency=2,
        per_host_concurrency=1,
    )

    async def timed(fetcher: Fetcher, url: str) -> tuple[float, FetchResult | FetchError]:
        started = time.monotonic()
        try:
            outcome: FetchResult | FetchError = await fetcher.fetch(url)
        except FetchError as exc:
            outcome = exc
        return time.monotonic() - started, outcome

    async def go() -> list[tuple[float, FetchResult | FetchError]]:
        async with Fetcher(fetch_settings, resolver=resolver) as fetcher:
            drip = asyncio.create_task(timed(fetcher, http_server.url("/drip", "slow.test")))
            await asyncio.sleep(0.2)  # the drip is under way and holds its host's only slot
            fast = await timed(fetcher, http_server.url("/fast", "quick.test"))
            return [await drip, fast]

    (drip_time, drip), (fast_time, fast) = asyncio.run(go())
    assert isinstance(drip, FetchError) and drip.reason == "timeout"
    assert 1.4 <= drip_time < 3.0
    assert isinstance(fast, FetchResult) and fast.body == b"fast"
    assert fast_time < 0.5


def test_per_host_concurrency_is_capped(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"ok", delay=0.15)

    async def go() -> None:
        async with Fetcher(settings(per_host_concurrency=2)) as fetcher:
            await asyncio.gather(*(fetcher.fetch(http_server.url("/feed")) for _ in range(6)))

    asyncio.run(go())
    assert len(http_server.requests) == 6
    assert http_server.max_in_flight == 2


def test_global_concurrency_is_capped_across_hosts(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"ok", delay=0.15)
    hosts = [f"h{n}.test" for n in range(6)]
    resolver = static_resolver({h: ["127.0.0.1"] for h in hosts})
    fetch_settings = settings(
        allow_private_addresses=False, allowed_networks=("127.0.0.0/8",), global_concurrency=3
    )

    async def go() -> None:
        async with Fetcher(fetch_settings, resolver=resolver) as fetcher:
            await asyncio.gather(*(fetcher.fetch(http_server.url("/feed", h)) for h in hosts))

    asyncio.run(go())
    assert http_server.max_in_flight == 3


def test_requests_to_one_host_start_at_least_min_delay_apart(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"ok")

    async def go() -> None:
        async with Fetcher(settings(per_host_min_delay=0.2, per_host_concurrency=3)) as fetcher:
            await asyncio.gather(*(fetcher.fetch(http_server.url("/feed")) for _ in range(3)))

    asyncio.run(go())
    starts = sorted(r.received_at for r in http_server.requests)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 2
    assert min(gaps) >= 0.18
