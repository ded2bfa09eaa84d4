"""Sitemaps: plain (<loc>, <lastmod>), Google News (<news:title>, <news:publication_date>,
<news:keywords>) and sitemap indexes, parsed into their own shape; parse.py adapts them.

Sitemaps come from servers we do not control, so the XML parser resolves no entities, loads no
DTD, touches no network and keeps libxml2's size limits (huge_tree=False): a "billion laughs"
document fails to parse instead of expanding in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin

from lxml import etree

from akhbar.errors import FormatError

SitemapKind = Literal["sitemap", "sitemapindex"]

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    load_dtd=False,
    dtd_validation=False,
    remove_comments=True,
    remove_pis=True,
)


@dataclass(slots=True)
class SitemapUrl:
    """One <url> entry. Dates are the raw strings; parse.py turns them into datetimes."""

    loc: str
    lastmod_text: str = ""
    news_title: str = ""
    news_publication_date_text: str = ""
    news_keywords: str = ""
    news_language: str = ""
    news_publication_name: str = ""
    image_loc: str = ""


@dataclass(slots=True)
class Sitemap:
    kind: SitemapKind
    urls: list[SitemapUrl] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def _local(element: etree._Element) -> str:
    # Namespaces vary in the wild (http vs https, missing news: prefix declarations), so we
    # match on local names only.
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: etree._Element) -> str:
    return " ".join((element.text or "").split())


def parse_sitemap(data: bytes, *, url: str) -> Sitemap:
    """Parse a <urlset> or <sitemapindex>. Raises FormatError for malformed or other XML."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise FormatError(f"malformed XML in sitemap: {error}", path=url) from error
    kind = _local(root)
    if kind == "sitemapindex":
        return Sitemap("sitemapindex", sitemaps=_child_locs(root, "sitemap", url))
    if kind != "urlset":
        raise FormatError(f"not a sitemap: root element <{kind}>", path=url)
    return Sitemap("sitemap", urls=[_read_url(node, url) for node in root if _local(node) == "url"])


def _child_locs(root: etree._Element, name: str, base: str) -> list[str]:
    locs: list[str] = []
    for node in root:
        if _local(node) != name:
            continue
        for child in node:
            if _local(child) == "loc" and _text(child):
                locs.append(urljoin(base, _text(child)))
    return locs


def _read_url(node: etree._Element, base: str) -> SitemapUrl:
    entry = SitemapUrl(loc="")
    for child in node:
        name = _local(child)
        if name == "loc":
            entry.loc = urljoin(base, _text(child))
        elif name == "lastmod":
            entry.lastmod_text = _text(child)
        elif name == "news":
            _read_news(child, entry)
        elif name == "image" and not entry.image_loc:
            entry.image_loc = next(
                (urljoin(base, _text(c)) for c in child if _local(c) == "loc" and _text(c)), ""
            )
    return entry


def _read_news(news: etree._Element, entry: SitemapUrl) -> None:
    for child in news.iter():
        name = _local(child)
        if name == "title":
            entry.news_title = _text(child)
        elif name == "publication_date":
            entry.news_publication_date_text = _text(child)
        elif name == "keywords":
            entry.news_keywords = _text(child)
        elif name == "language":
            entry.news_language = _text(child)
        elif name == "name":
            entry.news_publication_name = _text(child)
