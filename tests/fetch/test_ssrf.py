"""The SSRF guard refuses private targets before any connection, on every hop.

No test here may send a packet to a non-loopback address: the private literals (10.0.0.1, ...)
are only ever tried through an `httpx.MockTransport` that records what reached it, so even a
broken guard cannot make traffic leave the machine.
"""

from __future__ import annotations

import asyncio
import ipaddress

import httpx
import pytest

from akhbar.errors import BlockedAddressError, FetchError
from akhbar.fetch import is_blocked_address
from akhbar.fetch.ssrf import AddressGuard, GuardedBackend
from tests.fetch.helpers import fetch_once, settings, static_resolver
from tests.fetch.server import FixtureServer, Response

GUARDED = settings(allow_private_addresses=False)


class Recorder:
    """A MockTransport handler that records requests and redirects public.test -> a target."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.urls: list[str] = []
        self.redirect_to = redirect_to

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        if self.redirect_to:
            return httpx.Response(302, headers={"Location": self.redirect_to})
        return httpx.Response(200, content=b"ok")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "2002:0a00:0001::1",  # 6to4 wrapping 10.0.0.1
    ],
)
def test_private_and_special_addresses_are_blocked(address: str) -> None:
    assert is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111"])
def test_public_addresses_are_not_blocked(address: str) -> None:
    assert not is_blocked_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_urls_are_refused_before_connecting(http_server: FixtureServer, host: str) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"secret")
    with pytest.raises(BlockedAddressError) as info:
        fetch_once(http_server.url("/feed", host), GUARDED)
    assert info.value.reason == "blocked_address"
    assert http_server.requests == []


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.1/feed", "http://169.254.169.254/latest/meta-data/", "https://[fd00::1]/"],
)
def test_private_literals_never_reach_the_transport(url: str) -> None:
    recorder = Recorder()
    with pytest.raises(BlockedAddressError):
        fetch_once(url, GUARDED, transport=httpx.MockTransport(recorder))
    assert recorder.urls == []


def test_hostname_resolving_to_a_private_address_is_refused() -> None:
    recorder = Recorder()
    resolver = static_resolver({"intranet.test": ["93.184.216.34", "10.1.2.3"]})
    with pytest.raises(BlockedAddressError) as info:
        fetch_once(
            "http://intranet.test/feed",
            GUARDED,
            resolver=resolver,
            transport=httpx.MockTransport(recorder),
        )
    assert "10.1.2.3" in info.value.detail  # one bad address refuses the whole host
    assert recorder.urls == []


def test_redirect_hop_to_a_private_address_is_refused() -> None:
    recorder = Recorder(redirect_to="http://10.0.0.1/admin")
    resolver = static_resolver({"public.test": ["93.184.216.34"]})
    with pytest.raises(BlockedAddressError) as info:
        fetch_once(
            "http://public.test/feed",
            GUARDED,
            resolver=resolver,
            transport=httpx.MockTransport(recorder),
        )
    assert info.value.url == "http://10.0.0.1/admin"
    assert recorder.urls == ["http://public.test/feed"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed", "gopher://x/", "javascript:alert(1)"]
)
def test_non_http_schemes_are_refused(url: str) -> None:
    recorder = Recorder()
    with pytest.raises(BlockedAddressError) as info:
        fetch_once(url, settings(), transport=httpx.MockTransport(recorder))
    assert info.value.reason == "unsupported_scheme"
    assert recorder.urls == []


def test_loopback_is_allowed_when_private_addresses_are_allowed(
    http_server: FixtureServer,
) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"ok")
    for host in ("127.0.0.1", "localhost"):
        assert fetch_once(http_server.url("/feed", host), settings()).body == b"ok"


def test_allowed_network_lets_a_lan_feed_through_and_connects_to_the_checked_address(
    http_server: FixtureServer,
) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"ok")
    resolver = static_resolver({"news.test": ["127.0.0.1"]})
    guarded = settings(allow_private_addresses=False, allowed_networks=("127.0.0.0/8",))
    result = fetch_once(http_server.url("/feed", "news.test"), guarded, resolver=resolver)
    assert result.body == b"ok"
    assert http_server.requests[0].headers["host"] == f"news.test:{http_server.port}"


def test_connection_goes_to_the_checked_address_even_if_dns_changes(
    http_server: FixtureServer,
) -> None:
    """DNS rebinding: the first answer passes the check, later answers point elsewhere."""
    http_server.routes["/feed"] = lambda r: Response(body=b"ok")
    answers = [["127.0.0.1"], ["10.0.0.1"]]
    calls: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    guarded = settings(allow_private_addresses=False, allowed_networks=("127.0.0.1/32",))
    result = fetch_once(http_server.url("/feed", "rebind.test"), guarded, resolver=rebinding)
    assert result.body == b"ok"
    assert calls == ["rebind.test"]  # resolved once; the socket used that checked answer


def test_backend_checks_again_when_the_checked_answer_expired() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["10.0.0.1"]

    guard = AddressGuard(resolver=resolver, ttl=0.0)
    with pytest.raises(BlockedAddressError):
        asyncio.run(GuardedBackend(guard).connect_tcp("late.test", 80, timeout=1.0))


def test_unresolvable_host_is_dns_error() -> None:
    with pytest.raises(FetchError) as info:
        fetch_once("http://nowhere.test/feed", GUARDED, resolver=static_resolver({}))
    assert info.value.reason == "dns_error"


def test_arabic_domain_is_checked_and_pinned_in_its_idna_form(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"ok")
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    guarded = settings(allow_private_addresses=False, allowed_networks=("127.0.0.1/32",))
    result = fetch_once(http_server.url("/feed", "مثال.السعودية"), guarded, resolver=resolver)
    assert result.body == b"ok"
    assert calls == ["xn--mgbh0fb.xn--mgberp4a5d4ar"]  # one lookup, shared by check and connect
