"""Keep-alive connections for the fetcher: a pool that only keeps idle connections.

httpcore's `AsyncConnectionPool` also queues requests and caps connections. On every request
start and every response close it walks all its connections (closed? expired, which polls the
socket? idle?) for every queued request, and it may hand one idle connection to several
requests arriving together, all but one of which then fail and go round again. Profiled on a
poll first pass that bookkeeping was the largest single cost of the poller process (about a
third of its HTTP time).

The fetcher does not need the queueing: `HostLimiter` already bounds the requests in flight,
globally and per host, so this pool never waits and never refuses. A request takes the most
recently used idle connection of its origin (checked for expiry and server close, as httpcore
does), or opens a new one; when the response is closed a reusable connection goes back to the
idle set, which is capped (least recently used closed first) and swept of expired connections.
Each connection is httpcore's own `AsyncHTTPConnection`, so connecting (through the guarded
network backend), TLS, HTTP/1.1 parsing and the timeouts are unchanged.
"""

from __future__ import annotations

import select
import socket
import ssl
import typing
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator
from types import TracebackType

import httpcore

Connection = httpcore.AsyncHTTPConnection
# httpcore.Origin compares by value but is not hashable: its parts are the key.
OriginKey = tuple[bytes, bytes, int]


class KeepAlivePool:
    """An httpcore request interface over keep-alive connections, without a request queue."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None,
        max_idle: int,
        keepalive_expiry: float | None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._ssl_context = ssl_context
        self._max_idle = max_idle
        self._keepalive_expiry = keepalive_expiry
        self._network_backend = network_backend
        # Idle connections per origin (most recent last), and all of them oldest first.
        self._idle: dict[OriginKey, list[Connection]] = {}
        self._lru: OrderedDict[Connection, OriginKey] = OrderedDict()
        self._active: set[Connection] = set()

    @property
    def connections(self) -> list[Connection]:
        """Every open connection, idle or serving a request (for tests and logs)."""
        return [*self._lru, *self._active]

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        origin = request.url.origin
        key = (origin.scheme, origin.host, origin.port)
        connection = await self._take_idle(key) or self._connect(origin)
        self._active.add(connection)
        try:
            response = await connection.handle_async_request(request)
        except BaseException:
            # The connection closed itself (http11) or never connected; make sure it is gone.
            self._active.discard(connection)
            await connection.aclose()
            raise
        assert isinstance(response.stream, AsyncIterable)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_ReleasingStream(response.stream, self, connection, key),
            extensions=response.extensions,
        )

    def _connect(self, origin: httpcore.Origin) -> Connection:
        return httpcore.AsyncHTTPConnection(
            origin=origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            network_backend=self._network_backend,
        )

    async def _take_idle(self, key: OriginKey) -> Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            del self._lru[connection]
            if not idle:
                del self._idle[key]
            # has_expired: keep-alive time over, or the server closed it (socket readable).
            if connection.is_idle() and not connection.has_expired():
                return connection
            await connection.aclose()
        return None

    async def _release(self, connection: Connection, key: OriginKey) -> None:
        """Called once the response is closed: keep the connection if it can serve again."""
        self._active.discard(connection)
        # Expiry is checked when the connection is taken again (and by the sweep), not here.
        if not connection.is_idle():
            await connection.aclose()
            return
        self._idle.setdefault(key, []).append(connection)
        self._lru[connection] = key
        await self._sweep()

    async def _sweep(self) -> None:
        """Close the oldest idle connections while there are too many or they have expired:
        the oldest first, so this stays O(1) per release in the usual case."""
        while self._lru:
            oldest, key = next(iter(self._lru.items()))
            if len(self._lru) <= self._max_idle and not oldest.has_expired():
                return
            del self._lru[oldest]
            self._idle[key].remove(oldest)
            if not self._idle[key]:
                del self._idle[key]
            await oldest.aclose()

    async def aclose(self) -> None:
        connections = self.connections
        self._idle.clear()
        self._lru.clear()
        self._active.clear()
        for connection in connections:
            await connection.aclose()

    async def __aenter__(self) -> KeepAlivePool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


class _ReleasingStream:
    """The response body; closing it hands the connection back to the pool (once)."""

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        pool: KeepAlivePool,
        connection: Connection,
        key: OriginKey,
    ) -> None:
        self._stream = stream
        self._pool = pool
        self._connection = connection
        self._key = key
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            aclose = getattr(self._stream, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            await self._pool._release(self._connection, self._key)


class IdleCheckBackend(httpcore.AsyncNetworkBackend):
    """A network backend (anyio's by default) whose streams answer httpcore's idle check cheaply.

    Before reusing a connection httpcore asks its stream whether the socket is readable (the
    server closed it). anyio's stream finds its socket by building a dict of every socket
    attribute, a getpeername() system call included, on each question; these streams keep
    the socket from the start and only poll it.
    """

    def __init__(self, backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._backend = backend or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _IdleCheckStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _IdleCheckStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        # The raw socket stays the same for the stream's life, TLS or not.
        self._socket: socket.socket | None = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _IdleCheckStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            return is_socket_readable(self._socket)
        if info == "socket":
            return self._socket
        return self._stream.get_extra_info(info)


def is_socket_readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once: on an idle keep-alive connection, that the server
    closed it (or sent something unasked). A socket that is gone counts as readable, as in
    httpcore, so the connection is dropped."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        readable, _, _ = select.select([fd], [], [], 0)
        return bool(readable)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
