"""The bundled list of Arabic outlets: JSON -> validated `OutletEntry` objects.

The list (`default_sources.json`) comes from a desk study of public code and feed lists; no
entry has been fetched when the list was made, so every one is `verified: false` until akhbar
polls it successfully. `parse_source_list` also reads a user's own list in the same shape.

Validation is strict on purpose: a broken bundled entry (a relative URL, a misspelt time zone)
would otherwise surface much later as a feed that silently never polls, or dates shifted by
hours. Each problem names the outlet it was found in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from akhbar.errors import FormatError

Region = Literal[
    "gulf", "levant", "egypt", "maghreb", "iraq", "sudan_yemen", "pan_arab", "international"
]
FeedKind = Literal["rss", "atom", "sitemap"]
Confidence = Literal["high", "medium", "low"]

REGIONS: tuple[Region, ...] = (
    "gulf", "levant", "egypt", "maghreb", "iraq", "sudan_yemen", "pan_arab", "international"
)  # fmt: skip
FEED_KINDS: tuple[FeedKind, ...] = ("rss", "atom", "sitemap")
CONFIDENCES: tuple[Confidence, ...] = ("high", "medium", "low")

DEFAULT_SOURCES_FILE = "default_sources.json"

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_COUNTRY = re.compile("[A-Z]{2}")

_T = TypeVar("_T", bound=str)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed of an outlet. `alternates` are other URLs seen for the same feed: tried when
    the main one keeps failing, never polled alongside it (that would fetch everything twice)."""

    url: str
    kind: FeedKind = "rss"
    category: str | None = None
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutletEntry:
    """An outlet of the list. `country` is an ISO 3166 code, "" for the UN."""

    name: str
    name_en: str
    country: str
    region: Region
    homepage: str
    timezone: str
    feeds: tuple[FeedEntry, ...]
    confidence: Confidence
    verified: bool = False


def load_default_sources() -> list[OutletEntry]:
    """The outlets bundled with akhbar, validated."""
    data = resources.files("akhbar.sources").joinpath(DEFAULT_SOURCES_FILE).read_bytes()
    return parse_source_list(data, path=DEFAULT_SOURCES_FILE)


def parse_source_list(data: bytes, *, path: str = "") -> list[OutletEntry]:
    """Outlets from JSON: either a list of outlet objects or `{"outlets": [...]}`.

    Raises FormatError (with `path`) on the first invalid entry or a repeated name/feed URL.
    """
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"not JSON: {exc}", path=path) from None
    items = doc.get("outlets") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise FormatError('expected a list of outlets or {"outlets": [...]}', path=path)
    outlets = [_outlet(item, index, path) for index, item in enumerate(items)]
    _check_unique(outlets, path)
    return outlets


def _outlet(item: object, index: int, path: str) -> OutletEntry:
    if not isinstance(item, dict):
        raise FormatError(f"outlet #{index + 1}: not an object", path=path)
    where = f"outlet #{index + 1} ({item.get('name_en') or item.get('name') or '?'})"

    def text(key: str, *, required: bool = True) -> str:
        value = item.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise FormatError(f"{where}: '{key}' must be a non-empty string", path=path)
        return value.strip()

    name = text("name")
    if not _ARABIC_LETTER.search(name):
        raise FormatError(f"{where}: 'name' has no Arabic letter: {name!r}", path=path)
    country = text("country", required=False)
    if country and not _COUNTRY.fullmatch(country):
        raise FormatError(f"{where}: 'country' is not an ISO code: {country!r}", path=path)
    region = _choice(text("region"), REGIONS, f"{where}: 'region'", path)
    confidence = _choice(text("confidence"), CONFIDENCES, f"{where}: 'confidence'", path)
    verified = item.get("verified", False)
    if not isinstance(verified, bool):
        raise FormatError(f"{where}: 'verified' must be true or false", path=path)
    feeds = item.get("feeds")
    if not isinstance(feeds, list) or not feeds:
        raise FormatError(f"{where}: 'feeds' must be a non-empty list", path=path)
    return OutletEntry(
        name=name,
        name_en=text("name_en"),
        country=country,
        region=region,
        homepage=_http_url(text("homepage"), f"{where}: 'homepage'", path),
        timezone=_zone(text("timezone"), where, path),
        feeds=tuple(_feed(feed, f"{where} feed #{n + 1}", path) for n, feed in enumerate(feeds)),
        confidence=confidence,
        verified=verified,
    )


def _feed(item: object, where: str, path: str) -> FeedEntry:
    if not isinstance(item, dict):
        raise FormatError(f"{where}: not an object", path=path)
    url = item.get("url")
    if not isinstance(url, str):
        raise FormatError(f"{where}: 'url' must be a string", path=path)
    kind = _choice(item.get("kind", "rss"), FEED_KINDS, f"{where}: 'kind'", path)
    category = item.get("category")
    if category is not None and not isinstance(category, str):
        raise FormatError(f"{where}: 'category' must be a string", path=path)
    alternates = item.get("alternates", [])
    if not isinstance(alternates, list) or not all(isinstance(a, str) for a in alternates):
        raise FormatError(f"{where}: 'alternates' must be a list of URLs", path=path)
    return FeedEntry(
        url=_http_url(url, f"{where}: 'url'", path),
        kind=kind,
        category=(category.strip() or None) if category else None,
        alternates=tuple(_http_url(a, f"{where}: alternate", path) for a in alternates),
    )


def _choice(value: object, allowed: tuple[_T, ...], where: str, path: str) -> _T:
    if value not in allowed:
        raise FormatError(f"{where} {value!r} is not one of {', '.join(allowed)}", path=path)
    return value


def _http_url(url: str, where: str, path: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FormatError(f"{where} is not an absolute http(s) URL: {url!r}", path=path)
    return url


def _zone(name: str, where: str, path: str) -> str:
    # ZoneInfo also accepts "UTC" and "GMT"; an outlet's zone must be an Area/Location so
    # that feeds written in local time without an offset are read in the newsroom's clock.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FormatError(f"{where}: unknown time zone {name!r}", path=path) from None
    if "/" not in name:
        raise FormatError(f"{where}: time zone {name!r} is not an Area/Location", path=path)
    return name


def _check_unique(outlets: list[OutletEntry], path: str) -> None:
    names: set[str] = set()
    urls: dict[str, str] = {}
    for outlet in outlets:
        if outlet.name in names:
            raise FormatError(f"outlet name repeated: {outlet.name}", path=path)
        names.add(outlet.name)
        for feed in outlet.feeds:
            for url in (feed.url, *feed.alternates):
                if url in urls:
                    raise FormatError(
                        f"feed URL {url} listed for both {urls[url]} and {outlet.name_en}",
                        path=path,
                    )
                urls[url] = outlet.name_en
