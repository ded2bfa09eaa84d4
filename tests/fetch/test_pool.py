"""The fetcher's keep-alive pool, against a real keep-alive server on 127.0.0.1.

The fixture server of the other fetch tests closes every connection; these tests need one that
keeps them open (or closes them while they are idle), so they run a small asyncio server.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpcore
import pytest

from akhbar.fetch import Fetcher
from akhbar.fetch.pool import IdleCheckBackend, KeepAlivePool, is_socket_readable
from tests.fetch.helpers import settings


@dataclass
class KeepAliveServer:
    port: int
    close_after_response: bool = False
    delay: float = 0.0
    connections: int = 0
    requests: int = 0

    def url(self, path: str = "/feed") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return  # the client closed the connection
                self.requests += 1
                await asyncio.sleep(self.delay)
                # No "Connection: close" even when closing: the client must notice by itself.
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
                if self.close_after_response:
                    return
        finally:
            writer.close()


async def get(pool: KeepAlivePool, server: KeepAliveServer) -> bytes:
    """One GET through the pool, body read and response closed (the connection released)."""
    host = f"127.0.0.1:{server.port}".encode()
    request = httpcore.Request("GET", server.url(), headers=[(b"Host", host)])
    response = await pool.handle_async_request(request)
    try:
        return await response.aread()
    finally:
        await response.aclose()


@asynccontextmanager
async def keep_alive_server(**options: float | bool) -> AsyncIterator[KeepAliveServer]:
    state = KeepAliveServer(port=0, **options)  # type: ignore[arg-type]
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = server.sockets[0].getsockname()[1]
    async with server:
        yield state


def test_sequential_fetches_reuse_one_connection() -> None:
    async def go() -> KeepAliveServer:
        async with keep_alive_server() as server, Fetcher(settings()) as fetcher:
            for _ in range(3):
                assert (await fetcher.fetch(server.url())).body == b"ok"
        return server

    server = asyncio.run(go())
    assert (server.connections, server.requests) == (1, 3)


def test_connection_closed_by_server_while_idle_is_not_reused() -> None:
    async def go() -> tuple[KeepAliveServer, list[int]]:
        attempts = []
        async with (
            keep_alive_server(close_after_response=True) as server,
            Fetcher(settings()) as fetcher,
        ):
            for _ in range(3):
                attempts.append((await fetcher.fetch(server.url())).attempts)
                await asyncio.sleep(0.05)  # the server's close reaches our socket
        return server, attempts

    server, attempts = asyncio.run(go())
    # A stale connection would fail the request and cost a retry; the idle check avoids it.
    assert attempts == [1, 1, 1]
    assert server.connections == 3


def test_idle_connections_beyond_the_cap_are_closed() -> None:
    async def go() -> tuple[KeepAliveServer, int]:
        async with keep_alive_server(delay=0.1) as server:
            pool = KeepAlivePool(
                ssl_context=None,
                max_idle=1,
                keepalive_expiry=5.0,
                network_backend=IdleCheckBackend(),
            )
            async with pool:
                await asyncio.gather(*(get(pool, server) for _ in range(3)))
                return server, len(pool.connections)

    server, kept = asyncio.run(go())
    assert server.connections == 3  # three requests at once: three connections
    assert kept == 1


def test_expired_idle_connection_is_replaced() -> None:
    async def go() -> KeepAliveServer:
        async with keep_alive_server() as server:
            pool = KeepAlivePool(ssl_context=None, max_idle=4, keepalive_expiry=0.05)
            async with pool:
                for _ in range(2):
                    assert await get(pool, server) == b"ok"
                    await asyncio.sleep(0.1)
        return server

    assert asyncio.run(go()).connections == 2


def test_failed_connect_leaves_no_connection_behind() -> None:
    async def go() -> int:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        pool = KeepAlivePool(ssl_context=None, max_idle=4, keepalive_expiry=5.0)
        async with pool:
            with pytest.raises(httpcore.ConnectError):
                await get(pool, KeepAliveServer(port=port))
            return len(pool.connections)

    assert asyncio.run(go()) == 0


def test_socket_is_readable_only_once_the_peer_sent_or_closed() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not is_socket_readable(ours)
        theirs.close()
        assert is_socket_readable(ours)
    assert is_socket_readable(ours)  # closed: treated as readable, so the connection is dropped
    assert is_socket_readable(None)
