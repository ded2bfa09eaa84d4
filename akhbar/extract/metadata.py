"""Read an article page's metadata with lxml: dates with their time of day, title, author,
lead image, canonical URL, language, site name and the publisher's own tags.

We read these ourselves rather than take trafilatura's: it keeps only the day of a date
(`2023-10-12`, even with a custom output format) and returns meta keywords as one unsplit
string. Sources, most trusted first: Open Graph / article:* meta, JSON-LD (also inside
`@graph`), other meta names, then the visible page (`<time datetime>`, `<h1>`, `<title>`).
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

# One tag per item: publishers separate keywords with Latin or Arabic commas and semicolons
# (and some with pipes) — often mixed in one attribute ("مصر, الأردن، غزة").
_KEYWORD_SEPARATORS = re.compile("[,،;؛|\u2e41\uff0c]")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ")
_AUTHOR_PREFIX = re.compile(r"^\s*(?:كتب(?:ت)?|بقلم|إعداد|اعداد|تقرير|by)\s*[:：]?\s*", re.I)
_ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "blogposting", "report", "liveblogposting"}
)  # fmt: skip

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "pubdate", "publishdate", "publish-date",
    "publish_date", "date", "dc.date.issued", "dcterms.created", "dc.date", "sailthru.date",
    "parsely-pub-date", "datepublished",
)  # fmt: skip
_UPDATED_META = (
    "article:modified_time", "og:updated_time", "lastmod", "last-modified", "dcterms.modified",
    "datemodified",
)  # fmt: skip
_TAG_META = ("keywords", "news_keywords", "article:tag", "parsely-tags")

# Compiled once: tree.xpath(string) compiles its expression on every call, which cost as much
# as evaluating it on a news page.
_HEADLINE = etree.XPath("(//article//h1 | //h1)[1]")
_TITLE = etree.XPath("//title")
_BYLINE = etree.XPath("(//*[@rel='author'] | //*[@itemprop='author'])[1]")
_BASE_HREF = etree.XPath("//base[@href]/@href")
_TAG_LINKS = etree.XPath("//a[@rel='tag']")
# A <time> inside the article or its header is the publication time; one in the footer or
# a related box belongs to something else, so the article's own comes first.
_TIME_PATHS = tuple(
    etree.XPath(path)
    for path in ("//article//time[@datetime]", "//time[@pubdate][@datetime]", "//time[@datetime]")
)


@dataclass(slots=True)
class PageMetadata:
    """What the page says about itself. Empty strings when it says nothing."""

    title: str = ""
    author: str = ""
    published_text: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None
    image_url: str = ""
    canonical_url: str = ""
    language: str = ""
    site_name: str = ""
    tags: list[str] = field(default_factory=list)
    #: A JSON-LD block of the page is not valid JSON (a lenient reader may still get from it
    #: what the other sources do not say, e.g. the publisher).
    json_ld_broken: bool = False


def split_keywords(value: str) -> list[str]:
    """Split on , ، ؛ ; | and strip each part; drop empties and repeats, keeping order."""
    return _dedupe(part.strip(" \t\n\r\"'#") for part in _KEYWORD_SEPARATORS.split(value))


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


# --- dates ---------------------------------------------------------------------------------------


def _load_date_parser() -> Callable[..., datetime | None] | None:
    # akhbar.arabic.dates is written alongside this module; without it we still read ISO dates.
    try:
        module = importlib.import_module("akhbar.arabic.dates")
    except ImportError:
        return None
    parser: Callable[..., datetime | None] | None = getattr(module, "parse_date", None)
    return parser


_parse_date = _load_date_parser()


def parse_timestamp(text: str) -> datetime | None:
    """An aware UTC datetime from a date string, keeping the time of day; None if unreadable.

    ISO 8601 with an offset (what meta tags and JSON-LD carry) takes the fast path; anything
    else (no offset, RFC 822, Arabic month names) goes to akhbar.arabic.dates.parse_date, which
    owns the policy for a missing time zone.
    """
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if _parse_date is not None:
        try:
            return _parse_date(text)
        except (ValueError, OverflowError):
            return None
    # Without the date module a naive ISO date is read as UTC rather than dropped.
    return parsed.replace(tzinfo=UTC) if parsed is not None else None


# --- reading the tree ----------------------------------------------------------------------------


def _meta_values(tree: lxml_html.HtmlElement) -> dict[str, list[str]]:
    """All <meta> values by lower-cased name/property/itemprop, in page order."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        content = (meta.get("content") or "").strip()
        if key and content:
            values.setdefault(key.strip().lower(), []).append(content)
    return values


def _first(meta: dict[str, list[str]], names: Iterable[str]) -> str:
    for name in names:
        if name in meta:
            return meta[name][0]
    return ""


def _json_ld_objects(tree: lxml_html.HtmlElement) -> tuple[list[dict[str, Any]], bool]:
    """The objects of the page's JSON-LD blocks, and whether a block is not valid JSON."""
    objects: list[dict[str, Any]] = []
    broken = False
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            broken = True  # publishers ship broken JSON-LD often enough; the meta tags remain
            continue
        objects.extend(_flatten_json_ld(data))
    return objects, broken


def _flatten_json_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten_json_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten_json_ld(data["@graph"])


def _is_article(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)


