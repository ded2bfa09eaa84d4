"""Sitemaps: Google News, plain, index; entity expansion never happens."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.errors import FormatError
from akhbar.feeds import parse_feed
from akhbar.feeds.sitemap import parse_sitemap

FEEDS = Path(__file__).parents[1] / "data" / "feeds"


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_google_news_sitemap() -> None:
    parsed = parse_feed(feed("news_sitemap.xml"), url="https://malaeb.example/news-sitemap.xml")
    assert (parsed.kind, parsed.title, parsed.language) == ("sitemap", "ملاعب", "ar")
    first, second = parsed.items
    assert first.url == "https://malaeb.example/football/derby-draw"
    assert first.title == "الأهلي يتعادل مع الزمالك في قمة مثيرة بالدوري"
    assert first.published == datetime(2024, 3, 15, 20, 45, tzinfo=UTC)
    assert first.published_text == "2024-03-15T20:45:00+00:00"
    assert first.updated == datetime(2024, 3, 15, 22, 10, tzinfo=UTC)
    assert first.tags == ["الأهلي", "الزمالك", "الدوري المصري"]
    assert first.image_url == "https://malaeb.example/img/derby.jpg"
    assert second.title == "مدرب المنتخب يعلن قائمة المعسكر المقبل"
    assert second.published_text == "2024-03-14"
    assert second.tags == []


def test_plain_sitemap_lastmod_is_updated_not_published() -> None:
    parsed = parse_feed(feed("sitemap.xml"), url="https://eqtisad.example/sitemap.xml")
    assert parsed.kind == "sitemap"
    assert [item.url for item in parsed.items] == [
        "https://eqtisad.example/banks/central-bank-rates/",
        "https://eqtisad.example/stocks/index-weekly/",
        "https://eqtisad.example/about/",
    ]
    first = parsed.items[0]
    assert first.published is None
    assert first.updated == datetime(2024, 1, 19, 6, 0, tzinfo=UTC)
    assert parsed.items[2].updated is None


def test_sitemap_index_lists_child_sitemaps_absolute() -> None:
    parsed = parse_feed(feed("sitemap_index.xml"), url="https://eqtisad.example/sitemap.xml")
    assert (parsed.kind, parsed.items) == ("sitemapindex", [])
    assert parsed.sitemaps == [
        "https://eqtisad.example/post-sitemap1.xml",
        "https://eqtisad.example/post-sitemap2.xml",
        "https://eqtisad.example/news-sitemap.xml",
    ]


def test_billion_laughs_does_not_expand_in_the_sitemap_parser() -> None:
    # Straight to the lxml parser, past parse_feed's own prolog check.
    started = time.perf_counter()
    with pytest.raises(FormatError):
        parse_sitemap(feed("billion_laughs.xml"), url="https://x.example/laughs.xml")
    assert time.perf_counter() - started < 0.5


def test_billion_laughs_through_parse_feed() -> None:
    with pytest.raises(FormatError):
        parse_feed(feed("billion_laughs.xml"), url="https://x.example/laughs.xml")


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://x.example/a</loc><lastmod>&xxe;</lastmod></url></urlset>"
    ).encode()
    parsed = parse_sitemap(doc, url="https://x.example/s.xml")
    assert "TOP-SECRET" not in repr(parsed)
    with pytest.raises(FormatError, match="entity"):
        parse_feed(doc, url="https://x.example/s.xml")


def test_malformed_sitemap_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="malformed XML"):
        parse_feed(b"<urlset><url><loc>https://x.example/</loc></url>", url="https://x.example/s")
