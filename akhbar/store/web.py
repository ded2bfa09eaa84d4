"""Read queries of the web reader and its JSON API that the core store lacks.

A mixin of `SQLiteStore` (it needs only `self.db`). Lists page with a keyset cursor on
(published_at, id), newest first, never with OFFSET: page 500 of the home page costs what page 1
costs (an OFFSET scan grows with the page number). Undated articles come after every dated one
(their date is never guessed), ordered by id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

#: A position in a newest-first list: (published_at ISO text or None for undated, article id).
Cursor = tuple[str | None, int]


@dataclass(frozen=True, slots=True)
class ArticleCard:
    """What a list shows of one article: original title and outlet, never normalised text."""

    id: int
    title: str
    source: str
    source_id: int | None
    published_at: datetime | None
    url: str

    @property
    def cursor(self) -> Cursor:
        when = self.published_at
        return (when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None, self.id)


@dataclass(frozen=True, slots=True)
class CardPage:
    items: list[ArticleCard]
    next_cursor: Cursor | None


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


def _utc(value: str | None) -> datetime | None:
    # fromisoformat reads the stored '...Z' text ~10x faster than strptime (a list page
    # parses 20 of them per request).
    return datetime.fromisoformat(value) if value else None


def _card(row: Sequence[Any]) -> ArticleCard:
    return ArticleCard(row[0], row[1], row[2], row[3], _utc(row[4]), row[5])


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

    def _undated_page(self, after_id: int | None, n: int, f: ListFilter) -> list[ArticleCard]:
        where, params = _filter_sql(f)
        where.append("a.published_at IS NULL")
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
                _utc(r[9]),
                r[10],
            )
            for r in rows
        ]
