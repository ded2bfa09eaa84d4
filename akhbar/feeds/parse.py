"""Feed bytes -> `ParsedFeed`: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed 1.0/1.1
(json), sitemaps (sitemap.py). One sniff of the first bytes picks the parser, so an HTML page
served where a feed should be is named as such instead of surfacing as a parser error.
"""

from __future__ import annotations

import contextlib
import json
import re
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from typing import Any, Literal

import feedparser
from lxml import html as lxml_html

from akhbar.errors import FormatError
from akhbar.extract.metadata import parse_timestamp, split_keywords
from akhbar.feeds.sitemap import Sitemap, SitemapUrl, parse_sitemap

FeedKind = Literal["rss", "atom", "jsonfeed", "sitemap", "sitemapindex"]

# Skips the XML declaration, comments and a DOCTYPE (with its internal subset) to reach the
# root element's name. Applied to the first 64 KiB only.
_PROLOG = re.compile(
    rb"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE\s+(?P<doctype>[^\[>]*)(?:\[(?P<subset>.*?)\])?\s*>\s*)*"
    rb"<(?P<root>[A-Za-z_][\w.:-]*)",
    re.S | re.I,
)
# An entity whose value refers to other entities (the "billion laughs" shape) or to a file or
# URL (XXE). Real feeds never need either, so we refuse before any parser sees the document.
_DANGEROUS_ENTITY = re.compile(
    rb"<!ENTITY\s+(?:%\s*)?[\w.:-]+\s+(?:SYSTEM|PUBLIC|[\"'][^\"']*[&%])"
)
_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.\d+)?/?$")


@dataclass(slots=True)
class FeedItem:
    """One entry of a feed or sitemap. `published_text` is the raw date string as published;
    `published` is None when it could not be read (or when a sitemap gives only lastmod)."""

    url: str
    title: str = ""
    summary: str = ""
    content_html: str = ""
    published_text: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    tags: list[str] = field(default_factory=list)
    author: str = ""
    guid: str = ""
    image_url: str = ""


