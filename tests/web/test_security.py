"""Admin token, sessions, CSRF, rate limits and write endpoints."""

from __future__ import annotations

import hmac
import re

import pytest

from akhbar.web.security import Keys, Rate, RateLimiter
from tests.fetch.server import Response, serve
from tests.web.conftest import TOKEN, Corpus, TestClient

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>صحيفة الاختبار</title><link>http://example.test/</link>
<description>أخبار</description>
<item><title>خبر تجريبي عن الأمطار</title><link>http://example.test/1</link>
<description>نص الخبر التجريبي.</description></item></channel></rss>""".encode()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found, "no CSRF field in the form"
    return found.group(1)


def login(client: TestClient) -> str:
    page = client.get("/admin/sources").text
    token = csrf_of(page)
    r = client.post(
        "/admin/login", data={"token": TOKEN, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    return token


def test_admin_page_needs_login(client: TestClient) -> None:
    r = client.get("/admin/sources")
    assert r.status_code == 401 and 'name="token"' in r.text


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/admin/sources")  # sets the CSRF cookie
    r = client.post("/admin/login", data={"token": TOKEN})
    assert r.status_code == 403
    r = client.post("/admin/login", data={"token": TOKEN, "csrf_token": "0" * 64})
    assert r.status_code == 403


def test_login_with_wrong_token_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/admin/sources").text)
    r = client.post("/admin/login", data={"token": "wrong", "csrf_token": token})
    assert r.status_code == 401 and "رمز غير صحيح" in r.text
    assert client.get("/admin/sources").status_code == 401


def test_login_then_toggle_feed_with_csrf(client: TestClient, corpus: Corpus) -> None:
    login(client)
    page = client.get("/admin/sources")
    assert page.status_code == 200 and "https://aawsat.example/feed.xml" in page.text
    token = csrf_of(page.text)
    url = f"/admin/feeds/{corpus.ids['feed']}/enabled"
    assert client.post(url, data={"enabled": "0"}).status_code == 403  # no CSRF token
    r = client.post(url, data={"enabled": "0", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert ">تفعيل<" in client.get("/admin/sources").text  # now offers to enable it


def test_admin_token_is_compared_in_constant_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)  # security.py calls hmac.compare_digest
    client.post("/api/v1/poll", headers={"Authorization": "Bearer nope"}, json={})
    assert (b"nope", TOKEN.encode()) in calls


def test_write_api_requires_bearer_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        r = client.post("/api/v1/sources", json={"url": "https://x.example/"}, headers=headers)
        assert r.status_code == 401
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_session_cookie_does_not_authorise_the_api(client: TestClient) -> None:
    login(client)
    r = client.post("/api/v1/feeds/1", json={"enabled": False})
    assert r.status_code == 401


def test_write_api_off_without_admin_token(make_client) -> None:
    client = make_client(admin_token="")
    r = client.post("/api/v1/poll", headers={"Authorization": "Bearer "}, json={})
    assert r.status_code in (401, 403)
    assert client.get("/admin/sources").status_code == 403


def test_api_toggles_feed_with_bearer(client: TestClient, corpus: Corpus) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post(f"/api/v1/feeds/{corpus.ids['feed']}", json={"enabled": False}, headers=auth)
    assert r.status_code == 200 and r.json() == {"id": corpus.ids["feed"], "enabled": False}
    assert client.post("/api/v1/feeds/999", json={"enabled": True}, headers=auth).status_code == 404
    bad = client.post(f"/api/v1/feeds/{corpus.ids['feed']}", content=b"[1", headers=auth)
    assert bad.status_code == 400


def test_api_adds_a_source_from_a_local_feed(make_client) -> None:
    client = make_client(allow_private_addresses=True)
    with serve(
        {"/feed.xml": lambda _: Response(200, RSS, {"Content-Type": "application/rss+xml"})}
    ) as server:
        r = client.post(
            "/api/v1/sources",
            json={"url": server.url("/feed.xml")},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert r.status_code == 201, r.text
    assert r.json()["feeds"][0]["added"] is True
    names = [s["name"] for s in client.get("/api/v1/sources").json()["items"]]
    assert "صحيفة الاختبار" in names


def test_search_rate_limit_returns_429_problem(make_client) -> None:
    client = make_client(rates={"search": Rate(0.001, 2), "write": Rate(0.001, 2)})
    assert client.get("/api/v1/search?q=معرض").status_code == 200
    assert client.get("/api/v1/search?q=معرض").status_code == 200
    r = client.get("/api/v1/search?q=معرض")
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert int(r.headers["retry-after"]) > 0
    assert client.get("/search?q=معرض").status_code == 429  # the HTML page shares the bucket


def test_write_rate_limit(make_client) -> None:
    client = make_client(rates={"search": Rate(1, 1), "write": Rate(0.001, 1)})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/v1/feeds/999", json={"enabled": True}, headers=auth).status_code == 404
    assert client.post("/api/v1/feeds/999", json={"enabled": True}, headers=auth).status_code == 429


def test_rate_limiter_refills_and_bounds_memory() -> None:
    limiter = RateLimiter({"b": Rate(per_second=1.0, burst=1)}, max_clients=3)
    assert limiter.allow("b", "a", now=0.0)[0]
    assert not limiter.allow("b", "a", now=0.5)[0]
    assert limiter.allow("b", "a", now=1.6)[0]
    for ip in ("b", "c", "d", "e"):
        limiter.allow("b", ip, now=2.0)
    assert len(limiter._buckets) == 3


def test_session_signature_and_expiry() -> None:
    keys = Keys("k")
    session = keys.make_session(now=1000.0)
    assert keys.session_valid(session, now=1001.0)
    assert not keys.session_valid(session, now=1000.0 + 13 * 3600)
    assert not keys.session_valid(session[:-1] + "0", now=1001.0)
    assert not Keys("other").session_valid(session, now=1001.0)


def test_unexpected_errors_hide_details(make_client, monkeypatch) -> None:
    from akhbar.web.routes import api

    def boom(*_args: object, **_kw: object) -> None:
        raise RuntimeError("secret internal detail")

    client = make_client()
    monkeypatch.setattr(api, "article_view", boom)
    client_quiet = TestClient(client.app, raise_server_exceptions=False)
    r = client_quiet.get("/api/v1/articles/1")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "secret" not in r.text and "Traceback" not in r.text
