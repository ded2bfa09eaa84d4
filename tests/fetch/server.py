"""A real HTTP server on 127.0.0.1 for tests that need one: a route table of handler functions.

    with serve({"/feed": lambda req: Response(body=b"<rss/>")}) as server:
        url = server.url("/feed")          # http://127.0.0.1:<ephemeral port>/feed
        ...
        assert server.requests[0].headers["user-agent"].startswith("akhbar/")

A handler takes a `Request` and returns a `Response`. `Response.body` is bytes, or an iterable
of chunks for streamed bodies (a slow drip, an endless stream, a lazily built gzip bomb); with
an iterable and no explicit Content-Length the body is close-delimited. Every response carries
`Connection: close`, so no keep-alive thread outlives a test. Leaving the `with` block stops the
server, tells streaming handlers to stop (`chunk_delay` waits are cut short) and joins every
handler thread, so nothing leaks into the next test. Routes can be added while it runs:
`server.routes["/x"] = handler`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    received_at: float  # time.monotonic()


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunk_delay: float = 0.0  # seconds to wait before each chunk of an iterable body
    delay: float = 0.0  # seconds to wait before sending the status line


Handler = Callable[[Request], Response]


def not_found(_request: Request) -> Response:
    return Response(404, b"not found", {"Content-Type": "text/plain"})


class FixtureServer(ThreadingHTTPServer):
    # Non-daemon threads + block_on_close: server_close() joins every handler thread.
    daemon_threads = False
    block_on_close = True

    def __init__(self, routes: dict[str, Handler]) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.routes: dict[str, Handler] = dict(routes)
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def track(self, delta: int) -> None:
        with self._lock:
            self.in_flight += delta
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-body (the fetcher cutting a huge or slow response) is the
        # expected outcome of several tests, not an error worth a traceback.
        return None


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # a write to a client that stopped reading never blocks a thread for long
    server: FixtureServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            method="GET",
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            received_at=time.monotonic(),
        )
        self.server.record(request)
        self.server.track(+1)
        try:
            self._respond(self.server.routes.get(parts.path, not_found)(request))
        except (ConnectionError, TimeoutError):
            pass  # the client went away; see FixtureServer.handle_error
        finally:
            self.server.track(-1)

    def _respond(self, response: Response) -> None:
        if response.delay and self.server.stopping.wait(response.delay):
            return
        self.send_response(response.status)
        headers = {k.lower(): v for k, v in response.headers.items()}
        if isinstance(response.body, bytes) and "content-length" not in headers:
            headers["content-length"] = str(len(response.body))
        headers["connection"] = "close"
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self._write_body(response)

    def _write_body(self, response: Response) -> None:
        if isinstance(response.body, bytes):
            self.wfile.write(response.body)
            return
        for chunk in response.body:
            if self.server.stopping.is_set():
                return
            if response.chunk_delay and self.server.stopping.wait(response.chunk_delay):
                return
            self.wfile.write(chunk)
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        return None  # keep test output quiet


@contextlib.contextmanager
def serve(routes: dict[str, Handler] | None = None) -> Iterator[FixtureServer]:
    """Start a FixtureServer on 127.0.0.1:<ephemeral>, yield it, then stop it and join threads."""
    server = FixtureServer(routes or {})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        thread.join()
        server.server_close()


def endless(chunk: bytes) -> Iterator[bytes]:
    """An endless body: the same chunk forever (the server stops when the client hangs up)."""
    while True:
        yield chunk