@dataclass(slots=True)
class ParsedFeed:
    kind: FeedKind
    title: str = ""
    link: str = ""
    language: str = ""
    items: list[FeedItem] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_feed(data: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    """Parse any feed or sitemap. Raises FormatError (with `path=url`) when it is not one."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return _parse_json_feed(data, url=url)
    prolog = _PROLOG.match(head)
    if prolog is not None:
        _check_prolog(prolog, url=url)
        root = prolog.group("root").decode("ascii").lower().rpartition(":")[2]
        if root == "html":
            raise FormatError("not a feed: looks like an HTML page", path=url)
        if root in ("urlset", "sitemapindex"):
            return _adapt_sitemap(parse_sitemap(data, url=url))
    return _parse_with_feedparser(data, url=url, content_type=content_type)


def _check_prolog(prolog: re.Match[bytes], *, url: str) -> None:
    doctype = (prolog.group("doctype") or b"").strip().lower()
    if doctype.startswith(b"html"):
        raise FormatError("not a feed: looks like an HTML page", path=url)
    subset = prolog.group("subset") or b""
    if _DANGEROUS_ENTITY.search(subset):
        raise FormatError("refused XML: nested or external entity declarations", path=url)


# --- RSS / Atom ----------------------------------------------------------------------------------


def _parse_with_feedparser(data: bytes, *, url: str, content_type: str) -> ParsedFeed:
    # content-location makes feedparser resolve relative links against the feed URL; the
    # content-type lets a declared charset win over its guess.
    # Without a type, application/xml lets the XML declaration name the charset (text/xml
    # would mean us-ascii by RFC 3023, and no header at all sets a NonXMLContentType bozo).
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(data, response_headers=headers)
    version = str(parsed.get("version") or "")
    if not parsed.entries:
        # A well-formed feed may be empty; a broken document without entries is not a feed.
        # (With entries, a bozo flag is tolerated: feedparser's loose parser recovered them.)
        if _is_fatal(parsed.get("bozo_exception")):
            raise FormatError(f"malformed XML: {parsed.get('bozo_exception')}", path=url)
        if not version:
            raise FormatError("not a feed: no RSS, Atom or sitemap root element", path=url)
    channel = parsed.feed
    return ParsedFeed(
        kind="atom" if version.startswith("atom") else "rss",
        title=_plain(str(channel.get("title", ""))),
        link=str(channel.get("link", "")),
        language=_primary_language(str(channel.get("language", ""))),
        items=[item for item in map(_adapt_entry, parsed.entries) if item.url or item.title],
    )


def _is_fatal(error: object) -> bool:
    # Encoding and content-type notes are feedparser telling us it coped; anything else
    # (a SAX parse error) means the XML itself is broken.
    benign = (
        feedparser.exceptions.CharacterEncodingOverride,
        feedparser.exceptions.NonXMLContentType,
    )
    return error is not None and not isinstance(error, benign)


def _adapt_entry(entry: Any) -> FeedItem:
    link = str(entry.get("link", ""))
    guid = str(entry.get("id", "")) or link
    # dict.get bypasses feedparser's deprecated updated -> published alias (and its warning):
    # we want the entry's own <updated> only.
    updated_text = str(dict.get(entry, "updated") or "")
    updated_parsed = dict.get(entry, "updated_parsed")
    # RSS 1.0's dc:date and Atom's required <updated> reach us as `updated` only; for an
    # item without a publication date that is the best date it has, so it stands in.
    published_text = str(entry.get("published") or updated_text)
    published_parsed = entry.get("published_parsed")
    if not entry.get("published"):
        published_parsed = updated_parsed
    return FeedItem(
        url=link or (guid if guid.startswith(("http://", "https://")) else ""),
        title=_plain(str(entry.get("title", ""))),
        summary=_plain(str(entry.get("summary", ""))),
        content_html=_content_html(entry),
        published_text=published_text,
        published=_when(published_parsed, published_text),
        updated=_when(updated_parsed, updated_text),
        tags=_entry_tags(entry),
        author=_entry_author(entry),
        guid=guid,
        image_url=_entry_image(entry),
    )


def _when(parsed: struct_time | None, text: str) -> datetime | None:
    # feedparser reads RFC 822 / ISO dates into UTC struct_time; it gives None for Arabic
    # dates ("الخميس، 12 أكتوبر 2023 - 02:35 م"), which the Arabic date parser reads instead.
    if parsed is not None:
        return datetime.fromtimestamp(timegm(parsed), tz=UTC)
    return parse_timestamp(text) if text else None


def _content_html(entry: Any) -> str:
    contents = entry.get("content") or []
    return str(contents[0].get("value", "")) if contents else ""


def _entry_tags(entry: Any) -> list[str]:
    tags: list[str] = []
    seen: set[str] = set()
    for tag in entry.get("tags") or []:
        for term in split_keywords(str(tag.get("term") or tag.get("label") or "")):
            if term.casefold() not in seen:
                seen.add(term.casefold())
                tags.append(term)
    return tags


def _entry_author(entry: Any) -> str:
    detail = entry.get("author_detail") or {}
    return " ".join(str(detail.get("name") or entry.get("author") or "").split())


def _entry_image(entry: Any) -> str:
    for media in (*(entry.get("media_content") or []), *(entry.get("media_thumbnail") or [])):
        kind = str(media.get("medium") or media.get("type") or "image")
        if media.get("url") and kind.startswith("image"):
            return str(media["url"])
    for link in entry.get("enclosures") or []:
        if str(link.get("type", "")).startswith("image/") and link.get("href"):
            return str(link["href"])
    image = entry.get("image") or {}
    return str(image.get("href", "")) if isinstance(image, dict) else ""


# --- JSON Feed -----------------------------------------------------------------------------------


def _parse_json_feed(data: bytes, *, url: str) -> ParsedFeed:
    try:
        # JSON Feed is UTF-8 by definition (RFC 8259), so no charset guessing here.
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FormatError(f"malformed JSON: {error}", path=url) from error
    version = document.get("version", "") if isinstance(document, dict) else ""
    if not isinstance(version, str) or not _JSON_FEED_VERSION.match(version):
        raise FormatError("not a feed: JSON without a JSON Feed version URL", path=url)
    items = document.get("items") or []
    return ParsedFeed(
        kind="jsonfeed",
        title=str(document.get("title", "")),
        link=str(document.get("home_page_url", "")),
        language=_primary_language(str(document.get("language", ""))),
        items=[_adapt_json_item(item, url) for item in items if isinstance(item, dict)],
    )


def _adapt_json_item(item: dict[str, Any], base: str) -> FeedItem:
    published_text = str(item.get("date_published", ""))
    tags = item.get("tags") or []
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    link = str(item.get("url") or item.get("external_url") or "")
    return FeedItem(
        url=link,
        title=str(item.get("title", "")),
        summary=str(item.get("summary", "")) or _plain(str(item.get("content_text", "")))[:500],
        content_html=str(item.get("content_html", "")),
        published_text=published_text,
        published=parse_timestamp(published_text),
        updated=parse_timestamp(str(item.get("date_modified", ""))),
        tags=split_keywords("،".join(str(t) for t in tags)) if isinstance(tags, list) else [],
        author=", ".join(names),
        guid=str(item.get("id", "")) or link,
        image_url=str(item.get("image") or item.get("banner_image") or ""),
    )


# --- sitemaps ------------------------------------------------------------------------------------


def _adapt_sitemap(sitemap: Sitemap) -> ParsedFeed:
    if sitemap.kind == "sitemapindex":
        return ParsedFeed(kind="sitemapindex", sitemaps=sitemap.sitemaps)
    news = next((u for u in sitemap.urls if u.news_publication_name or u.news_language), None)
    return ParsedFeed(
        kind="sitemap",
        title=news.news_publication_name if news else "",
        language=_primary_language(news.news_language) if news else "",
        items=[_adapt_sitemap_url(u) for u in sitemap.urls if u.loc],
    )


def _adapt_sitemap_url(entry: SitemapUrl) -> FeedItem:
    # lastmod is when the page last changed, not when the story was published: it fills
    # `updated`, and only news:publication_date fills `published`.
    return FeedItem(
        url=entry.loc,
        title=entry.news_title,
        published_text=entry.news_publication_date_text,
        published=parse_timestamp(entry.news_publication_date_text),
        updated=parse_timestamp(entry.lastmod_text),
        tags=split_keywords(entry.news_keywords),
        guid=entry.loc,
        image_url=entry.image_loc,
    )


# --- helpers -------------------------------------------------------------------------------------


def _plain(value: str) -> str:
    """Text of a possibly-HTML string, whitespace collapsed."""
    if "<" in value and ">" in value:
        # Not parseable as HTML (ValueError): keep the string as it came.
        with contextlib.suppress(ValueError):
            value = lxml_html.fragment_fromstring(value, create_parent="div").text_content()
    return " ".join(value.split())


def _primary_language(value: str) -> str:
    return re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0] if value.strip() else ""
