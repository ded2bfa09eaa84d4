"""Reading article rows: the columns every article query selects, and the Article they make.

Shared by the store's queries (sqlite.py) and the reader's page queries (web.py), so that an
article read for a page is the same object `get_article` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from akhbar.models import Article

#: The columns of an Article, in `article_from_row`'s order (articles `a`, sources `s`).
ARTICLE_COLUMNS = (
    "a.id, a.title, a.body, a.url, a.canonical_url, a.published_at, a.imported_at, "
    "coalesce(s.name, ''), a.language, a.fingerprint, a.origin, a.encoding, a.author, a.partial"
)


def queued_now() -> str:
    """The time a row is queued (search outbox, read-also queue), with microseconds: a row
    queued again while a worker was processing the copy it read differs from that copy, so the
    worker's "done" leaves it in place."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc_iso(value: str) -> datetime:
    """A stored 'YYYY-MM-DDTHH:MM:SSZ' as an aware UTC datetime (fromisoformat reads it ~10x
    faster than strptime; a list page parses dozens per request)."""
    return datetime.fromisoformat(value)


def parse_utc_iso_or_none(value: str | None) -> datetime | None:
    """`parse_utc_iso` of a nullable column."""
    return datetime.fromisoformat(value) if value else None


def article_from_row(row: Sequence[Any]) -> Article:
    """The Article of a row whose first columns are ARTICLE_COLUMNS."""
    return Article(
        id=row[0],
        title=row[1],
        body=row[2],
        url=row[3],
        canonical_url=row[4],
        published_at=parse_utc_iso_or_none(row[5]),
        imported_at=parse_utc_iso(row[6]),
        source=row[7],
        language=row[8],
        fingerprint=row[9],
        origin=row[10],
        encoding=row[11],
        author=row[12],
        partial=bool(row[13]),
    )
