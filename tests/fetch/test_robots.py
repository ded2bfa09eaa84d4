"""robots.txt is honoured for pages only, fetched once per origin, and never blocks on failure."""

from __future__ import annotations

import asyncio
import logging

import pytest

from akhbar.errors import FetchError
from akhbar.fetch import Fetcher, FetchResult
from tests.fetch.helpers import fetch_once, settings
from tests.fetch.server import FixtureServer, Response

ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: akhbar\nDisallow: /no-akhbar/\n"


def page(_request: object) -> Response:
    return Response(
        body="<html lang='ar'>مقال</html>".encode(), headers={"Content-Type": "text/html"}
    )


def robots_server(server: FixtureServer, body: bytes = ROBOTS, status: int = 200) -> None:
    server.routes["/robots.txt"] = lambda r: Response(status, body)
    for path in ("/private/a", "/no-akhbar/a", "/news/a", "/news/b"):
        server.routes[path] = page


@pytest.mark.parametrize(
    ("robots", "path"),
    [
        (b"User-agent: *\nDisallow: /private/\n", "/private/a"),
        (ROBOTS, "/no-akhbar/a"),  # the group naming akhbar is the one that applies
    ],
)
def test_disallowed_page_is_refused_and_never_requested(
    http_server: FixtureServer, robots: bytes, path: str
) -> None:
    robots_server(http_server, robots)
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url(path), kind="page")
    assert info.value.reason == "robots_disallowed"
    assert http_server.hits(path) == 0
    assert http_server.hits("/robots.txt") == 1


def test_specific_group_for_akhbar_replaces_the_star_group(http_server: FixtureServer) -> None:
    robots_server(http_server)
    assert fetch_once(http_server.url("/private/a"), kind="page").status == 200


def test_feeds_are_not_subject_to_robots(http_server: FixtureServer) -> None:
    robots_server(http_server)
    assert fetch_once(http_server.url("/no-akhbar/a"), kind="feed").status == 200
    assert http_server.hits("/robots.txt") == 0


def test_robots_is_fetched_once_per_origin(http_server: FixtureServer) -> None:
    robots_server(http_server)

    async def go() -> list[FetchResult]:
        async with Fetcher(settings()) as fetcher:
            return list(
                await asyncio.gather(
                    fetcher.fetch(http_server.url("/news/a"), kind="page"),
                    fetcher.fetch(http_server.url("/news/b"), kind="page"),
                    fetcher.fetch(http_server.url("/news/a"), kind="page"),
                )
            )

    results = asyncio.run(go())
    assert [r.status for r in results] == [200, 200, 200]
    assert http_server.hits("/robots.txt") == 1


def test_missing_robots_allows_everything(http_server: FixtureServer) -> None:
    robots_server(http_server)
    del http_server.routes["/robots.txt"]  # the fixture server answers 404
    assert fetch_once(http_server.url("/private/a"), kind="page").status == 200


def test_failing_robots_allows_and_logs(
    http_server: FixtureServer, caplog: pytest.LogCaptureFixture
) -> None:
    robots_server(http_server, b"down", status=503)
    with caplog.at_level(logging.WARNING, logger="akhbar.fetch"):
        result = fetch_once(http_server.url("/private/a"), settings(retries=0), kind="page")
    assert result.status == 200
    assert any("fetch.robots_failed" in record.getMessage() for record in caplog.records)


def test_crawl_delay_spaces_page_requests(http_server: FixtureServer) -> None:
    robots_server(http_server, b"User-agent: *\nCrawl-delay: 1\n")

    async def go() -> None:
        async with Fetcher(settings(per_host_concurrency=2)) as fetcher:
            await fetcher.fetch(http_server.url("/news/a"), kind="page")
            await fetcher.fetch(http_server.url("/news/b"), kind="page")

    asyncio.run(go())
    starts = [r.received_at for r in http_server.requests if r.path.startswith("/news/")]
    assert starts[1] - starts[0] >= 0.95  # robotparser reads whole seconds only
