"""What each page shows, assembled from the store once for both the HTML page and its JSON twin.

A page handler and its `/api/v1/...` twin call the same function here, so they can never
disagree about which articles a page holds (STYLE.md habit 7).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from akhbar.cluster.related import DEFAULT_RELATED_PARAMS, related_articles
from akhbar.cluster.trends import TagTrend, tag_trend
from akhbar.errors import NotFoundError
from akhbar.export import article_to_dict
from akhbar.export import json_time as iso
from akhbar.models import Article, Feed
from akhbar.store.intel import StoryMember, StorySummary
from akhbar.store.tags import TagInfo
from akhbar.store.web import (
    ArticleCard,
    ArticlePage,
    CardPage,
    Cursor,
    EntryCursor,
    EntryPage,
    ListFilter,
    SourceHealth,
    StoryCard,
)
from akhbar.web.problems import Problem

if TYPE_CHECKING:
    from akhbar.web.store import WebStore

#: Articles per list page (home, tag, outlet, story).
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
RELATED_SHOWN = 5
#: Articles of one story in "read also", at most: as the ranking (akhbar/cluster/related.py).
PER_STORY_SHOWN = DEFAULT_RELATED_PARAMS.per_story
#: Other outlets' articles of the story shown on an article page (the story page has them all).
SAME_STORY_SHOWN = 6
#: Days of a tag's trend (chart and API).
TREND_DAYS = 30
#: Computing "read also" slower than this stores the result as 'related' links, so the next
#: request reads them (one index probe) instead of computing again.
CACHE_RELATED_MS = 2.0

log = logging.getLogger("akhbar.web")


@dataclass(slots=True)
class ArticleView:
    article: Article
    story_id: int | None = None
    related: list[ArticleCard] = field(default_factory=list)  # «اقرأ أيضاً»
    same_story: list[ArticleCard] = field(default_factory=list)  # other outlets, same event
    duplicates: list[ArticleCard] = field(default_factory=list)  # the same text republished
    appended: list[ArticleCard] = field(default_factory=list)  # "read also" items of the page

    @property
    def duplicate_outlets(self) -> list[str]:
        """Distinct outlet names of the copies, in first-seen order («نُشر أيضاً في: …»)."""
        seen: dict[str, None] = {}
        for card in self.duplicates:
            if card.source and card.source != self.article.source:
                seen.setdefault(card.source, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        """export.article_to_dict (the public article shape) plus the page's extras."""
        data = article_to_dict(self.article)
        data["tag_refs"] = [
            {"id": t.id, "display": t.display, "canonical": t.canonical, "type": t.type}
            for t in self.article.tags
        ]
        data["story_id"] = self.story_id
        data["read_also"] = [card_to_dict(c) for c in self.related]
        data["same_story"] = [card_to_dict(c) for c in self.same_story]
        data["also_published_in"] = self.duplicate_outlets
        return data


@dataclass(slots=True)
class StoryEntry:
    """A story member as the story page lists it: an original with its copies folded in."""

    member: StoryMember
    also_in: list[str] = field(default_factory=list)  # outlets of its copies


@dataclass(slots=True)
class StoryView:
    story: StorySummary
    entries: list[StoryEntry]

    def to_dict(self) -> dict[str, Any]:
        """The shape of `akhbar stories show --json`, plus each article's copies' outlets."""
        s = self.story
        folded = {e.member.article_id: e.also_in for e in self.entries}
        return {
            "id": s.id,
            "title": s.title,
            "lead_id": s.lead_id,
            "article_ids": s.article_ids,
            "outlets": s.outlets,
            "outlet_count": s.outlet_count,
            "article_count": s.article_count,
            "first_at": iso(s.first_at),
            "last_at": iso(s.last_at),
            "articles": [
                {
                    "id": m.article_id,
                    "title": m.title,
                    "source": m.source,
                    "published_at": iso(m.published_at),
                    "duplicate_of": m.duplicate_of,
                    "score": m.score,
                    "also_published_in": folded.get(m.article_id, []),
                }
                for m in s.members
            ],
        }


