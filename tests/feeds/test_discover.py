"""discover_feeds on pages written here, and the fixtures' own feed links."""

from __future__ import annotations

from pathlib import Path

from akhbar.feeds import COMMON_FEED_PATHS, discover_feeds

PAGES = Path(__file__).parents[1] / "data" / "pages"

PAGE = """<!DOCTYPE html><html lang="ar"><head>
<link rel="alternate" type="application/rss+xml" title="الأخبار" href="/rss.xml">
<link rel="alternate" hreflang="en" href="/en/">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="Alternate" type="application/atom+xml" href="https://site.example/atom.xml#top">
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
<link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/7">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml" title="خلاصة التعليقات" href="/comments/rss">
<link rel="alternate" type="application/rss+xml; charset=utf-8" href="/sport/rss">
</head><body><p>مرحبا</p></body></html>"""


def test_discovers_announced_feeds_in_page_order_absolute_and_deduped() -> None:
    assert discover_feeds(PAGE, base_url="https://site.example/news/today") == [
        "https://site.example/rss.xml",
        "https://site.example/atom.xml",
        "https://site.example/news/feed.json",
        "https://site.example/sport/rss",
    ]


def test_base_href_is_honoured() -> None:
    page = (
        '<html><head><base href="https://cdn.example/ar/">'
        '<link rel="alternate" type="application/atom+xml" href="feed.atom"></head></html>'
    )
    assert discover_feeds(page, base_url="https://site.example/") == [
        "https://cdn.example/ar/feed.atom"
    ]


def test_comment_feed_of_a_wordpress_page_is_left_out() -> None:
    html = (PAGES / "economy.html").read_text(encoding="utf-8")
    assert discover_feeds(html, base_url="https://eqtisad.example/banks/") == [
        "https://eqtisad.example/feed/"
    ]


def test_page_without_feeds_or_text() -> None:
    assert discover_feeds("<html><body>لا شيء</body></html>", base_url="https://x.example/") == []
    assert discover_feeds("", base_url="https://x.example/") == []


def test_common_paths_cover_the_usual_places() -> None:
    for path in ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
                 "/sitemap_news.xml", "/news-sitemap.xml"):  # fmt: skip
        assert path in COMMON_FEED_PATHS
    assert all(path.startswith("/") for path in COMMON_FEED_PATHS)
    assert len(set(COMMON_FEED_PATHS)) == len(COMMON_FEED_PATHS)
