"""Conditional GET, body hashes, headers, encodings and redirects against a real local server."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import zlib

import brotli
import pytest

from akhbar import __version__
from akhbar.errors import BlockedAddressError, FetchError
from akhbar.fetch import Fetcher
from tests.fetch.helpers import fetch_once, settings
from tests.fetch.server import FixtureServer, Request, Response

FEED = "<rss><channel><title>أخبار</title></channel></rss>".encode()


def etag_route(request: Request) -> Response:
    if request.headers.get("if-none-match") == '"v1"':
        return Response(304, headers={"ETag": '"v1"'})
    return Response(body=FEED, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})


def test_etag_then_304(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = etag_route
    first = fetch_once(http_server.url("/feed"))
    assert (first.status, first.body, first.etag, first.not_modified) == (200, FEED, '"v1"', False)
    assert first.body_hash == hashlib.sha256(FEED).hexdigest()

    second = fetch_once(
        http_server.url("/feed"), etag=first.etag, previous_body_hash=first.body_hash
    )
    assert second.status == 304
    assert second.not_modified is True
    assert second.body == b""
    assert second.etag == '"v1"'
    assert second.body_hash == first.body_hash  # a caller saving it back keeps the right hash
    assert http_server.requests[1].headers["if-none-match"] == '"v1"'
    assert "if-none-match" not in http_server.requests[0].headers


def test_last_modified_then_304(http_server: FixtureServer) -> None:
    stamp = "Wed, 01 Jan 2025 10:00:00 GMT"

    def route(request: Request) -> Response:
        if request.headers.get("if-modified-since") == stamp:
            return Response(304)  # no Last-Modified echoed: the fetcher keeps the caller's
        return Response(body=FEED, headers={"Last-Modified": stamp})

    http_server.routes["/feed"] = route
    first = fetch_once(http_server.url("/feed"))
    assert first.last_modified == stamp
    second = fetch_once(http_server.url("/feed"), last_modified=first.last_modified)
    assert (second.status, second.not_modified, second.last_modified) == (304, True, stamp)


def test_not_modified_by_body_hash_when_server_ignores_validators(
    http_server: FixtureServer,
) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=FEED, headers={"ETag": '"always-new"'})
    first = fetch_once(http_server.url("/feed"))
    same = fetch_once(http_server.url("/feed"), etag='"old"', previous_body_hash=first.body_hash)
    assert (same.status, same.not_modified, same.body) == (200, True, FEED)
    changed = fetch_once(http_server.url("/feed"), previous_body_hash="0" * 64)
    assert changed.not_modified is False


def test_content_type_and_charset_from_header(http_server: FixtureServer) -> None:
    headers = {"Content-Type": 'application/RSS+xml; charset="Windows-1256"'}
    http_server.routes["/feed"] = lambda r: Response(body=FEED, headers=headers)
    result = fetch_once(http_server.url("/feed"))
    assert (result.content_type, result.charset) == ("application/rss+xml", "windows-1256")


def test_user_agent_names_akhbar_and_its_version(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=FEED)
    fetch_once(http_server.url("/feed"))
    agent = http_server.requests[0].headers["user-agent"]
    assert agent.startswith(f"akhbar/{__version__} ")
    assert "news aggregator" in agent
    assert set(http_server.requests[0].headers["accept-encoding"].split(", ")) == {
        "gzip",
        "deflate",
        "br",
    }


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("br", brotli.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw, as some servers send
    ],
)
def test_compressed_bodies_are_decoded(
    http_server: FixtureServer, coding: str, compress: object
) -> None:
    body = FEED * 500
    assert callable(compress)
    packed = compress(body)
    http_server.routes["/feed"] = lambda r: Response(
        body=packed, headers={"Content-Encoding": coding}
    )
    result = fetch_once(http_server.url("/feed"))
    assert result.body == body
    assert result.body_hash == hashlib.sha256(body).hexdigest()


def test_unknown_content_encoding_is_refused(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=b"x", headers={"Content-Encoding": "zz"})
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/feed"))
    assert info.value.reason == "unsupported_encoding"


def redirect(to: str, status: int) -> Response:
    return Response(status, headers={"Location": to})


def test_301_sets_permanent_redirect(http_server: FixtureServer) -> None:
    http_server.routes["/old"] = lambda r: redirect("/new", 301)
    http_server.routes["/new"] = lambda r: Response(body=FEED)
    result = fetch_once(http_server.url("/old"))
    assert result.url == http_server.url("/new")
    assert result.permanent_redirect == http_server.url("/new")
    assert result.body == FEED


def test_308_chain_is_permanent_but_a_302_anywhere_is_not(http_server: FixtureServer) -> None:
    http_server.routes["/a"] = lambda r: redirect("/b", 308)
    http_server.routes["/b"] = lambda r: redirect(http_server.url("/c"), 301)
    http_server.routes["/c"] = lambda r: Response(body=FEED)
    http_server.routes["/t"] = lambda r: redirect("/a", 302)
    assert fetch_once(http_server.url("/a")).permanent_redirect == http_server.url("/c")
    temporary = fetch_once(http_server.url("/t"))
    assert temporary.url == http_server.url("/c")
    assert temporary.permanent_redirect is None


def test_302_is_followed_but_not_permanent(http_server: FixtureServer) -> None:
    http_server.routes["/tmp"] = lambda r: redirect("/feed", 302)
    http_server.routes["/feed"] = lambda r: Response(body=FEED)
    result = fetch_once(http_server.url("/tmp"))
    assert (result.url, result.permanent_redirect) == (http_server.url("/feed"), None)


def test_redirect_loop_stops_after_max_redirects(http_server: FixtureServer) -> None:
    http_server.routes["/a"] = lambda r: redirect("/b", 302)
    http_server.routes["/b"] = lambda r: redirect("/a", 301)
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/a"), settings(max_redirects=5))
    assert info.value.reason == "too_many_redirects"
    assert len(http_server.requests) == 6  # the first request and five hops, then no more


def test_redirect_without_location_is_bad_redirect(http_server: FixtureServer) -> None:
    http_server.routes["/a"] = lambda r: Response(302)
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/a"))
    assert info.value.reason == "bad_redirect"


def test_redirect_to_file_scheme_is_refused(http_server: FixtureServer) -> None:
    http_server.routes["/a"] = lambda r: redirect("file:///etc/passwd", 302)
    with pytest.raises(BlockedAddressError) as info:
        fetch_once(http_server.url("/a"))
    assert info.value.reason == "unsupported_scheme"


def test_404_is_not_retried(http_server: FixtureServer) -> None:
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/missing"))
    assert info.value.reason == "http_404"
    assert len(http_server.requests) == 1


def test_fetch_outside_context_manager_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        asyncio.run(Fetcher(settings()).fetch("http://127.0.0.1:9/"))


def test_cookies_are_not_kept_between_requests(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(body=FEED, headers={"Set-Cookie": "s=1"})
    http_server.routes["/old"] = lambda r: Response(
        302, headers={"Location": "/feed", "Set-Cookie": "t=2"}
    )

    async def go() -> None:
        async with Fetcher(settings()) as fetcher:
            await fetcher.fetch(http_server.url("/old"))
            await fetcher.fetch(http_server.url("/feed"))

    asyncio.run(go())
    assert len(http_server.requests) == 3
    assert all("cookie" not in r.headers for r in http_server.requests)
