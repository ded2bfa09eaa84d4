"""Plain data that flows between the stages. No behaviour beyond small derived values.

Every input (a feed entry, a fetched page, a dump line) is adapted into a `RawArticle`;
the pipeline turns it into a stored `Article`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

TagOrigin = Literal["publisher", "extracted"]
RelationKind = Literal["duplicate-of", "appended-to", "related", "same-story"]
RELATION_KINDS: tuple[RelationKind, ...] = ("duplicate-of", "appended-to", "related", "same-story")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an article came from: a file and line, or a URL."""

    path: str | None = None
    line: int | None = None
    url: str | None = None

    def __str__(self) -> str:
        if self.url:
            return self.url
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(slots=True)
class RawArticle:
    """One article as an input gave it, before normalisation. Text is as published.

    `tags` are the publisher's own tags (already split). `appended` holds articles that the
    page carried after the article proper (a "read also" section): each becomes its own record,
    linked with an `appended-to` relation.
    """

    title: str
    body: str
    origin: Origin
    url: str = ""
    canonical_url: str = ""
    source_name: str = ""
    published_at: datetime | None = None
    published_text: str = ""
    language: str = "ar"
    tags: list[str] = field(default_factory=list)
    tag_aliases: dict[str, list[str]] = field(default_factory=dict)
    author: str = ""
    image_url: str = ""
    encoding: str = ""
    partial: bool = False
    feed_id: int | None = None
    appended: list[RawArticle] = field(default_factory=list)


@dataclass(slots=True)
class Source:
    """An outlet (البوابة نيوز). Feeds belong to a source; counts and stories see the source."""

    id: int
    name: str
    name_en: str = ""
    country: str = ""
    homepage: str = ""
    timezone: str = ""


@dataclass(slots=True)
class TagRef:
    id: int
    display: str
    canonical: str
    type: str = ""
    origin: TagOrigin = "publisher"


@dataclass(slots=True)
class RelationRef:
    id: int
    kind: RelationKind
    title: str


@dataclass(slots=True)
class Article:
    """An article as stored. `body` keeps paragraphs separated by blank lines."""

    id: int
    title: str
    body: str
    url: str
    canonical_url: str
    published_at: datetime | None
    imported_at: datetime
    source: str
    language: str
    fingerprint: str
    origin: str
    encoding: str = ""
    author: str = ""
    partial: bool = False
    tags: list[TagRef] = field(default_factory=list)
    related: list[RelationRef] = field(default_factory=list)


@dataclass(slots=True)
class Feed:
    """One feed (or sitemap) of an outlet, with its polling state and health."""

    id: int
    source_id: int
    source_name: str
    source_timezone: str
    url: str
    kind: str
    title: str = ""
    category: str = ""
    enabled: bool = True
    verified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_polled: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    items_seen: int = 0
    items_per_day: float = 0.0
    next_poll: datetime | None = None