@dataclass(slots=True)
class TagView:
    tag: TagInfo
    page: CardPage
    trend: TagTrend

    @property
    def per_day(self) -> list[tuple[date, int]]:
        return self.trend.per_day


@dataclass(slots=True)
class SourceView:
    source: SourceHealth
    feeds: list[Feed]
    page: CardPage


def card_to_dict(card: ArticleCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": card.title,
        "source": card.source,
        "published_at": card.cursor[0],
        "url": card.url,
    }


def entry_to_dict(item: StoryCard | ArticleCard, tags: list[tuple[str, str]]) -> dict[str, Any]:
    """A home list entry: a story, or an article that is in no story."""
    tag_list = [{"canonical": c, "display": d} for c, d in tags]
    if isinstance(item, StoryCard):
        return {
            "type": "story",
            "id": item.id,
            "title": item.title,
            "lead_id": item.lead_id,
            "source": item.source,
            "article_count": item.article_count,
            "outlet_count": item.outlet_count,
            "first_at": iso(item.first_at) if item.dated else None,
            "last_at": iso(item.last_at) if item.dated else None,
            "tags": tag_list,
        }
    return {"type": "article", **card_to_dict(item), "tags": tag_list}


def entry_page_to_dict(page: EntryPage) -> dict[str, Any]:
    def lead(item: StoryCard | ArticleCard) -> int | None:
        return item.lead_id if isinstance(item, StoryCard) else item.id

    return {
        "items": [entry_to_dict(i, page.tags.get(lead(i) or 0, [])) for i in page.items],
        "next_cursor": entry_cursor_text(page.next_cursor),
    }


def entry_cursor_text(cursor: EntryCursor | None) -> str | None:
    """'1697110500~s12' (a story at that epoch second), '~a123' (an undated article)."""
    if cursor is None:
        return None
    at, kind, ident = cursor
    return f"{'' if at is None else at}~{kind}{ident}"


def parse_entry_cursor(text: str | None) -> EntryCursor | None:
    if not text:
        return None
    at, sep, rest = text.partition("~")
    kind, ident = rest[:1], rest[1:]
    if not sep or kind not in ("s", "a") or not ident.isdigit() or (at and not at.isdigit()):
        raise Problem(
            400, f"bad cursor {text!r}: use the next_cursor a list returned", kind="bad-cursor"
        )
    if not at and kind == "s":  # every story has a time
        raise Problem(400, f"bad cursor {text!r}", kind="bad-cursor")
    return (int(at) if at else None, "s" if kind == "s" else "a", int(ident))


def cursor_text(cursor: Cursor | None) -> str | None:
    """An opaque-looking but readable cursor: '2023-10-12T14:35:00Z~123' or '~123' (undated)."""
    if cursor is None:
        return None
    return f"{cursor[0] or ''}~{cursor[1]}"


def parse_cursor(text: str | None) -> Cursor | None:
    if not text:
        return None
    when, sep, ident = text.partition("~")
    if not sep or not ident.isdigit() or (when and len(when) != 20):
        raise Problem(
            400, f"bad cursor {text!r}: use the next_cursor a list returned", kind="bad-cursor"
        )
    return (when or None, int(ident))


def parse_limit(text: str | None) -> int:
    if not text:
        return PAGE_SIZE
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise Problem(400, f"limit must be an integer 1-{MAX_PAGE_SIZE}", kind="bad-limit")
    return int(text)


# --- the views ----------------------------------------------------------------------------------


