"""Read queries of the web reader and its JSON API that the core store lacks.

A mixin of `SQLiteStore` (it needs only `self.db`). Lists page with a keyset cursor on
(published_at, id), newest first, never with OFFSET: page 500 of the home page costs what page 1
costs (an OFFSET scan grows with the page number). Undated articles come after every dated one
(their date is never guessed), ordered by id.

The home page lists stories (akhbar/store/intel.py) by their latest member, merged with the
articles that are in no story (stored before the stories step ran, or by a pipeline without
it); see `latest_entries`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple

from akhbar.errors import NotFoundError
from akhbar.models import Article, RelationKind, RelationRef, TagRef
from akhbar.store.rows import ARTICLE_COLUMNS, article_from_row, parse_utc_iso_or_none

#: A position in a newest-first list: (published_at ISO text or None for undated, article id).
Cursor = tuple[str | None, int]
#: A position in the home list: (epoch seconds or None for undated, "s" story / "a" article,
#: id). At one instant a story sorts before an article ("s" > "a", descending order).
EntryCursor = tuple[int | None, Literal["s", "a"], int]


class ArticleCard(NamedTuple):
    """What a list shows of one article: original title and outlet, never normalised text.

    Cards (and StoryCard) are named tuples, not frozen dataclasses: a page builds a dozen to
    twenty of them, and a frozen dataclass sets each field through object.__setattr__, which
    made building a card cost four times what building the tuple does. Immutable either way.
    """

    id: int
    title: str
    source: str
    source_id: int | None
    published_at: datetime | None
    url: str
    #: published_at as stored ('2023-10-12T14:35:00Z'): lists print it in <time datetime>, and
    #: keeping the stored text spares a strftime per card (a tenth of a card's rendering).
    published_iso: str | None = None

    @property
    def cursor(self) -> Cursor:
        when = self.published_at
        if when is None:
            return (None, self.id)
        return (self.published_iso or when.strftime("%Y-%m-%dT%H:%M:%SZ"), self.id)

    @property
    def entry_cursor(self) -> EntryCursor:
        when = self.published_at
        return (int(when.timestamp()) if when else None, "a", self.id)


@dataclass(frozen=True, slots=True)
class CardPage:
    items: list[ArticleCard]
    next_cursor: Cursor | None


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """An article and everything linked to it, as the article page needs them (`article_page`).

    `article` is what `get_article` returns (tags and relations attached); `related_ids` are
    its 'related' links best first (as `relation_ids`); `cards` and `stories` hold the card
    and the story of every article it is linked to, either direction, by any kind but
    'same-story' when it is in a story (the page then lists its story's other outlets).
    """

    article: Article
    story_id: int | None
    related_ids: list[int]
    cards: dict[int, ArticleCard]
    stories: dict[int, int]


class StoryCard(NamedTuple):
    """What the home page shows of a story: its lead's title and outlet, counts, time span.
    A named tuple for the reason ArticleCard is one."""

    id: int
    title: str
    lead_id: int | None
    article_count: int
    outlet_count: int
    first_at: datetime
    last_at: datetime
    source: str  # the lead's outlet
    at: int  # last_at in epoch seconds: the sort key
    #: False when the lead article printed no date: the story's times are then when akhbar
    #: received it, which must not be shown as a publication time (dates are never guessed).
    dated: bool = True
    #: last_at as '2023-10-12T14:35:00Z', formatted by SQLite with the row (a strftime per
    #: card in Python was a fourteenth of the home page's time).
    last_iso: str = ""

    @property
    def entry_cursor(self) -> EntryCursor:
        return (self.at, "s", self.id)


@dataclass(frozen=True, slots=True)
class EntryPage:
    """A page of the home list: stories and story-less articles, newest first, with up to
    `TAGS_PER_CARD` tags of each (of a story's lead), fetched for the whole page at once."""

    items: list[StoryCard | ArticleCard]
    next_cursor: EntryCursor | None
    tags: dict[int, list[tuple[str, str]]]  # article id -> [(canonical, display)]

    @property
    def tagged(self) -> list[tuple[StoryCard | ArticleCard, list[tuple[str, str]]]]:
        """Each item with its card's tags (a story's are its lead's): paired here once, not
        looked up per card by the template (a call in a template costs more than a card's
        escaping)."""
        return [
            (i, self.tags.get(i.id if isinstance(i, ArticleCard) else i.lead_id or 0, []))
            for i in self.items
        ]


#: Tags shown on a home card.
TAGS_PER_CARD = 3
#: Above this many remembered story-less articles in a page's time span, they are dense: a
#: plain scan of the span finds a page of them at once, and a list of ids would only be long.
MAX_STORYLESS_PROBE = 200


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """An outlet with its article count and the health of its feeds."""

    id: int
    name: str
    name_en: str
    country: str
    homepage: str
    articles: int
    feeds: int
    enabled_feeds: int
    failing_feeds: int
    last_success: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Optional narrowing of an article list; every field combines with AND."""

    source_id: int | None = None
    tag_id: int | None = None
    country: str = ""
    article_ids: tuple[int, ...] | None = None


_CARD_SQL = (
    "SELECT a.id, a.title, coalesce(s.name, ''), a.source_id, a.published_at, a.url"
    " FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
)
#: An article's row (the columns of SQLiteStore.get_article) and its story.
_PAGE_ARTICLE_SQL = (
    f"SELECT {ARTICLE_COLUMNS}, m.story_id FROM articles a LEFT JOIN sources s"
    " ON s.id = a.source_id LEFT JOIN story_members m ON m.article_id = a.id WHERE a.id = ?"
)
#: Every link of an article (?1), either direction: kind, score, id and title, and the linked
#: article's card and story for every kind but 'same-story' (for that one too when ?2 is
#: true). The page shows a card for every other kind; same-story links are many for the
#: first articles of a long story (24,000 in the benchmark store) and their cards are read
#: only when the article has no story to list its other outlets from.
# Links in both directions, but 'related' rows only the article's own: they are its ranked
# "read also" list (a later article's link to it is a row of its own, migration 0008).
_PAGE_LINKS_SQL = " UNION ALL ".join(
    part
    for me, other, kinds in (
        ("article_id", "other_id", ""),
        ("other_id", "article_id", " AND r.kind != 'related'"),
    )
    for part in (
        "SELECT r.kind, r.score, o.id, o.title, coalesce(s.name, ''), o.source_id,"
        " o.published_at, o.url, m.story_id FROM article_relations r"
        f" JOIN articles o ON o.id = r.{other} LEFT JOIN sources s ON s.id = o.source_id"
        f" LEFT JOIN story_members m ON m.article_id = o.id"
        f" WHERE r.{me} = ?1 AND (r.kind != 'same-story' OR ?2){kinds}",
        "SELECT r.kind, r.score, o.id, o.title, NULL, NULL, NULL, NULL, NULL"
        f" FROM article_relations r JOIN articles o ON o.id = r.{other}"
        f" WHERE r.{me} = ?1 AND r.kind = 'same-story' AND NOT ?2",
    )
)


def _card(row: Sequence[Any]) -> ArticleCard:
    return ArticleCard(
        row[0], row[1], row[2], row[3], parse_utc_iso_or_none(row[4]), row[5], row[4]
    )


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_key(item: StoryCard | ArticleCard) -> tuple[int, int, int, int]:
    """Sort key of the home list (descending): dated first, then time, stories first, id."""
    at, kind, ident = item.entry_cursor
    return (at is not None, at or 0, kind == "s", ident)


def _story_filter_sql(f: ListFilter) -> tuple[list[str], list[Any]]:
    """A story matches a filter when one of its members does (EXISTS: one index probe per
    story scanned, newest first, stopping at the page size)."""
    where: list[str] = []
    params: list[Any] = []
    if f.source_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM story_members m WHERE m.story_id = s.id AND m.source_id = ?)"
        )
        params.append(f.source_id)
    if f.tag_id is not None:
        where.append(
            "EXISTS (SELECT 1 FROM story_members m JOIN article_tags t"
            " ON t.article_id = m.article_id WHERE m.story_id = s.id AND t.tag_id = ?)"
        )
        params.append(f.tag_id)
    if f.country:
        where.append(
            "EXISTS (SELECT 1 FROM story_members m JOIN sources src ON src.id = m.source_id"
            " WHERE m.story_id = s.id AND src.country = ?)"
        )
        params.append(f.country)
    if f.article_ids is not None:
        raise ValueError("stories cannot be narrowed to article ids")
    return where, params


_STORY_CARD_SQL = (
    "SELECT s.id, coalesce(a.title, ''), s.lead_id, s.article_count, s.outlet_count,"
    " s.first_at, s.last_at, coalesce(src.name, ''), a.published_at IS NOT NULL,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', s.last_at, 'unixepoch') FROM stories s"
    " LEFT JOIN articles a ON a.id = s.lead_id LEFT JOIN sources src ON src.id = a.source_id"
)
_NO_STORY = "NOT EXISTS (SELECT 1 FROM story_members m WHERE m.article_id = a.id)"


def _story_card(r: Sequence[Any]) -> StoryCard:
    first, last = datetime.fromtimestamp(r[5], UTC), datetime.fromtimestamp(r[6], UTC)
    return StoryCard(r[0], r[1], r[2], r[3], r[4], first, last, r[7], r[6], bool(r[8]), r[9])


def _filter_sql(f: ListFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if f.source_id is not None:
        where.append("a.source_id = ?")
        params.append(f.source_id)
    if f.tag_id is not None:
        where.append("a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)")
        params.append(f.tag_id)
    if f.country:
        where.append("a.source_id IN (SELECT id FROM sources WHERE country = ?)")
        params.append(f.country)
    if f.article_ids is not None:
        where.append(f"a.id IN ({','.join('?' * len(f.article_ids)) or 'NULL'})")
        params.extend(f.article_ids)
    return where, params


class WebQueries:
    db: sqlite3.Connection
    # The story-less articles this connection has found (see `_storyless`); replaced, never
    # mutated in place, so the class-level empty defaults are never shared state.
    _storyless_seen: int = 0
    _storyless_known: tuple[tuple[str, int], ...] = ()

    # --- article lists --------------------------------------------------------------------------

    def latest_articles(
        self, *, after: Cursor | None = None, limit: int = 20, where: ListFilter = ListFilter()
    ) -> CardPage:
        """One newest-first page after `after` (exclusive) and the cursor of the next page."""
        items: list[ArticleCard] = []
        if after is None or after[0] is not None:
            items = self._dated_page(after, limit + 1, where)
        if len(items) <= limit:
            # The dated articles ran out on this page: continue with the undated ones.
            undated_after = after[1] if after is not None and after[0] is None else None
            items += self._undated_page(undated_after, limit + 1 - len(items), where)
        more = len(items) > limit
        items = items[:limit]
        return CardPage(items, items[-1].cursor if more and items else None)

    def _dated_page(self, after: Cursor | None, n: int, f: ListFilter) -> list[ArticleCard]:
        where, params = _filter_sql(f)
        where.append("a.published_at IS NOT NULL")
        if after is not None:
            where.append("(a.published_at < ? OR (a.published_at = ? AND a.id < ?))")
            params += [after[0], after[0], after[1]]
        rows = self.db.execute(
            f"{_CARD_SQL} WHERE {' AND '.join(where)}"
            " ORDER BY a.published_at DESC, a.id DESC LIMIT ?",
            (*params, n),
        ).fetchall()
        return [_card(r) for r in rows]

    def _undated_page(
        self, after_id: int | None, n: int, f: ListFilter, *, extra: str = ""
    ) -> list[ArticleCard]:
        where, params = _filter_sql(f)
        where.append("a.published_at IS NULL")
        if extra:
            where.append(extra)
        if after_id is not None:
            where.append("a.id < ?")
            params.append(after_id)
        rows = self.db.execute(
            f"{_CARD_SQL} WHERE {' AND '.join(where)} ORDER BY a.id DESC LIMIT ?",
            (*params, n),
        ).fetchall()
        return [_card(r) for r in rows]

    def article_cards(self, ids: Sequence[int]) -> list[ArticleCard]:
        """Cards of the articles with these ids that exist, in the order of `ids`."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"{_CARD_SQL} WHERE a.id IN ({marks})", list(ids)).fetchall()
        by_id = {r[0]: _card(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    # --- the home list: stories, then the articles in no story --------------------------------

    def latest_entries(
        self,
        *,
        after: EntryCursor | None = None,
        limit: int = 20,
        where: ListFilter = ListFilter(),
    ) -> EntryPage:
        """One newest-first page of stories (by their latest member) merged with the articles
        that are in no story, and the cursor of the next page.

        The stories are read first (limit + 1); the story-less articles are then read only in
        the time span those stories cover, so their scan is bounded by the page too, however
        many articles the store holds. Only once the stories run out does it read the rest.
        """
        items: list[StoryCard | ArticleCard] = []
        if after is None or after[0] is not None:
            stories = self._story_cards(after, limit + 1, where)
            floor = stories[-1].at if len(stories) > limit else None
            items = [*stories, *self._storyless_dated(after, floor, limit + 1, where)]
            items.sort(key=_entry_key, reverse=True)
            del items[limit + 1 :]
        if len(items) <= limit:
            undated_after = after[2] if after is not None and after[0] is None else None
            items += self._undated_page(
                undated_after, limit + 1 - len(items), where, extra=_NO_STORY
            )
        more = len(items) > limit
        items = items[:limit]
        lead_ids = [i.lead_id if isinstance(i, StoryCard) else i.id for i in items]
        return EntryPage(
            items,
            items[-1].entry_cursor if more and items else None,
            self.card_tags([i for i in lead_ids if i is not None]),
        )

    def _story_cards(self, after: EntryCursor | None, n: int, f: ListFilter) -> list[StoryCard]:
        where, params = _story_filter_sql(f)
        where.append("s.article_count > 0")
        if after is not None and after[0] is not None:
            if after[1] == "s":
                where.append("(s.last_at < ? OR (s.last_at = ? AND s.id < ?))")
                params += [after[0], after[0], after[2]]
            else:  # an article at that instant came after every story of the instant
                where.append("s.last_at < ?")
                params.append(after[0])
        rows = self.db.execute(
            f"{_STORY_CARD_SQL} WHERE {' AND '.join(where)}"
            " ORDER BY s.last_at DESC, s.id DESC LIMIT ?",
            (*params, n),
        ).fetchall()
        return [_story_card(r) for r in rows]

    def _storyless_dated(
        self, after: EntryCursor | None, floor: int | None, n: int, f: ListFilter
    ) -> list[ArticleCard]:
        """Dated articles in no story, after the cursor and at or after `floor` (epoch)."""
        known = self._storyless()
        if not known:
            # Every article is in a story (the usual case: the stories step places each new
            # one): there is nothing to list, and the probe below would find nothing.
            return []
        where, params = _filter_sql(f)
        where += ["a.published_at IS NOT NULL", _NO_STORY]
        high = low = None
        if after is not None and after[0] is not None:
            high = _iso(after[0])
            if after[1] == "a":
                where.append("(a.published_at < ? OR (a.published_at = ? AND a.id < ?))")
                params += [high, high, after[2]]
            else:  # the articles of the story's instant have not been shown yet
                where.append("a.published_at <= ?")
                params.append(high)
        if floor is not None:
            low = _iso(floor)
            where.append("a.published_at >= ?")
            params.append(low)
        candidates = [
            i
            for when, i in known
            if (high is None or when <= high) and (low is None or when >= low)
        ]
        if len(candidates) <= MAX_STORYLESS_PROBE:
            # Few story-less articles (the usual case: the stories step places every new
            # one): probe them by id rather than scan every article of the time span.
            where.append(f"a.id IN ({','.join('?' * len(candidates)) or 'NULL'})")
            params += candidates
        rows = self.db.execute(
            f"{_CARD_SQL} WHERE {' AND '.join(where)}"
            " ORDER BY a.published_at DESC, a.id DESC LIMIT ?",
            (*params, n),
        ).fetchall()
        return [_card(r) for r in rows]

    def _storyless(self) -> tuple[tuple[str, int], ...]:
        """(published_at, id) of the dated articles in no story, as far as this connection has
        looked: articles added since the last call are checked (an id range past the last one
        seen), the rest is remembered. A remembered article that has since joined a story is
        still a candidate only: the query that lists them checks membership again.

        Without this, a home page whose stories run out (the last page, or a store with few
        stories) would scan every older article for the few that have no story.
        """
        seen, known = self._storyless_seen, self._storyless_known
        newest = self.db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        if newest > seen:
            known = known + tuple(
                (r[0], int(r[1]))
                for r in self.db.execute(
                    "SELECT a.published_at, a.id FROM articles a WHERE a.id > ? AND a.id <= ?"
                    f" AND a.published_at IS NOT NULL AND {_NO_STORY}",
                    (seen, newest),
                )
            )
            self._storyless_seen, self._storyless_known = newest, known
        return known

    def card_tags(self, article_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """(canonical, display) of the strongest `TAGS_PER_CARD` tags of each article: one
        query for a whole page of cards, never one per card."""
        if not article_ids:
            return {}
        out: dict[int, list[tuple[str, str]]] = {}
        for article_id, canonical, display in self.db.execute(
            "SELECT at.article_id, t.canonical, t.display FROM article_tags at"
            " JOIN tags t ON t.id = at.tag_id"
            f" WHERE at.article_id IN ({','.join('?' * len(article_ids))})"
            " ORDER BY at.article_id, at.score DESC, t.id",
            list(article_ids),
        ):
            tags = out.setdefault(article_id, [])
            # An article can carry a tag twice (publisher and extracted): show it once.
            if len(tags) < TAGS_PER_CARD and (canonical, display) not in tags:
                tags.append((canonical, display))
        return out

    # --- an article's neighbours ----------------------------------------------------------------

    def article_page(self, article_id: int) -> ArticlePage:
        """The article (as `get_article` returns it), its story, and the card and story of
        the articles linked to it (see ArticlePage): three queries where reading them one by
        one took eight.

        The page showed this in eight reads (the article, its tags, its relations with their
        titles, its story, its 'related' links again with their scores, their stories, then
        the cards of the same linked articles); each linked article is now read once.
        NotFoundError when there is no such article.
        """
        row = self.db.execute(_PAGE_ARTICLE_SQL, (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        article = article_from_row(row)
        for tag_id, display, canonical, type_, origin in self.db.execute(
            "SELECT t.id, t.display, t.canonical, t.type, at.origin FROM article_tags at"
            " JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?"
            " ORDER BY at.score DESC, t.id",
            (article_id,),
        ):
            # Once per tag, at its best score (publisher and extracted may both carry it).
            if all(t.id != tag_id for t in article.tags):
                article.tags.append(TagRef(tag_id, display, canonical, type_, origin))
        story_id = row[14]
        links: list[tuple[RelationKind, float, int, str]] = []
        cards: dict[int, ArticleCard] = {}
        stories: dict[int, int] = {}
        for r in self.db.execute(_PAGE_LINKS_SQL, (article_id, story_id is None)):
            links.append((r[0], r[1], r[2], r[3]))
            if r[4] is not None:  # a row with the card
                cards[r[2]] = ArticleCard(
                    r[2], r[3], r[4], r[5], parse_utc_iso_or_none(r[6]), r[7], r[6]
                )
                if r[8] is not None:
                    stories[r[2]] = int(r[8])
        # get_article's order: by kind, then linked id.
        links.sort(key=lambda x: (x[0], x[2]))
        article.related = [RelationRef(i, kind, title) for kind, _, i, title in links]
        best_first = sorted((x for x in links if x[0] == "related"), key=lambda x: (-x[1], x[2]))
        return ArticlePage(
            article=article,
            story_id=story_id,
            related_ids=list(dict.fromkeys(i for _, _, i, _ in best_first)),
            cards=cards,
            stories=stories,
        )

    def story_cards_except(
        self, story_id: int, article_id: int, source: str, *, limit: int
    ) -> list[ArticleCard]:
        """Cards of a story's members other than `article_id` and other than its outlet's
        (by name, as an Article carries it), earliest first: "same story in other outlets"."""
        rows = self.db.execute(
            f"{_CARD_SQL} JOIN story_members m ON m.article_id = a.id"
            " WHERE m.story_id = ? AND a.id != ? AND coalesce(s.name, '') != ?"
            " ORDER BY m.at, m.article_id LIMIT ?",
            (story_id, article_id, source, limit),
        ).fetchall()
        return [_card(r) for r in rows]

    def relation_ids(self, article_id: int, kind: RelationKind) -> list[int]:
        """Articles linked to this one by `kind`, either direction, best score first; for
        'related' only the article's own rows (its "read also" list)."""
        rows = self.db.execute(
            "SELECT other_id, score FROM article_relations WHERE article_id = ?1 AND kind = ?2"
            " UNION ALL SELECT article_id, score FROM article_relations"
            " WHERE other_id = ?1 AND kind = ?2 AND ?2 != 'related' ORDER BY 2 DESC, 1",
            (article_id, kind),
        ).fetchall()
        return list(dict.fromkeys(int(r[0]) for r in rows))

    def cache_relations(self, rows: Sequence[tuple[int, int, RelationKind, float]]) -> bool:
        """Store computed links (a cache of "read also"), never waiting for the write lock.

        The reader serves pages on one connection on the event loop: waiting out a poller's
        write transaction (busy_timeout is 10 s) would stall every request, so when the lock
        is taken the links are simply not cached this time (False).
        """
        if not rows:
            return True
        return self.write_if_free(
            lambda: self.db.executemany(
                "INSERT INTO article_relations (article_id, other_id, kind, score, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(*r, _iso(int(datetime.now(UTC).timestamp()))) for r in rows],
            )
        )

    def write_if_free(self, write: Callable[[], object]) -> bool:
        """Run `write` in a transaction of its own if the write lock is free now: False (and
        nothing written) when another connection holds it, or the database is read-only.

        For the reader's connection, which serves every request on the event loop: waiting out
        a poller's or an import's transaction (busy_timeout is 10 s) would stall them all."""
        timeout = int(self.db.execute("PRAGMA busy_timeout").fetchone()[0])
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                write()
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
            return True
        except sqlite3.OperationalError:  # locked, busy, or a read-only database
            return False
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {timeout}")

    def same_story_ids(self, article_id: int) -> list[int]:
        """Articles linked to this one by a same-story relation, either direction, oldest first."""
        rows = self.db.execute(
            "SELECT other_id FROM article_relations WHERE article_id = ?1 AND kind = 'same-story'"
            " UNION SELECT article_id FROM article_relations WHERE other_id = ?1"
            " AND kind = 'same-story' ORDER BY 1",
            (article_id,),
        ).fetchall()
        return [int(r[0]) for r in rows]

    # --- tags -----------------------------------------------------------------------------------

    def tag_daily_counts(self, tag_id: int, *, days: int = 30) -> list[tuple[str, int]]:
        """(YYYY-MM-DD, articles) for the `days` days ending at the tag's latest article; days
        without an article are included with 0, so a chart shows the gaps."""
        rows = self.db.execute(
            "SELECT substr(a.published_at, 1, 10) AS day, count(DISTINCT a.id)"
            " FROM article_tags at JOIN articles a ON a.id = at.article_id"
            " WHERE at.tag_id = ? AND a.published_at IS NOT NULL GROUP BY day ORDER BY day DESC"
            " LIMIT ?",
            (tag_id, days),
        ).fetchall()
        if not rows:
            return []
        counts = {r[0]: int(r[1]) for r in rows}
        last = datetime.strptime(rows[0][0], "%Y-%m-%d").date()
        out = []
        for back in range(days - 1, -1, -1):
            day = (last - timedelta(days=back)).isoformat()
            out.append((day, counts.get(day, 0)))
        return out

    def tags_seen_with(self, tag_id: int, *, limit: int = 10) -> list[tuple[str, str, int]]:
        """(canonical, display, shared articles) of the tags most often on the same articles."""
        rows = self.db.execute(
            "SELECT t.canonical, t.display, count(DISTINCT o.article_id) AS n"
            " FROM article_tags me JOIN article_tags o ON o.article_id = me.article_id"
            " JOIN tags t ON t.id = o.tag_id WHERE me.tag_id = ?1 AND o.tag_id != ?1"
            " GROUP BY t.id ORDER BY n DESC, t.display LIMIT ?2",
            (tag_id, limit),
        ).fetchall()
        return [(r[0], r[1], int(r[2])) for r in rows]

    def top_tags(self, *, limit: int = 50) -> list[tuple[str, str, str, int]]:
        """(canonical, display, type, articles) of the most used tags."""
        rows = self.db.execute(
            "SELECT t.canonical, t.display, t.type, count(DISTINCT at.article_id) AS n"
            " FROM article_tags at JOIN tags t ON t.id = at.tag_id GROUP BY t.id"
            " ORDER BY n DESC, t.display LIMIT ?",
            (limit,),
        ).fetchall()
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    def countries(self) -> list[str]:
        """Country codes of the outlets that have articles (for the home page filter)."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT s.country FROM sources s WHERE s.country != ''"
                " AND EXISTS (SELECT 1 FROM articles a WHERE a.source_id = s.id) ORDER BY 1"
            )
        ]

    # --- sources --------------------------------------------------------------------------------

    def sources_with_health(self, source_id: int | None = None) -> list[SourceHealth]:
        """Every outlet (or one) with article and feed counts and its latest feed outcome."""
        rows = self.db.execute(
            "SELECT s.id, s.name, s.name_en, s.country, s.homepage,"
            " (SELECT count(*) FROM articles a WHERE a.source_id = s.id),"
            " count(f.id), coalesce(sum(f.enabled), 0),"
            " coalesce(sum(f.consecutive_failures > 0), 0), max(f.last_success),"
            " (SELECT f2.last_error FROM feeds f2 WHERE f2.source_id = s.id"
            "  AND f2.consecutive_failures > 0 ORDER BY f2.last_error_at DESC LIMIT 1)"
            " FROM sources s LEFT JOIN feeds f ON f.source_id = s.id"
            " WHERE ?1 IS NULL OR s.id = ?1 GROUP BY s.id ORDER BY s.name",
            (source_id,),
        ).fetchall()
        return [
            SourceHealth(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                int(r[5]),
                int(r[6]),
                int(r[7]),
                int(r[8]),
                parse_utc_iso_or_none(r[9]),
                r[10],
            )
            for r in rows
        ]
