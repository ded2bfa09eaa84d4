"""Output feeds parse cleanly (feedparser bozo 0) and keep Arabic titles intact."""

from __future__ import annotations

from urllib.parse import quote

import feedparser
import pytest

from tests.web.conftest import Corpus, TestClient


def feed_paths(corpus: Corpus) -> list[str]:
    paths = []
    for fmt in ("rss", "atom"):
        paths += [
            f"/feeds/latest.{fmt}",
            f"/feeds/tags/{quote('ثقافة')}.{fmt}",
            f"/feeds/sources/{corpus.ids['source_saudi']}.{fmt}",
            f"/feeds/stories/{corpus.ids['story_fair']}.{fmt}",
            f"/feeds/search.{fmt}?q={quote('معرض')}",
        ]
    return paths


def test_every_feed_is_valid_and_round_trips_arabic(client: TestClient, corpus: Corpus) -> None:
    for path in feed_paths(corpus):
        r = client.get(path)
        assert r.status_code == 200, path
        parsed = feedparser.parse(r.content)
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version in ("rss20", "atom10"), path
        titles = [e.title for e in parsed.entries]
        assert any("معرض الرياض" in t for t in titles), path


def test_markup_in_titles_is_escaped_in_feeds(client: TestClient) -> None:
    parsed = feedparser.parse(client.get("/feeds/latest.rss").content)
    assert parsed.bozo == 0
    assert any("<script>" in e.title for e in parsed.entries)  # text, round-tripped as text


def test_feed_etag_and_errors(client: TestClient) -> None:
    r = client.get("/feeds/latest.atom")
    assert (
        client.get("/feeds/latest.atom", headers={"If-None-Match": r.headers["etag"]}).status_code
        == 304
    )
    assert client.get("/feeds/latest.xml").status_code == 404
    assert client.get("/feeds/search.rss").status_code == 400


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_content_types(client: TestClient, fmt: str) -> None:
    assert (
        client.get(f"/feeds/latest.{fmt}")
        .headers["content-type"]
        .startswith(f"application/{fmt}+xml")
    )
