"""Feeds stage: feed and sitemap bytes -> `ParsedFeed`; pages -> the feeds they announce."""

from akhbar.feeds.discover import COMMON_FEED_PATHS, discover_feeds
from akhbar.feeds.parse import FeedItem, ParsedFeed, parse_feed

__all__ = ["COMMON_FEED_PATHS", "FeedItem", "ParsedFeed", "discover_feeds", "parse_feed"]
