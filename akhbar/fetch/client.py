"""The Fetcher: one shared httpx client, polite and bounded, the only code that opens sockets.

    async with Fetcher(FetchSettings()) as fetcher:
        result = await fetcher.fetch(url, etag=saved.etag, previous_body_hash=saved.hash)
        if not result.not_modified:
            ...  # parse result.body, then save result.etag / last_modified / body_hash

Failures raise FetchError with one of these reasons (the pipeline counts them per source):
  http_<status>       a 4xx (no retry; 429 is retried) or a 5xx after the retries
  timeout             connect/read timeout or the total timeout of one attempt (slow drip)
  connect_error       refused / unreachable, after the retries
  network_error       the connection broke mid-response, after the retries
  dns_error           the host does not resolve (not retried: the schedule tries again later)
  too_many_redirects  more than max_redirects hops (loops included)
  bad_redirect        a 3xx without a usable Location
  too_large           more than max_body_bytes on the wire (or announced by Content-Length)
  decompression_bomb  decoded body over max_body_bytes, or a ratio over max_decompressed_ratio
  unsupported_encoding, decode_error, invalid_url
  robots_disallowed   kind="page" and robots.txt says no
  blocked_address / unsupported_scheme   (BlockedAddressError) the SSRF guard refused the URL

The fetcher never stores validators: the caller saves etag / last_modified / body_hash only after
it has processed the body, so a crash in between cannot make us skip an unread version.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx

from akhbar import __version__
from akhbar.errors import BlockedAddressError, FetchError
from akhbar.fetch.body import ACCEPT_ENCODING, BodyLimits, BodyReader
from akhbar.fetch.limits import Clock, HostLimiter, Sleep, backoff_delay, parse_retry_after
from akhbar.fetch.robots import RobotsPolicy
from akhbar.fetch.ssrf import AddressGuard, Resolver, guarded_transport, resolve_host

log = logging.getLogger("akhbar.fetch")

Kind = Literal["feed", "page", "robots"]
# No project URL yet: the agent names the software and what it is; operators can set their own.
DEFAULT_USER_AGENT = f"akhbar/{__version__} (self-hosted Arabic news aggregator)"
ROBOTS_AGENT = "akhbar"  # the product token robots.txt groups are matched against
MAX_CRAWL_DELAY = 60.0  # a Crawl-delay above this is honoured only up to this

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
RETRYABLE_REASONS = frozenset({"timeout", "connect_error", "network_error"})
ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
    "robots": "text/plain, */*;q=0.5",
}


@dataclass(frozen=True, slots=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    global_concurrency: int = 16
    per_host_concurrency: int = 2
    per_host_min_delay: float = 1.0  # seconds between two request starts to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence between two reads
    total_timeout: float = 60.0  # wall clock for one attempt, headers to last byte
    max_body_bytes: int = 10 * 1024 * 1024
    max_decompressed_ratio: float = 100.0
    max_redirects: int = 5
    retries: int = 3  # extra attempts after the first, on timeouts, connect errors, 5xx, 429
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    max_retry_after: float = 120.0  # a longer Retry-After gives up now (http_429) instead
    allow_private_addresses: bool = False
    allowed_networks: tuple[str, ...] = ()  # CIDRs reachable with the guard on (a LAN feed)
    robots_ttl: float = 24 * 3600.0  # RFC 9309: a cached robots.txt at most 24 h old
    robots_failure_ttl: float = 3600.0
    verify_tls: bool = True


@dataclass(slots=True)
class FetchResult:
    url: str  # final URL, after redirects
    status: int
    body: bytes
    content_type: str  # media type, lower case, without parameters
    charset: str | None  # from the Content-Type header only
    etag: str | None
    last_modified: str | None
    body_hash: str  # sha256 hex of body
    not_modified: bool  # 304, or the same body hash as last time (servers ignoring validators)
    permanent_redirect: str | None  # the final URL when every hop was a 301/308
    elapsed: float  # seconds in fetch(), robots.txt, waits and retries included
    attempts: int  # requests sent for this fetch, minus redirect hops (1 = no retry)


@dataclass(slots=True)
class FetchStats:
    """Counters over the fetcher's life (for logs and benchmarks)."""

    requests: int = 0
    retries: int = 0
    bytes_received: int = 0  # on the wire, before decompression
    not_modified: int = 0


@dataclass(slots=True)
class _Exchange:
    status: int
    headers: httpx.Headers
    body: bytes
    retries: int = 0


