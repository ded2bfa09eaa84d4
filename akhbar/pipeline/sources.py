"""Adding sources: a feed URL, a sitemap URL or a homepage -> the feeds akhbar will follow.

A homepage is searched for `<link rel="alternate">` feeds first, then the common feed paths
are probed; every candidate is fetched and parsed before it is added, so `sources add` never
stores a URL that is not a feed. The bundled default list and OPML files are loaded without
fetching anything (entries stay unverified until a poll succeeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from akhbar.config import Settings
from akhbar.decode import decode_bytes
from akhbar.errors import AkhbarError, FormatError
from akhbar.feeds import COMMON_FEED_PATHS, ParsedFeed, discover_feeds, parse_feed
from akhbar.fetch import Fetcher
from akhbar.pipeline.ingest import ensure_source
from akhbar.pipeline.poll import fetch_settings
from akhbar.sources import OpmlFeed, host_of, load_default_sources
from akhbar.store import SQLiteStore


@dataclass(slots=True)
class FoundFeed:
    url: str
    kind: str
    title: str
    items: int
    added: bool


async def _try_feed(fetcher: Fetcher, url: str) -> tuple[str, ParsedFeed] | None:
    try:
        result = await fetcher.fetch(url, kind="feed")
        return result.url, parse_feed(result.body, url=result.url, content_type=result.content_type)
    except AkhbarError:
        return None


async def find_feeds(fetcher: Fetcher, url: str) -> list[tuple[str, ParsedFeed]]:
    """The feeds behind a URL: itself if it is a feed, else those its page links or hosts."""
    result = await fetcher.fetch(url, kind="feed")
    try:
        return [
            (result.url, parse_feed(result.body, url=result.url, content_type=result.content_type))
        ]
    except FormatError:
        pass
    html, _encoding = decode_bytes(result.body, declared=None, path=url)
    candidates = discover_feeds(html, base_url=result.url)
    if not candidates:
        candidates = [urljoin(result.url, path) for path in COMMON_FEED_PATHS]
    found: list[tuple[str, ParsedFeed]] = []
    for candidate in candidates:
        feed = await _try_feed(fetcher, candidate)
        if feed is not None and feed[0] not in {f[0] for f in found}:
            found.append(feed)
    return found


async def add_source_from_url(
    store: SQLiteStore,
    settings: Settings,
    url: str,
    *,
    name: str | None = None,
    fetcher: Fetcher | None = None,
) -> list[FoundFeed]:
    """Find the feeds behind `url` and follow them under one outlet."""
    if fetcher is None:
        async with Fetcher(fetch_settings(settings)) as own:
            return await add_source_from_url(store, settings, url, name=name, fetcher=own)
    feeds = await find_feeds(fetcher, url)
    if not feeds:
        raise FormatError("no feed or sitemap found at this address or on its page", path=url)
    outlet = name or next((f.title for _, f in feeds if f.title), "") or host_of(url)
    report = []
    with store.transaction():
        source = ensure_source(
            store, outlet, homepage=next((f.link for _, f in feeds if f.link), "")
        )
        for feed_url, parsed in feeds:
            kind = "sitemap" if parsed.kind.startswith("sitemap") else parsed.kind
            feed_id = store.add_feed(source.id, feed_url, kind=kind, title=parsed.title)
            report.append(
                FoundFeed(feed_url, kind, parsed.title, len(parsed.items), feed_id is not None)
            )
    return report


def load_default_source_list(store: SQLiteStore) -> tuple[int, int]:
    """Load the bundled outlets and their feeds (unverified). Returns (outlets, new feeds)."""
    outlets = load_default_sources()
    added = 0
    with store.transaction():
        for entry in outlets:
            source = ensure_source(
                store,
                entry.name,
                name_en=entry.name_en,
                country=entry.country,
                region=entry.region,
                homepage=entry.homepage,
                timezone=entry.timezone,
            )
            for feed in entry.feeds:
                added += (
                    store.add_feed(
                        source.id, feed.url, kind=feed.kind, category=feed.category or ""
                    )
                    is not None
                )
    return len(outlets), added


def import_opml_feeds(store: SQLiteStore, feeds: list[OpmlFeed]) -> int:
    added = 0
    with store.transaction():
        for feed in feeds:
            source = ensure_source(
                store, feed.title or host_of(feed.xml_url), homepage=feed.html_url
            )
            added += (
                store.add_feed(source.id, feed.xml_url, title=feed.title, category=feed.category)
                is not None
            )
    return added
