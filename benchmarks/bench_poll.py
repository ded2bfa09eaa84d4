"""Polling: N local feeds of 20 items (first pass fetches every page, second answers 304).

Targets (issue 3): 1,000 feeds — first pass ≤ 60 s, second ≤ 10 s, peak RSS ≤ 400 MB on 2
cores. The site is a uvicorn subprocess on 127.0.0.1 (it shares the 2 cores). All feeds live on
one host here, so the per-host limit is raised to the global one: with real outlets each feed
has its own host and the per-host limit does not bind.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from akhbar.config import load_settings
from akhbar.pipeline.poll import poll_once
from akhbar.store import open_store
from benchmarks.common import Row, cpu_seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("poll server exited")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("poll server did not start")


def run(scale: str) -> list[Row]:
    feeds = 1000 if scale == "full" else 100
    items = 20
    port = _free_port()
    env = {**os.environ, "POLL_FEEDS": str(feeds), "POLL_ITEMS": str(items), "POLL_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "benchmarks.poll_server:app", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    try:
        _wait_ready(f"http://127.0.0.1:{port}/robots.txt", server)
        with tempfile.TemporaryDirectory() as tmp:
            return _measure(Path(tmp) / "poll.db", port, feeds, items, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _measure(db: Path, port: int, feeds: int, items: int, server_pid: int) -> list[Row]:
    settings = dataclasses.replace(
        load_settings({"db": str(db)}), allow_private_addresses=True, fetch_per_host_delay=0.0,
        fetch_concurrency=16, fetch_per_host_concurrency=16,
    )  # fmt: skip
    store = open_store(str(db))
    with store.transaction():
        for n in range(feeds):
            source = store.add_source(f"مصدر {n}", f"مصدر {n}")
            store.add_feed(source.id, f"http://127.0.0.1:{port}/feed/{n}.xml")
    start, cpu, site_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(server_pid)
    first = asyncio.run(poll_once(store, settings, all_feeds=True))
    first_s = time.perf_counter() - start
    cpu_after, site_after = cpu_seconds(), cpu_seconds(server_pid)
    per_article = 1000 / max(1, first.new_articles)
    # This process's children: the extraction workers (under the fork server) and the site.
    site_ms = (sum(site_after) - sum(site_cpu)) * per_article
    poller_ms = (cpu_after[0] - cpu[0]) * per_article
    workers_ms = (cpu_after[1] - cpu[1]) * per_article - site_ms
    start = time.perf_counter()
    second = asyncio.run(poll_once(store, settings, all_feeds=True))
    second_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = store.article_count()
    store.close()
    unchanged = second.count("not_modified")
    requests_first = feeds + first.new_articles + 1  # feeds, pages, robots.txt
    name = f"poll ({feeds} feeds x {items})"
    full = feeds >= 1000
    return [
        Row(name, "first pass", f"{first_s:,.1f} s, {first.new_articles:,} new articles",
            "≤ 60 s" if full else "", (first_s <= 60) if full else None),
        Row(name, "first pass requests/s", f"{requests_first / first_s:,.0f}"),
        Row(name, "first pass CPU per article: poller / extraction workers / site",
            f"{poller_ms:.1f} / {workers_ms:.1f} / {site_ms:.1f} ms"),
        Row(name, "second pass (304)", f"{second_s:,.1f} s, {unchanged} not modified",
            "≤ 10 s" if full else "", (second_s <= 10) if full else None),
        Row(name, "second pass requests/s", f"{feeds / second_s:,.0f}"),
        Row(name, "failed feeds", f"{len(first.failed) + len(second.failed)}", "0",
            not first.failed and not second.failed),
        Row(name, "articles stored", f"{stored:,}", f"{feeds * items:,}", stored == feeds * items),
        Row(name, "peak RSS (poller)", f"{rss:,.0f} MiB", "≤ 400 MiB", rss <= 400),
    ]  # fmt: skip
