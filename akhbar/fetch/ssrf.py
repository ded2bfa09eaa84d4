"""SSRF guard: refuse URLs that lead into our own network (loopback, LAN, cloud metadata, ...).

A feed URL comes from a user or from another site (a redirect, a discovered link), so it may
name `http://169.254.169.254/` or a host whose DNS answer is `127.0.0.1`. The guard works in
two places, both on the *resolved* address, never on the spelling of the host:

1. `AddressGuard.check_url` runs before every request and before every redirect hop: the scheme
   must be http or https, and every address the host resolves to must be public (or inside an
   explicitly allowed network). One bad address refuses the whole host, because the connector
   could otherwise pick it.
2. `GuardedBackend`, the network backend of the fetcher's transport, connects to the addresses
   step 1 checked (shared through a short-lived cache), not to the host name. A DNS answer that
   changes between the check and the connect (DNS rebinding) therefore cannot steer the socket
   to 127.0.0.1; if the cache entry expired meanwhile, the backend resolves and checks again.
   TLS still verifies the certificate against the host name (httpcore sends it as SNI).

No proxy is used (the client has trust_env=False): behind a proxy the guard would see the
proxy's address instead of the target's (miniflux #4456).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
import typing
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from akhbar.errors import BlockedAddressError, FetchError
from akhbar.fetch.pool import IdleCheckBackend, KeepAlivePool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
RESOLVE_TTL = 30.0  # seconds a checked DNS answer is reused; also the rebinding-safe window


def is_blocked_address(address: IPAddress) -> bool:
    """True for every address a public feed cannot legitimately live on."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1 and the 6to4/Teredo forms reach the embedded IPv4 address.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None and is_blocked_address(embedded):
            return True
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        # not is_global also catches shared address space (100.64/10, carrier-grade NAT).
        or not address.is_global
    )


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in resolver order, without duplicates."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class AddressGuard:
    """Resolves hosts and refuses blocked addresses; caches checked answers for RESOLVE_TTL."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_networks: Iterable[str] = (),
        resolver: Resolver = resolve_host,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = RESOLVE_TTL,
    ) -> None:
        self.allow_private = allow_private
        self._allowed: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in allowed_networks
        )
        self._resolver = resolver
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[str, tuple[float, list[str]]] = {}

    async def check_url(self, url: str) -> httpx.URL:
        """Refuse (BlockedAddressError) unless `url` is http(s) to a host with public addresses;
        the parsed URL comes back, so that the request does not parse it again."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError("invalid_url", url=url, detail=str(exc)) from exc
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise BlockedAddressError("unsupported_scheme", url=url, detail=parsed.scheme or "none")
        # raw_host is the ASCII (IDNA) form that httpcore later hands to GuardedBackend, so an
        # Arabic domain name hits the same cache entry in both places.
        host = parsed.raw_host.decode("ascii")
        if not host:
            raise FetchError("invalid_url", url=url, detail="no host")
        if self.allow_private:
            return parsed
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            await self.resolve_checked(host, port)
        except BlockedAddressError as exc:
            raise BlockedAddressError(exc.reason, url=url, detail=exc.detail) from None
        except OSError as exc:  # socket.gaierror: no such host, resolver unreachable
            raise FetchError("dns_error", url=url, detail=str(exc)) from exc
        return parsed

    async def resolve_checked(self, host: str, port: int) -> list[str]:
        """Addresses of `host`, all checked; raises BlockedAddressError if any is blocked."""
        key = host.lower().strip("[]")
        cached = self._cache.get(key)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        addresses = [key] if _is_ip_literal(key) else await self._resolver(key, port)
        if not addresses:
            raise FetchError("dns_error", url=host, detail="no addresses")
        for text in addresses:
            if self._is_refused(ipaddress.ip_address(text.split("%")[0])):
                raise BlockedAddressError("blocked_address", url=host, detail=f"{host} -> {text}")
        self._cache[key] = (self._clock() + self._ttl, addresses)
        return addresses

    def _is_refused(self, address: IPAddress) -> bool:
        if not is_blocked_address(address):
            return False
        return not any(address in network for network in self._allowed)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to addresses the guard has checked."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._backend = IdleCheckBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._guard.resolve_checked(host, port)
        last_error: Exception | None = None
        # Try each checked address in resolver order, as a normal connector would.
        for address in addresses:
            try:
                return await self._backend.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None  # resolve_checked never returns an empty list
        raise last_error

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def guarded_transport(
    guard: AddressGuard, *, limits: httpx.Limits, verify: bool = True
) -> httpx.AsyncHTTPTransport:
    """An httpx transport over a KeepAlivePool whose connections go through GuardedBackend
    (when the guard is on). `limits.max_connections` is not enforced here: the fetcher's
    HostLimiter bounds the requests in flight."""
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False, verify=verify)
    # httpx has no public hook for the pool or the network backend, so replace its connection
    # pool with ours (httpcore's public connection class; pinned by the httpx/httpcore ranges).
    # The transport only calls handle_async_request, aclose and the async context methods,
    # which KeepAlivePool has; it is not an AsyncConnectionPool subclass, hence the ignore.
    transport._pool = KeepAlivePool(  # type: ignore[assignment]
        ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
        max_idle=limits.max_keepalive_connections or 0,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=IdleCheckBackend() if guard.allow_private else GuardedBackend(guard),
    )
    return transport
