"""The reader in headless Chromium: right-to-left layout, no request leaves 127.0.0.1, screenshots.

The server reads data/demo imported through the real pipeline (open_ingestor: tags,
duplicates, stories, "read also"), so docs/screenshots show what a fresh install shows
(refreshed with AKHBAR_UPDATE_SCREENSHOTS=1).

Skipped when /usr/bin/chromium or the playwright package is missing (never `playwright
install`: the Debian chromium is driven directly).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from akhbar.config import load_settings
from akhbar.dumps import iter_dump_items
from akhbar.pipeline.steps import open_ingestor
from akhbar.store import open_store
from akhbar.web import create_app
from tests.web.conftest import TOKEN

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
SHOTS = REPO / "test-output" / "screenshots"
DOCS = REPO / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _need_browser() -> Any:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return sync_playwright


@dataclass
class Demo:
    """What the pages show: the biggest story's lead, its most used tag, a word to search."""

    article_id: int
    tag: str
    query: str


def import_demo(path: str) -> tuple[Demo, datetime]:
    store = open_store(path)
    try:
        with open_ingestor(store, search=False) as ingestor:
            report = ingestor.ingest(iter_dump_items([str(DEMO)], vocabulary=ingestor.vocabulary))
        assert report.failed == 0, report.errors
        story = max(store.list_stories(limit=100), key=lambda s: (s.outlet_count, -s.id))
        assert story.lead_id is not None and story.outlet_count >= 2
        tag = store.db.execute(
            "SELECT t.display FROM article_tags at JOIN tags t ON t.id = at.tag_id"
            " WHERE at.article_id = ? ORDER BY at.score DESC, t.id LIMIT 1",
            (story.lead_id,),
        ).fetchone()[0]
        # "Now" is an hour after the newest story: the relative times read as they would.
        now = story.last_at
        for s in store.list_stories(limit=1):
            now = max(now, s.last_at)
        return Demo(story.lead_id, tag, story.title.split()[0]), now + timedelta(hours=1)
    finally:
        store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Demo]]:
    import uvicorn

    path = str(tmp_path_factory.mktemp("browser") / "akhbar.db")
    demo, now = import_demo(path)
    app = create_app(load_settings({"db": path, "admin_token": TOKEN}), now=lambda: now)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, access_log=False, log_level="warning", lifespan="on"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", demo
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: tuple[str, Demo]) -> Iterator[Any]:
    sync_playwright = _need_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="ar")
        pg = context.new_page()
        pg.requests_seen = []  # every URL the page asked for
        pg.on("request", lambda req: pg.requests_seen.append(req.url))
        yield pg
        context.close()
        browser.close()


def shoot(page: Any, name: str) -> None:
    """Save a screenshot under test-output/; with AKHBAR_UPDATE_SCREENSHOTS=1 also refresh the
    committed copy in docs/screenshots (a plain test run never changes tracked files)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if os.environ.get("AKHBAR_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHOTS / f"{name}.png", DOCS / f"{name}.png")


def test_pages_render_rtl_and_stay_local(page: Any, server: tuple[str, Demo]) -> None:
    base, demo = server
    pages = {
        "home": "/",
        "article": f"/articles/{demo.article_id}",
        "tag": "/tags/" + quote(demo.tag),
        "search": "/search?q=" + quote(demo.query),
    }
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "ar"
        shoot(page, name)
    hosts = {urlsplit(url).hostname for url in page.requests_seen}
    assert hosts == {"127.0.0.1"}, page.requests_seen


def test_home_shows_stories_and_article_its_story(page: Any, server: tuple[str, Demo]) -> None:
    base, demo = server
    page.goto(base + "/")
    assert page.locator(".story-card").count() >= 1
    page.goto(f"{base}/articles/{demo.article_id}")
    assert page.locator(".same-story .card").count() >= 1


def test_article_text_is_right_aligned(page: Any, server: tuple[str, Demo]) -> None:
    base, demo = server
    page.goto(f"{base}/articles/{demo.article_id}")
    body = page.locator(".article-body p").first
    assert body.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert body.evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
    box = body.bounding_box()
    heading = page.locator("h1").bounding_box()
    viewport = page.viewport_size
    # The first line starts at the right edge: the heading's right edge sits in the right half.
    assert heading["x"] + heading["width"] > viewport["width"] / 2
    assert box["x"] + box["width"] > viewport["width"] / 2
    assert page.evaluate("document.fonts.check('16px \"Noto Naskh Arabic\"')")


def test_theme_toggle_works_with_javascript(page: Any, server: tuple[str, Demo]) -> None:
    base, _ = server
    page.goto(base + "/")
    before = page.evaluate("document.documentElement.getAttribute('data-theme')")
    page.click("[data-theme-toggle]")
    after = page.evaluate("document.documentElement.getAttribute('data-theme')")
    assert after in ("dark", "light") and after != before
    page.context.clear_cookies()