def _json_ld_article(tree: lxml_html.HtmlElement) -> tuple[dict[str, Any], bool]:
    """The page's JSON-LD article object ({} when none), and whether a block was broken."""
    objects, broken = _json_ld_objects(tree)
    return next((obj for obj in objects if _is_article(obj)), {}), broken


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value: a string, an object or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _image(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("url") or value.get("contentUrl") or "")
    if isinstance(value, list) and value:
        return _image(value[0])
    return ""


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return split_keywords(value)
    if isinstance(value, list):
        return [k for item in value if isinstance(item, str) for k in split_keywords(item)]
    return []


def _select(path: etree.XPath, tree: lxml_html.HtmlElement) -> list[Any]:
    """The nodes (or attribute values) a node-set expression selects."""
    found = path(tree)
    # Every expression above selects a node-set, so this is always a list; the check narrows
    # XPath's declared union of result types for the type checker.
    return found if isinstance(found, list) else []


def _text_of(tree: lxml_html.HtmlElement, path: etree.XPath) -> str:
    found = _select(path, tree)
    return " ".join(found[0].text_content().split()) if found else ""


def _strip_site_suffix(title: str, site_name: str) -> str:
    """Drop a trailing " | Site" (or " - Site") from a title.

    Arabic headlines contain " - " themselves, so a suffix goes only when it is the site's
    name, or, for the unambiguous " | ", when it is short (at most four words).
    """
    title = " ".join(title.split())
    for sep in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if not found or not head:
            continue
        if (site_name and tail.strip().casefold() == site_name.casefold()) or (
            sep == " | " and len(tail.split()) <= 4
        ):
            return head.strip()
    return title


def _clean_author(value: str) -> str:
    value = " ".join(value.split())
    if value.startswith(("http://", "https://")):
        return ""  # article:author is often a profile URL, not a name
    return _AUTHOR_PREFIX.sub("", value)


def _language(tree: lxml_html.HtmlElement, meta: dict[str, list[str]]) -> str:
    raw = tree.get("lang") or tree.get("xml:lang") or _first(meta, ("content-language",))
    raw = raw or _first(meta, ("og:locale",))
    # "ar-EG", "ar_EG", "AR" -> "ar": we care about the language, not the region.
    return re.split(r"[-_,;\s]", raw.strip().lower(), maxsplit=1)[0] if raw.strip() else ""


def _time_element(tree: lxml_html.HtmlElement) -> str:
    for path in _TIME_PATHS:
        found = _select(path, tree)
        if found:
            return str(found[0].get("datetime", "")).strip()
    return ""


def _date(meta: dict[str, list[str]], ld_value: Any, names: Iterable[str]) -> str:
    from_meta = _first(meta, names)
    if from_meta:
        return from_meta
    return ld_value if isinstance(ld_value, str) else ""


def read_metadata(tree: lxml_html.HtmlElement, *, url: str) -> PageMetadata:
    """Everything the page declares about the article, read before the tree is cleaned."""
    meta = _meta_values(tree)
    ld, ld_broken = _json_ld_article(tree)
    base = _base_url(tree, url)
    site_name = _first(meta, ("og:site_name", "application-name")) or next(
        iter(_names(ld.get("publisher"))), ""
    )
    published_text = _date(meta, ld.get("datePublished"), _PUBLISHED_META) or _time_element(tree)
    updated_text = _date(meta, ld.get("dateModified"), _UPDATED_META)
    title = (
        _first(meta, ("og:title", "twitter:title"))
        or str(ld.get("headline") or "")
        or _text_of(tree, _HEADLINE)
        or _text_of(tree, _TITLE)
    )
    image = _first(meta, ("og:image", "og:image:url", "twitter:image")) or _image(ld.get("image"))
    canonical = _canonical(tree) or _first(meta, ("og:url",))
    return PageMetadata(
        title=_strip_site_suffix(title, site_name),
        author=_author(tree, meta, ld),
        published_text=published_text,
        published_at=parse_timestamp(published_text),
        updated_at=parse_timestamp(updated_text),
        image_url=urljoin(base, image) if image else "",
        canonical_url=urljoin(base, canonical) if canonical else url,
        language=_language(tree, meta),
        site_name=" ".join(site_name.split()),
        tags=_tags(tree, meta, ld),
        json_ld_broken=ld_broken,
    )


def _base_url(tree: lxml_html.HtmlElement, url: str) -> str:
    found = _select(_BASE_HREF, tree)
    return urljoin(url, str(found[0]).strip()) if found else url


def _canonical(tree: lxml_html.HtmlElement) -> str:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    return ""


def _author(tree: lxml_html.HtmlElement, meta: dict[str, list[str]], ld: dict[str, Any]) -> str:
    # The first source that names anyone wins: sources repeat one byline in different forms
    # ("كتب: أحمد محمود" / "أحمد محمود"), while JSON-LD may list several co-authors.
    groups = (
        meta.get("author", []),
        _names(ld.get("author")),
        meta.get("article:author", []),
        [_text_of(tree, _BYLINE)],
    )
    for group in groups:
        names = _dedupe(_clean_author(value) for value in group)
        if names:
            return ", ".join(names)
    return ""


def _tags(tree: lxml_html.HtmlElement, meta: dict[str, list[str]], ld: dict[str, Any]) -> list[str]:
    tags: list[str] = []
    for name in _TAG_META:
        for value in meta.get(name, []):
            tags.extend(split_keywords(value))
    tags.extend(_keywords(ld.get("keywords")))
    # rel="tag" links are the visible tag list many CMSs print under the article.
    tags.extend(" ".join(a.text_content().split()) for a in _select(_TAG_LINKS, tree))
    return _dedupe(tags)