def article_view(store: WebStore, article_id: int) -> ArticleView:
    """An article with its story's other outlets, "read also", copies and appended items.

    Four indexed reads whatever the store's size (`article_page` reads the article and every
    linked article's card at once, then the story's other outlets); "read also" is computed
    only when no 'related' link is stored for the article (see `read_also_ids`).
    """
    page = store.article_page(article_id)
    article, story_id = page.article, page.story_id
    by_kind: dict[str, list[int]] = {}
    for ref in article.related:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    copies = by_kind.get("duplicate-of", [])
    if story_id is not None:
        # A copy of this very text elsewhere is «نُشر أيضاً في», not another report.
        same = [
            c
            for c in store.story_cards_except(
                story_id, article_id, article.source, limit=SAME_STORY_SHOWN + len(copies)
            )
            if c.id not in copies
        ][:SAME_STORY_SHOWN]
    else:
        # No story (stored before the stories step existed): 'same-story' links, if any.
        linked = sorted(set(by_kind.get("same-story", [])).difference(copies))
        same = [page.cards[i] for i in linked if page.cards[i].source != article.source]
    related_ids, cards, cached = read_also_ids(
        store, page, exclude={*copies, *(c.id for c in same)}
    )
    if cached:
        # Once per article: its relations now include the links just stored, and the JSON
        # twin (export shape, `related`) must say so from this response on (a stable ETag).
        article = store.article_page(article_id).article

    def pick(ids: list[int]) -> list[ArticleCard]:
        return [cards[i] for i in ids if i in cards]

    return ArticleView(
        article=article,
        story_id=story_id,
        related=pick(related_ids),
        same_story=same,
        duplicates=pick(copies),
        appended=pick(by_kind.get("appended-to", [])),
    )


def read_also_ids(
    store: WebStore, page: ArticlePage, *, exclude: set[int]
) -> tuple[list[int], dict[int, ArticleCard], bool]:
    """«اقرأ أيضاً»: the article's stored 'related' list, best first (ranked in full by
    akhbar/pipeline/relate.py, or provisional from ingest until then), else
    akhbar.cluster.related computed now — and stored when that took more than
    CACHE_RELATED_MS, so it is computed once per article, not once per request. Returns the
    ids, the cards of the page's linked articles (and of those computed now), and whether
    links were stored just now (the caller's copy of the article is then stale).

    Never the article itself, a copy or a member of its own story, and no more of one story
    than the ranking allows (`RelatedParams.per_story`).
    """
    article_id = page.article.id
    ids, cards, stories = page.related_ids, page.cards, page.stories
    cached = False
    if not ids:
        start = time.perf_counter()
        found = related_articles(store, article_id, k=RELATED_SHOWN)
        took = (time.perf_counter() - start) * 1000
        ids = [r.id for r in found]
        if took > CACHE_RELATED_MS and found:
            cached = store.cache_relations([(article_id, r.id, "related", r.score) for r in found])
            log.debug("web.related_computed", extra={"ms": round(took, 2), "cached": cached})
        cards = {**cards, **{c.id: c for c in store.article_cards(ids)}}
        stories = {**stories, **store.story_ids_of(ids)}
    ids = [i for i in ids if i != article_id and i not in exclude]
    shown: dict[int, int] = {}
    out: list[int] = []
    for i in ids:
        other = stories.get(i)
        if other is not None:
            if other == page.story_id or shown.get(other, 0) >= PER_STORY_SHOWN:
                continue
            shown[other] = shown.get(other, 0) + 1
        out.append(i)
    return out[:RELATED_SHOWN], cards, cached


def related_cards(store: WebStore, article_id: int) -> list[ArticleCard]:
    return article_view(store, article_id).related


def home_page(
    store: WebStore, *, after: EntryCursor | None, limit: int, country: str, tag: str
) -> EntryPage:
    """The latest stories (and articles in no story), for `/` and `/api/v1/stories`."""
    tag_id = find_tag(store, tag).id if tag else None
    return store.latest_entries(
        after=after, limit=limit, where=ListFilter(tag_id=tag_id, country=country)
    )


