"""Retries with backoff and jitter, Retry-After, and which failures are not retried."""

from __future__ import annotations

import random
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from akhbar.errors import FetchError
from akhbar.fetch.limits import backoff_delay, parse_retry_after
from tests.fetch.helpers import RecordingSleep, fetch_once, settings
from tests.fetch.server import FixtureServer, Handler, Request, Response


def failing_then_ok(failures: int, status: int = 500, **headers: str) -> Handler:
    count = {"n": 0}

    def route(_request: Request) -> Response:
        count["n"] += 1
        if count["n"] <= failures:
            return Response(status, b"busy", dict(headers))
        return Response(body=b"ok")

    return route


def test_500_then_success_is_retried_once(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = failing_then_ok(1)
    sleep = RecordingSleep()
    result = fetch_once(http_server.url("/feed"), sleep=sleep)
    assert (result.status, result.body, result.attempts) == (200, b"ok", 2)
    assert len(sleep.delays) == 1
    assert 0.5 <= sleep.delays[0] <= 1.0  # base 1 s, equal jitter


def test_persistent_500_gives_up_after_retries_with_growing_delays(
    http_server: FixtureServer,
) -> None:
    http_server.routes["/feed"] = lambda r: Response(500)
    sleep = RecordingSleep()
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/feed"), settings(retries=3), sleep=sleep)
    assert info.value.reason == "http_500"
    assert len(http_server.requests) == 4
    assert len(sleep.delays) == 3
    for n, delay in enumerate(sleep.delays):
        assert 2**n / 2 <= delay <= 2**n  # 1, 2, 4 s ceilings


def test_429_retry_after_seconds_is_honoured(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = failing_then_ok(1, 429, **{"Retry-After": "7"})
    sleep = RecordingSleep()
    result = fetch_once(http_server.url("/feed"), sleep=sleep)
    assert result.attempts == 2
    assert sleep.delays == [7.0]


def test_503_retry_after_http_date_is_honoured(http_server: FixtureServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    http_server.routes["/feed"] = failing_then_ok(1, 503, **{"Retry-After": when})
    sleep = RecordingSleep()
    fetch_once(http_server.url("/feed"), sleep=sleep)
    assert len(sleep.delays) == 1
    assert 27 <= sleep.delays[0] <= 30


def test_retry_after_over_the_cap_gives_up_at_once(http_server: FixtureServer) -> None:
    http_server.routes["/feed"] = lambda r: Response(429, headers={"Retry-After": "3600"})
    sleep = RecordingSleep()
    with pytest.raises(FetchError) as info:
        fetch_once(http_server.url("/feed"), settings(max_retry_after=120), sleep=sleep)
    assert info.value.reason == "http_429"
    assert "retry_after=3600" in info.value.detail
    assert sleep.delays == []
    assert len(http_server.requests) == 1


def test_read_timeout_is_retried(http_server: FixtureServer) -> None:
    count = {"n": 0}

    def route(_request: Request) -> Response:
        count["n"] += 1
        return Response(body=b"ok", delay=2.0 if count["n"] == 1 else 0.0)

    http_server.routes["/feed"] = route
    sleep = RecordingSleep()
    result = fetch_once(http_server.url("/feed"), settings(read_timeout=0.3), sleep=sleep)
    assert (result.body, result.attempts, len(sleep.delays)) == (b"ok", 2, 1)


def test_connection_refused_is_connect_error_after_retries() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleep = RecordingSleep()
    with pytest.raises(FetchError) as info:
        fetch_once(f"http://127.0.0.1:{port}/feed", settings(retries=2), sleep=sleep)
    assert info.value.reason == "connect_error"
    assert len(sleep.delays) == 2


def test_backoff_is_capped() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, base=1.0, cap=60.0, rng=rng) for n in range(1, 12)]
    assert all(d <= 60.0 for d in delays)
    assert delays[-1] >= 30.0  # capped ceiling 60, equal jitter keeps half


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 01 Jan 2025 10:01:00 GMT", 60.0),
        ("Wed, 01 Jan 2025 09:00:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2025, 1, 1, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected
