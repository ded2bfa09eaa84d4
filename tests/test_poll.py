"""Polling end to end against a local site: sources add, fetch, 304, failures, redirects,
robots.txt, SSRF, and that one bad source never holds up the others."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import orjson
import pytest
from click.testing import CliRunner

from akhbar.cli import cli
from akhbar.config import Settings, load_settings
from akhbar.fetch import Fetcher, FetchSettings
from akhbar.pipeline.poll import FeedOutcome, Poller, poll_once
from akhbar.pipeline.sources import add_source_from_url
from akhbar.store import SQLiteStore
from tests.fetch.server import FixtureServer, Handler, Request, Response

FAST = FetchSettings(allow_private_addresses=True, per_host_min_delay=0.0, retries=0)

PARAGRAPHS = [
    "أعلنت هيئة الأرصاد الجوية في الأردن أن موجة من الأمطار الغزيرة ستضرب المملكة خلال الأيام"
    " الثلاثة المقبلة، مع انخفاض ملحوظ في درجات الحرارة في المرتفعات الجبلية والبادية.",
    "ودعت الهيئة المواطنين إلى توخي الحذر أثناء القيادة على الطرق الخارجية، وتجنب الأودية"
    " ومجاري السيول، ومتابعة النشرات الجوية التي تصدرها بشكل دوري عبر موقعها الإلكتروني.",
    "وقال مدير الهيئة في مؤتمر صحفي إن كميات الأمطار المتوقعة قد تتجاوز المعدلات الموسمية في"
    " عدد من المحافظات الشمالية، وإن فرق الدفاع المدني رفعت درجة الجاهزية في جميع المدن.",
]


def page_html(n: int) -> bytes:
    body = "".join(f"<p>{p} ({n})</p>" for p in PARAGRAPHS)
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>أمطار غزيرة متوقعة في الأردن {n}</title>"
        '<meta property="article:published_time" content="2024-01-1%dT09:30:00+03:00">'
        '<meta name="keywords" content="الأردن، أمطار, الطقس">'
        % (n % 10)
        + "</head><body><nav><a href='/'>الرئيسية</a></nav><article>"
        f"<h1>أمطار غزيرة متوقعة في الأردن {n}</h1>{body}"
        "<aside class='related'><h3>اقرأ أيضاً</h3><a href='/x'>خبر آخر لا علاقة له</a></aside>"
        "</article><footer>جميع الحقوق محفوظة</footer></body></html>"
    ).encode()


def rss(base: str, items: range, *, title: str = "موقع الطقس") -> bytes:
    entries = "".join(
        f"<item><title>أمطار غزيرة متوقعة في الأردن {i}</title>"
        f"<link>{base}/a/{i}?utm_source=rss</link>"
        f"<description>موجز الخبر {i}</description><category>الطقس</category>"
        f"<pubDate>{format_datetime(datetime(2024, 1, 10 + i % 10, 6, 30, tzinfo=UTC))}</pubDate>"
        "</item>"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def serve_site(server: FixtureServer, *, items: range = range(1, 4)) -> None:
    base = server.url("")
    server.routes["/feed.xml"] = lambda r: _conditional(r, rss(base, items))
    for i in items:
        server.routes[f"/a/{i}"] = _page_handler(i)
    server.routes["/robots.txt"] = lambda r: Response(404)


def _page_handler(i: int) -> Handler:
    def handle(_request: Request) -> Response:
        return Response(body=page_html(i), headers={"Content-Type": "text/html; charset=utf-8"})

    return handle


def _conditional(request: Request, body: bytes) -> Response:
    if request.headers.get("if-none-match") == '"v1"':
        return Response(304, headers={"ETag": '"v1"'})
    return Response(body=body, headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})


def settings(db: str) -> Settings:
    return dataclasses.replace(
        load_settings({"db": db}), allow_private_addresses=True, fetch_per_host_delay=0.0
    )


def poll(store: SQLiteStore, cfg: Settings, **kw: object) -> list[FeedOutcome]:
    async def go() -> list[FeedOutcome]:
        async with Fetcher(FAST) as fetcher:
            poller = Poller(store, cfg, fetcher=fetcher, **kw)  # type: ignore[arg-type]
            return (await poller.poll(store.list_feeds(include_disabled=False))).outcomes

    return asyncio.run(go())


def add(store: SQLiteStore, cfg: Settings, url: str, name: str | None = None) -> None:
    async def go() -> None:
        async with Fetcher(FAST) as fetcher:
            await add_source_from_url(store, cfg, url, name=name, fetcher=fetcher)

    asyncio.run(go())


def test_poll_stores_extracted_articles_then_answers_304(
    http_server: FixtureServer, store: SQLiteStore
) -> None:
    serve_site(http_server)
    cfg = settings(":memory:")
    add(store, cfg, http_server.url("/feed.xml"), name="الطقس اليوم")
    (first,) = poll(store, cfg)
    assert (first.status, first.new_articles, first.partial) == ("ok", 3, 0)
    articles = list(store.iter_articles())
    assert [a.source for a in articles] == ["الطقس اليوم"] * 3
    one = articles[0]
    assert one.url.endswith("/a/1?utm_source=rss") or one.url.endswith("/a/1")
    assert "utm_source" not in one.canonical_url
    assert one.published_at == datetime(2024, 1, 11, 6, 30, tzinfo=UTC)  # time of day kept
    assert "اقرأ أيضاً" not in one.body and "جميع الحقوق" not in one.body
    assert {t.display for t in one.tags} >= {"الأردن", "الطقس"}
    (second,) = poll(store, cfg)
    assert second.status == "not_modified"
    assert store.article_count() == 3
    feed = store.list_feeds()[0]
    assert feed.verified and feed.consecutive_failures == 0 and feed.etag == '"v1"'
    assert feed.next_poll is not None and feed.next_poll > datetime.now(UTC)


def test_known_urls_are_not_fetched_again(http_server: FixtureServer, store: SQLiteStore) -> None:
    serve_site(http_server)
    cfg = settings(":memory:")
    add(store, cfg, http_server.url("/feed.xml"))
    poll(store, cfg)
    http_server.routes["/feed.xml"] = lambda r: Response(
        body=rss(http_server.url(""), range(1, 5)), headers={"Content-Type": "application/rss+xml"}
    )
    http_server.routes["/a/4"] = lambda r: Response(body=page_html(4))
    hits_before = http_server.hits("/a/1")
    (outcome,) = poll(store, cfg)
    assert (outcome.new_articles, outcome.known) == (1, 3)
    assert http_server.hits("/a/1") == hits_before


def test_failing_source_is_recorded_and_does_not_hold_up_others(
    http_server: FixtureServer, store: SQLiteStore
) -> None:
    serve_site(http_server)
    http_server.routes["/broken.xml"] = lambda r: Response(500, b"oops")
    http_server.routes["/slow.xml"] = lambda r: Response(
        body=iter([b"<rss>"] + [b" "] * 100), chunk_delay=0.2
    )
    cfg = settings(":memory:")
    add(store, cfg, http_server.url("/feed.xml"), name="الطقس اليوم")
    src = store.source_by_key("الطقس اليوم")
    assert src is not None
    store.add_feed(src.id, http_server.url("/broken.xml"))
    store.add_feed(src.id, http_server.url("/slow.xml"))
    started = time.monotonic()

    async def go() -> list[FeedOutcome]:
        async with Fetcher(dataclasses.replace(FAST, total_timeout=2.0)) as fetcher:
            return (await Poller(store, cfg, fetcher=fetcher).poll(store.list_feeds())).outcomes

    outcomes = {o.url.rsplit("/", 1)[-1]: o for o in asyncio.run(go())}
    assert time.monotonic() - started < 10
    assert outcomes["feed.xml"].new_articles == 3
    assert outcomes["broken.xml"].status == "failed" and "http_500" in outcomes["broken.xml"].error
    assert outcomes["slow.xml"].status == "failed" and "timeout" in outcomes["slow.xml"].error
    broken = store.get_feed(http_server.url("/broken.xml"))
    assert broken.consecutive_failures == 1 and "http_500" in (broken.last_error or "")
    assert broken.enabled  # never disabled silently
    assert broken.next_poll is not None
    assert broken.next_poll < datetime.now(UTC) + timedelta(hours=7)


def test_permanent_redirect_updates_the_feed_url(
    http_server: FixtureServer, store: SQLiteStore
) -> None:
    serve_site(http_server)
    cfg = settings(":memory:")
    add(store, cfg, http_server.url("/feed.xml"))
    feed = store.list_feeds()[0]
    http_server.routes["/feed.xml"] = lambda r: Response(
        301, headers={"Location": http_server.url("/new-feed.xml")}
    )
    http_server.routes["/new-feed.xml"] = lambda r: Response(
        body=rss(http_server.url(""), range(1, 4)), headers={"Content-Type": "application/rss+xml"}
    )
    poll(store, cfg)
    assert store.get_feed(str(feed.id)).url == http_server.url("/new-feed.xml")


def test_page_disallowed_by_robots_falls_back_to_feed_text_marked_partial(
    http_server: FixtureServer, store: SQLiteStore
) -> None:
    serve_site(http_server, items=range(1, 2))
    http_server.routes["/robots.txt"] = lambda r: Response(
        body=b"User-agent: *\nDisallow: /a/\n", headers={"Content-Type": "text/plain"}
    )
    cfg = settings(":memory:")
    add(store, cfg, http_server.url("/feed.xml"))
    (outcome,) = poll(store, cfg)
    assert (outcome.new_articles, outcome.partial) == (1, 1)
    assert http_server.hits("/a/1") == 0
    (article,) = store.iter_articles()
    assert article.partial and article.body == "موجز الخبر 1"


def test_private_address_is_refused_unless_allowed(store: SQLiteStore) -> None:
    cfg = dataclasses.replace(load_settings({"db": ":memory:"}), allow_private_addresses=False)
    source = store.add_source("داخلي", "داخلي")
    store.add_feed(source.id, "http://127.0.0.1:9/feed.xml")
    report = asyncio.run(poll_once(store, cfg, all_feeds=True))
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and "blocked_address" in outcome.error


def test_sources_add_finds_feeds_on_a_homepage(
    http_server: FixtureServer, store: SQLiteStore
) -> None:
    serve_site(http_server)
    http_server.routes["/"] = lambda r: Response(
        body=(
            '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
            "</head><body>مرحبا</body></html>"
        ).encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    cfg = settings(":memory:")
    add(store, cfg, http_server.url("/"))
    (feed,) = store.list_feeds()
    assert feed.url == http_server.url("/feed.xml")
    assert feed.source_name == "موقع الطقس"  # the feed's own title
    assert not feed.verified  # until a poll succeeds


def test_cli_sources_list_json_and_fetch(
    http_server: FixtureServer, runner: CliRunner, db_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_site(http_server)
    monkeypatch.setenv("AKHBAR_ALLOW_PRIVATE_ADDRESSES", "1")
    monkeypatch.setenv("AKHBAR_FETCH_PER_HOST_DELAY", "0")
    added = runner.invoke(cli, ["--db", db_path, "sources", "add", http_server.url("/feed.xml"),
                                "--name", "الطقس اليوم"])  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added:" in added.output
    fetched = runner.invoke(cli, ["--db", db_path, "fetch", "-q"])
    assert fetched.exit_code == 0, fetched.output
    assert "3 new articles" in fetched.output
    listed = runner.invoke(cli, ["--db", db_path, "sources", "list", "--json"])
    (row,) = orjson.loads(listed.output)
    for key in ("name", "url", "kind", "last_success", "last_error", "consecutive_failures",
                "next_poll"):  # fmt: skip
        assert key in row
    assert row["name"] == "الطقس اليوم" and row["kind"] == "rss" and row["last_success"]
    exported = runner.invoke(cli, ["--db", db_path, "export", "--format", "jsonl"])
    assert len(exported.stdout.splitlines()) == 3
    disabled = runner.invoke(cli, ["--db", db_path, "sources", "disable", "الطقس اليوم"])
    assert disabled.exit_code == 0
    again = runner.invoke(cli, ["--db", db_path, "fetch", "--all", "-q"])
    assert "0 feeds polled" in again.output


def test_default_sources_load_unverified_and_fail_cleanly_offline(
    runner: CliRunner, db_path: str
) -> None:
    result = runner.invoke(cli, ["--db", db_path, "init", "--default-sources"])
    assert result.exit_code == 0, result.output
    listed = orjson.loads(runner.invoke(cli, ["--db", db_path, "sources", "list", "--json"]).output)
    assert len({r["name"] for r in listed}) >= 30
    assert not any(r["last_success"] for r in listed)


def test_opml_round_trip(runner: CliRunner, db_path: str, tmp_path: object) -> None:
    from pathlib import Path

    runner.invoke(cli, ["--db", db_path, "init", "--default-sources"])
    out = runner.invoke(cli, ["--db", db_path, "sources", "export-opml"])
    assert out.exit_code == 0
    opml = Path(str(tmp_path)) / "feeds.opml"
    opml.write_bytes(out.stdout_bytes)
    other = str(Path(str(tmp_path)) / "other.db")
    imported = runner.invoke(cli, ["--db", other, "sources", "import-opml", str(opml)])
    assert imported.exit_code == 0, imported.output
    first = {
        r["url"]
        for r in orjson.loads(
            runner.invoke(cli, ["--db", db_path, "sources", "list", "--json"]).output
        )
    }
    second = {
        r["url"]
        for r in orjson.loads(
            runner.invoke(cli, ["--db", other, "sources", "list", "--json"]).output
        )
    }
    assert first == second


def test_run_polls_and_serves_until_sigterm_then_exits_cleanly(
    http_server: FixtureServer, db_path: str
) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import urllib.request

    from akhbar.store import open_store

    serve_site(http_server)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "AKHBAR_DB": db_path,
        "AKHBAR_ALLOW_PRIVATE_ADDRESSES": "1",
        "AKHBAR_FETCH_PER_HOST_DELAY": "0",
        "AKHBAR_PORT": str(port),
    }
    add_cmd = [sys.executable, "-m", "akhbar", "sources", "add", http_server.url("/feed.xml")]
    subprocess.run(add_cmd, env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "akhbar", "run", "--idle", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    page = ""
    while time.monotonic() < deadline:
        with open_store(db_path) as store:
            stored = store.article_count()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                page = response.read().decode()
        except OSError:
            page = ""
        if stored == 3 and page:
            break
        time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped after" in out
    assert 'dir="rtl"' in page
    with open_store(db_path) as store:
        assert store.article_count() == 3
        assert store.list_feeds()[0].verified


class CountingIngestor:
    """Records the batches it is given; item i of each batch is 'new' when i is even."""

    def __init__(self, fail: bool = False) -> None:
        self.batches: list[int] = []
        self.fail = fail

    def ingest_prepared(self, batch: list[object], prepared: object) -> list[bool]:
        if self.fail:
            raise RuntimeError("disk full")
        self.batches.append(len(batch))
        return [i % 2 == 0 for i in range(len(batch))]


def raws(n: int) -> list[object]:
    return [object() for _ in range(n)]


def test_group_store_stores_waiting_feeds_in_one_batch_and_counts_each() -> None:
    from akhbar.pipeline.poll import GroupStore

    async def scenario() -> tuple[list[int], list[int]]:
        ingestor = CountingIngestor()
        group = GroupStore(ingestor)  # type: ignore[arg-type]
        runner = asyncio.create_task(group.run())
        await asyncio.sleep(0)
        # Three feeds arrive while storing is busy: they share the next batch.
        feeds = [asyncio.create_task(group.store(raws(n), None)) for n in (3, 2, 4)]  # type: ignore[arg-type]
        counts = await asyncio.gather(*feeds)
        runner.cancel()
        return ingestor.batches, counts

    batches, counts = asyncio.run(scenario())
    assert batches == [9]
    # Items 0, 2 are feed 1's new ones; 3..4 are feed 2's (4 is new); 5..8 feed 3's (6, 8).
    assert counts == [2, 1, 2]


def test_group_store_failure_reaches_every_waiting_feed_and_it_goes_on() -> None:
    from akhbar.pipeline.poll import GroupStore

    async def scenario() -> list[object]:
        ingestor = CountingIngestor(fail=True)
        group = GroupStore(ingestor)  # type: ignore[arg-type]
        runner = asyncio.create_task(group.run())
        feeds = [asyncio.create_task(group.store(raws(2), None)) for _ in range(3)]  # type: ignore[arg-type]
        results = await asyncio.gather(*feeds, return_exceptions=True)
        ingestor.fail = False
        after = await group.store(raws(1), None)  # type: ignore[arg-type]
        runner.cancel()
        return [*results, after]

    results = asyncio.run(scenario())
    assert all(isinstance(r, RuntimeError) and "disk full" in str(r) for r in results[:3])
    assert results[3] == 1


def test_group_store_without_its_task_stores_inline() -> None:
    from akhbar.pipeline.poll import GroupStore

    ingestor = CountingIngestor()
    group = GroupStore(ingestor)  # type: ignore[arg-type]
    assert asyncio.run(group.store(raws(3), None)) == 2  # type: ignore[arg-type]
    assert ingestor.batches == [3]
