"""What each page shows, assembled from the store once for both the HTML page and its JSON twin.

A page handler and its `/api/v1/...` twin call the same function here, so they can never
disagree about which articles a page holds (STYLE.md habit 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from akhbar.arabic import normalize_for_match
from akhbar.errors import NotFoundError
from akhbar.export import article_to_dict
from akhbar.models import Article, Feed
from akhbar.store import TagRow
from akhbar.store.web import ArticleCard, CardPage, Cursor, ListFilter, SourceHealth
from akhbar.web.problems import Problem

if TYPE_CHECKING:
    from akhbar.web.store import WebStore

#: Articles per list page (home, tag, outlet, story).
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
RELATED_SHOWN = 5


@dataclass(slots=True)
class ArticleView:
    article: Article
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
        data["read_also"] = [card_to_dict(c) for c in self.related]
        data["same_story"] = [card_to_dict(c) for c in self.same_story]
        data["also_published_in"] = self.duplicate_outlets
        return data


@dataclass(slots=True)
class TagView:
    tag: TagRow
    page: CardPage
    per_day: list[tuple[str, int]]
    seen_with: list[tuple[str, str, int]]


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
    article = store.get_article(article_id)
    by_kind: dict[str, list[int]] = {}
    for ref in article.related:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    story_ids = [i for i in store.same_story_ids(article_id) if i != article_id]
    related_ids = [i for i in by_kind.get("related", []) if i not in story_ids][:RELATED_SHOWN]
    wanted = [
        *related_ids,
        *story_ids,
        *by_kind.get("duplicate-of", []),
        *by_kind.get("appended-to", []),
    ]
    cards = {c.id: c for c in store.article_cards(list(dict.fromkeys(wanted)))}

    def pick(ids: list[int]) -> list[ArticleCard]:
        return [cards[i] for i in ids if i in cards]

    return ArticleView(
        article=article,
        related=pick(related_ids),
        # Same story elsewhere: other outlets only (the same outlet's follow-ups are "related").
        same_story=[c for c in pick(story_ids) if c.source != article.source],
        duplicates=pick(by_kind.get("duplicate-of", [])),
        appended=pick(by_kind.get("appended-to", [])),
    )


def related_cards(store: WebStore, article_id: int) -> list[ArticleCard]:
    return article_view(store, article_id).related


def home_page(
    store: WebStore, *, after: Cursor | None, limit: int, country: str, tag: str
) -> CardPage:
    tag_id = find_tag(store, tag).id if tag else None
    return store.latest_articles(
        after=after, limit=limit, where=ListFilter(tag_id=tag_id, country=country)
    )


def find_tag(store: WebStore, name: str) -> TagRow:
    """A tag by its canonical name or any spelling of it (normalised as the store keys it)."""
    try:
        return store.get_tag(normalize_for_match(name) or name)
    except NotFoundError as exc:
        raise Problem(404, f"no tag {name!r}", kind="not-found") from exc


def tag_view(store: WebStore, name: str, *, after: Cursor | None, limit: int) -> TagView:
    tag = find_tag(store, name)
    return TagView(
        tag=tag,
        page=store.latest_articles(after=after, limit=limit, where=ListFilter(tag_id=tag.id)),
        per_day=store.tag_daily_counts(tag.id),
        seen_with=store.tags_seen_with(tag.id),
    )


def source_view(store: WebStore, source_id: int, *, after: Cursor | None, limit: int) -> SourceView:
    found = store.sources_with_health(source_id)
    if not found:
        raise Problem(404, f"no source with id {source_id}", kind="not-found")
    return SourceView(
        source=found[0],
        feeds=[f for f in store.list_feeds() if f.source_id == source_id],
        page=store.latest_articles(after=after, limit=limit, where=ListFilter(source_id=source_id)),
    )


def story_page(store: WebStore, story_id: int, *, after: Cursor | None, limit: int) -> CardPage:
    """A story's articles, newest first.

    Until stories are stored (akhbar/store/intel.py), a story is named by one of its articles:
    that article and every article linked to it by a same-story relation.
    """
    store.get_article(story_id)  # 404 for an unknown id
    members = (story_id, *store.same_story_ids(story_id))
    return store.latest_articles(after=after, limit=limit, where=ListFilter(article_ids=members))


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
