"""Sources stage: the bundled outlet list, OPML in and out, canonical URLs, poll timing.

Pure: no socket, no SQL. `pipeline.sources` stores what these return; `pipeline.poll` asks
`next_poll_delay` when to come back.
"""

from akhbar.sources.catalog import (
    REGIONS,
    FeedEntry,
    OutletEntry,
    load_default_sources,
    parse_source_list,
)
from akhbar.sources.opml import (
    OpmlDocument,
    OpmlFeed,
    SkippedOutline,
    parse_opml,
    read_opml,
    write_opml,
)
from akhbar.sources.schedule import classify_failure, estimate_items_per_day, next_poll_delay
from akhbar.sources.urls import canonicalize_url, host_of

__all__ = [
    "REGIONS",
    "FeedEntry",
    "OpmlDocument",
    "OpmlFeed",
    "OutletEntry",
    "SkippedOutline",
    "canonicalize_url",
    "classify_failure",
    "estimate_items_per_day",
    "host_of",
    "load_default_sources",
    "next_poll_delay",
    "parse_opml",
    "parse_source_list",
    "read_opml",
    "write_opml",
]
