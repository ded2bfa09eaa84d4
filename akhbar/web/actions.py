"""Write actions shared by the admin pages and the write API: add a source, enable a feed, poll.

Each runs on its own store connection (Reader.write_store), so the readers' connection never
sits inside a long write transaction.
"""

from __future__ import annotations

import asyncio
import logging

from akhbar.errors import AkhbarError, FetchError, FormatError
from akhbar.pipeline.sources import FoundFeed, add_source_from_url
from akhbar.web.app import Reader
from akhbar.web.problems import Problem

log = logging.getLogger("akhbar.web")


async def add_source(reader: Reader, url: str, name: str | None) -> list[FoundFeed]:
    """Find and follow the feeds behind `url`; a Problem the client can act on when it fails."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise Problem(422, "url must be an http:// or https:// address", kind="bad-url")
    try:
        with reader.write_store() as store:
            return await add_source_from_url(store, reader.settings, url, name=name or None)
    except FetchError as exc:
        raise Problem(502, f"could not fetch {url}: {exc.reason}", kind="fetch-failed") from exc
    except FormatError as exc:
        raise Problem(422, exc.message, kind="no-feed") from exc


def set_feed_enabled(reader: Reader, feed_id: int, enabled: bool) -> None:
    with reader.write_store() as store:
        if not any(f.id == feed_id for f in store.list_feeds()):
            raise Problem(404, f"no feed with id {feed_id}", kind="not-found")
        store.set_feed_enabled(feed_id, enabled)


def start_poll(reader: Reader, source: str | None = None) -> bool:
    """Start one poll pass in the background; False when one is already running."""
    if reader.poll_running():
        return False
    task = asyncio.get_running_loop().create_task(_poll(reader, source))
    reader.tasks.add(task)
    task.add_done_callback(reader.tasks.discard)
    return True


async def _poll(reader: Reader, source: str | None) -> None:
    from akhbar.pipeline.index_step import sync_index
    from akhbar.pipeline.poll import poll_once

    try:
        with reader.write_store() as store:
            report = await poll_once(store, reader.settings, source=source)
            if reader.engine is not None:
                # Make the new articles searchable now, then free the writer lock.
                sync_index(store, reader.engine)
                reader.engine.close()
        log.info("web.poll_done", extra={"new_articles": report.new_articles})
    except AkhbarError as exc:
        log.warning("web.poll_failed", extra={"error": str(exc)})