def latest_articles(
    store: WebStore, *, after: Cursor | None, limit: int, country: str, tag: str
) -> CardPage:
    """Every article, newest first (`/api/v1/articles` and the latest-articles feed)."""
    tag_id = find_tag(store, tag).id if tag else None
    return store.latest_articles(
        after=after, limit=limit, where=ListFilter(tag_id=tag_id, country=country)
    )


def find_tag(store: WebStore, name: str) -> TagInfo:
    """A tag by any of its names, merged-away ones included (the store's one tag reader)."""
    try:
        return store.tag_info(name)
    except NotFoundError as exc:
        raise Problem(404, f"no tag {name!r}", kind="not-found") from exc


def tag_view(store: WebStore, name: str, *, after: Cursor | None, limit: int) -> TagView:
    tag = find_tag(store, name)
    return TagView(
        tag=tag,
        page=store.latest_articles(after=after, limit=limit, where=ListFilter(tag_id=tag.id)),
        trend=trend_view(store, tag.canonical),
    )


def trend_view(store: WebStore, name: str, *, days: int = TREND_DAYS) -> TagTrend:
    """Mentions per day and co-occurring tags (akhbar.cluster.trends, as `akhbar trends`)."""
    try:
        return tag_trend(store, name, days=days)
    except NotFoundError as exc:
        raise Problem(404, f"no tag {name!r}", kind="not-found") from exc


def source_view(store: WebStore, source_id: int, *, after: Cursor | None, limit: int) -> SourceView:
    found = store.sources_with_health(source_id)
    if not found:
        raise Problem(404, f"no source with id {source_id}", kind="not-found")
    return SourceView(
        source=found[0],
        feeds=[f for f in store.list_feeds() if f.source_id == source_id],
        page=store.latest_articles(after=after, limit=limit, where=ListFilter(source_id=source_id)),
    )


def story_view(store: WebStore, story_id: int) -> StoryView:
    """A stored story with every member, earliest first; each copy ('duplicate-of' another
    member) folded into its original as «نُشر أيضاً في»."""
    try:
        story = store.get_story(story_id)
    except KeyError:
        raise Problem(404, f"no story with id {story_id}", kind="not-found") from None
    members = {m.article_id: m for m in story.members}

    def root(m: StoryMember) -> int:
        # Follow the copy chain inside the story (chains are 1-2 long; bounded all the same).
        current = m
        for _ in range(8):
            if current.duplicate_of is None or current.duplicate_of not in members:
                break
            current = members[current.duplicate_of]
        return current.article_id

    entries: dict[int, StoryEntry] = {}
    for m in story.members:
        r = root(m)
        if r == m.article_id:
            entries[r] = StoryEntry(m)
    for m in story.members:
        r = root(m)
        if r == m.article_id or not m.source:
            continue
        if m.source != entries[r].member.source and m.source not in entries[r].also_in:
            entries[r].also_in.append(m.source)
    return StoryView(story, list(entries.values()))


def source_to_dict(s: SourceHealth) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "name_en": s.name_en,
        "country": s.country,
        "homepage": s.homepage,
        "articles": s.articles,
        "feeds": s.feeds,
        "enabled_feeds": s.enabled_feeds,
        "failing_feeds": s.failing_feeds,
        "last_success": s.last_success.strftime("%Y-%m-%dT%H:%M:%SZ") if s.last_success else None,
        "last_error": s.last_error,
    }


def feed_to_dict(f: Feed) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None

    return {
        "id": f.id,
        "url": f.url,
        "kind": f.kind,
        "title": f.title,
        "enabled": f.enabled,
        "verified": f.verified,
        "last_polled": iso(f.last_polled),
        "last_success": iso(f.last_success),
        "last_error": f.last_error,
        "consecutive_failures": f.consecutive_failures,
        "items_per_day": f.items_per_day,
    }


def page_to_dict(page: CardPage) -> dict[str, Any]:
    return {
        "items": [card_to_dict(c) for c in page.items],
        "next_cursor": cursor_text(page.next_cursor),
    }
