"""Find a site's feeds: the ones its pages announce, and the usual paths to probe.

Pure: takes HTML text and returns URLs. Probing COMMON_FEED_PATHS is the fetcher's job.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

from lxml import etree
from lxml import html as lxml_html

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/xml",
        "text/xml",
    }
)

#: Paths worth probing when a page announces no feed: WordPress, Ghost, Hugo, Jekyll, Drupal,
#: and the news sitemaps that many Arabic outlets publish instead of RSS.
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed/",
    "/rss/",
    "/feeds/posts/default",
    "/index.rss",
    "/feed.json",
    "/sitemap_news.xml",
    "/news-sitemap.xml",
    "/sitemap-news.xml",
    "/news_sitemap.xml",
    "/sitemap.xml",
)

# WordPress announces a comments feed next to the posts feed; an aggregator never wants it.
_COMMENT_WORDS = ("comments", "التعليقات", "تعليقات")


def discover_feeds(html: str, *, base_url: str) -> list[str]:
    """Feed URLs a page announces with <link rel="alternate" type="...">, absolute, without
    repeats, in page order. Comment feeds are left out."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []  # an empty or unparseable page announces nothing
    base = _base(tree, base_url)
    found: list[str] = []
    for link in tree.iter("link"):
        if not _announces_feed(link):
            continue
        href = urldefrag(urljoin(base, (link.get("href") or "").strip()))[0]
        if href and href not in found:
            found.append(href)
    return found


def _base(tree: lxml_html.HtmlElement, base_url: str) -> str:
    for base in tree.iter("base"):
        if base.get("href"):
            return urljoin(base_url, str(base.get("href")).strip())
    return base_url


def _announces_feed(link: lxml_html.HtmlElement) -> bool:
    rel = (link.get("rel") or "").lower().split()
    kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
    if "alternate" not in rel or kind not in FEED_TYPES or not (link.get("href") or "").strip():
        return False
    # application/json also marks oEmbed and REST endpoints: accept it only when named a feed.
    if kind == "application/json" and "feed" not in (link.get("title") or "").lower():
        return False
    label = f"{link.get('title') or ''} {link.get('href') or ''}".lower()
    return not any(word in label for word in _COMMENT_WORDS)