class Fetcher:
    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = resolve_host,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = s = settings or FetchSettings()
        self.stats = FetchStats()
        self._clock = clock or time.monotonic
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._guard = AddressGuard(
            allow_private=s.allow_private_addresses,
            allowed_networks=s.allowed_networks,
            resolver=resolver,
            clock=self._clock,
        )
        self._limiter = HostLimiter(
            global_concurrency=s.global_concurrency,
            per_host_concurrency=s.per_host_concurrency,
            min_delay=s.per_host_min_delay,
            clock=self._clock,
            sleep=sleep,
        )
        self._robots = RobotsPolicy(
            self._fetch_robots_body,
            agent=ROBOTS_AGENT,
            ttl=s.robots_ttl,
            failure_ttl=s.robots_failure_ttl,
            clock=self._clock,
        )
        self._body_limits = BodyLimits(
            max_bytes=s.max_body_bytes, max_ratio=s.max_decompressed_ratio
        )
        self._injected_transport = transport
        self._transport: httpx.AsyncBaseTransport | None = None
        # What httpx.AsyncClient would add to every request, built once: the fetcher sends
        # straight to the transport (see _exchange).
        self._base_headers = {
            "User-Agent": s.user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Connection": "keep-alive",
        }
        self._extensions: dict[str, Any] = {
            "timeout": httpx.Timeout(
                connect=s.connect_timeout,
                read=s.read_timeout,
                write=s.read_timeout,
                pool=s.total_timeout,
            ).as_dict()
        }

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        limits = httpx.Limits(
            max_connections=s.global_concurrency, max_keepalive_connections=s.global_concurrency
        )
        # No proxy from the environment (see akhbar.fetch.ssrf), no cookie jar (a fetch depends
        # on its URL and validators only, not on what other fetches were told to remember),
        # and redirects are followed by hand so that each hop passes the SSRF guard.
        self._transport = self._injected_transport or guarded_transport(
            self._guard, limits=limits, verify=s.verify_tls
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_body_hash: str | None = None,
        kind: Kind = "feed",
    ) -> FetchResult:
        started = self._clock()
        headers = {**self._base_headers, "Accept": ACCEPT[kind], "Accept-Language": "ar, en;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, permanent, retries = url, True, 0
        for _hop in range(self.settings.max_redirects + 1):
            if kind == "page":
                await self._check_robots(current)
            exchange = await self._request(current, headers)
            retries += exchange.retries
            if exchange.status not in REDIRECTS:
                result = self._result(current, exchange, etag, last_modified, previous_body_hash)
                result.permanent_redirect = current if permanent and current != url else None
                result.elapsed = self._clock() - started
                result.attempts = 1 + retries
                log.debug("fetch.done url=%s status=%s", current, result.status)
                return result
            # A temporary hop anywhere in the chain means the old URL is still the address.
            permanent = permanent and exchange.status in PERMANENT_REDIRECTS
            current = self._redirect_target(current, exchange)
        raise FetchError(
            "too_many_redirects", url=url, detail=f"more than {self.settings.max_redirects}"
        )

    async def _check_robots(self, url: str) -> None:
        allowed, delay = await self._robots.rules_for(url)
        if not allowed:
            raise FetchError("robots_disallowed", url=url)
        if delay:
            self._limiter.set_min_delay(_host_key(url), min(delay, MAX_CRAWL_DELAY))

    async def _fetch_robots_body(self, url: str) -> bytes:
        return (await self.fetch(url, kind="robots")).body

    def _redirect_target(self, url: str, exchange: _Exchange) -> str:
        location = exchange.headers.get("location", "").strip()
        if not location:
            raise FetchError("bad_redirect", url=url, detail=f"{exchange.status} without Location")
        target, _, _fragment = str(urljoin(url, location)).partition("#")
        return target

    async def _request(self, url: str, headers: dict[str, str]) -> _Exchange:
        """One hop, with retries: timeouts, connect errors, 5xx and 429 (Retry-After honoured)."""
        s = self.settings
        for retry in range(s.retries + 1):
            delay = backoff_delay(retry + 1, base=s.backoff_base, cap=s.backoff_cap, rng=self._rng)
            try:
                exchange = await self._send(url, headers)
            except FetchError as exc:
                if exc.reason not in RETRYABLE_REASONS or retry == s.retries:
                    raise
                log.info("fetch.retry url=%s reason=%s delay=%.1f", url, exc.reason, delay)
            else:
                if exchange.status < 400:
                    exchange.retries = retry
                    return exchange
                if exchange.status != 429 and exchange.status < 500:
                    raise FetchError(f"http_{exchange.status}", url=url)
                delay = self._retry_delay(url, exchange, delay, last=retry == s.retries)
                log.info("fetch.retry url=%s status=%s delay=%.1f", url, exchange.status, delay)
            self.stats.retries += 1
            # Slots are released while we wait: a backing-off host holds no one up.
            await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_delay(self, url: str, exchange: _Exchange, backoff: float, *, last: bool) -> float:
        reason = f"http_{exchange.status}"
        if last:
            raise FetchError(reason, url=url, detail="after retries")
        retry_after = parse_retry_after(exchange.headers.get("retry-after"))
        if retry_after is None:
            return backoff
        if retry_after > self.settings.max_retry_after:
            # Sleeping that long would pin a worker; the schedule should come back later.
            raise FetchError(reason, url=url, detail=f"retry_after={retry_after:.0f}")
        return retry_after

    async def _send(self, url: str, headers: dict[str, str]) -> _Exchange:
        """One attempt: SSRF check, then a slot, then the request within the total timeout."""
        transport = self._transport
        if transport is None:
            raise RuntimeError("use `async with Fetcher(...)` before fetch()")
        parsed = await self._guard.check_url(url)
        async with self._limiter.slot(_host_key(url)):
            self.stats.requests += 1
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    return await self._exchange(transport, parsed, url, headers)
            except TimeoutError as exc:
                raise FetchError("timeout", url=url, detail="total timeout") from exc
            except BlockedAddressError as exc:  # raised at connect time by GuardedBackend
                raise BlockedAddressError(exc.reason, url=url, detail=exc.detail) from None
            except httpx.TimeoutException as exc:
                raise FetchError("timeout", url=url, detail=type(exc).__name__) from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError("invalid_url", url=url, detail=str(exc)) from exc
            except httpx.ConnectError as exc:
                raise FetchError("connect_error", url=url, detail=str(exc)) from exc
            except httpx.TransportError as exc:
                raise FetchError("network_error", url=url, detail=type(exc).__name__) from exc

    async def _exchange(
        self,
        transport: httpx.AsyncBaseTransport,
        parsed: httpx.URL,
        url: str,
        headers: dict[str, str],
    ) -> _Exchange:
        """One request, sent straight to the transport: httpx.AsyncClient's per-request work
        (merging settings, cookies, auth and redirect hooks, none of which we use) cost a
        fifth of the fetching CPU of a poll."""
        request = httpx.Request("GET", parsed, headers=headers, extensions=self._extensions)
        response = await transport.handle_async_request(request)
        try:
            status = response.status_code
            body = b""
            # Only a success carries a body we use; error pages and redirect stubs are not read.
            if 200 <= status < 300:
                reader = BodyReader(self._body_limits, url)
                try:
                    body = await reader.read(response)
                finally:
                    self.stats.bytes_received += reader.raw_bytes
            return _Exchange(status, response.headers, body)
        finally:
            await response.aclose()

    def _result(
        self,
        url: str,
        exchange: _Exchange,
        etag: str | None,
        last_modified: str | None,
        previous_body_hash: str | None,
    ) -> FetchResult:
        headers = exchange.headers
        content_type, charset = _parse_content_type(headers.get("content-type", ""))
        if exchange.status == 304:
            self.stats.not_modified += 1
            # Echo what the caller sent when the 304 omits it, so saving the result back
            # never erases a validator or the previous hash.
            return FetchResult(
                url=url,
                status=304,
                body=b"",
                content_type=content_type,
                charset=charset,
                etag=headers.get("etag") or etag,
                last_modified=headers.get("last-modified") or last_modified,
                body_hash=previous_body_hash or hashlib.sha256(b"").hexdigest(),
                not_modified=True,
                permanent_redirect=None,
                elapsed=0.0,
                attempts=1,
            )
        body_hash = hashlib.sha256(exchange.body).hexdigest()
        same = previous_body_hash is not None and body_hash == previous_body_hash
        if same:
            self.stats.not_modified += 1
        return FetchResult(
            url=url,
            status=exchange.status,
            body=exchange.body,
            content_type=content_type,
            charset=charset,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            body_hash=body_hash,
            not_modified=same,
            permanent_redirect=None,
            elapsed=0.0,
            attempts=1,
        )


def _host_key(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _parse_content_type(value: str) -> tuple[str, str | None]:
    """'application/rss+xml; charset="windows-1256"' -> ('application/rss+xml', 'windows-1256')."""
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset" and raw.strip().strip("\"'"):
            charset = raw.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset
