"""The store side of search: the outbox of articles to (re)index, and the reads search needs.

A mixin of `SQLiteStore` (it only needs `self.db`). The outbox makes the index follow the store
through crashes: an article id is queued in the transaction that stores the article, and leaves
the outbox only after the search index has committed it (akhbar/pipeline/index_step.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from akhbar.store.rows import parse_utc_iso_or_none, queued_now

OutboxOp = Literal["upsert", "delete"]


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    article_id: int
    op: OutboxOp
    queued_at: str


@dataclass(frozen=True, slots=True)
class SearchRow:
    """What search indexes and shows of one article: original text, never normalised.

    `tags` holds the normalised names and aliases of the article's tags (empty unless asked).
    """

    id: int
    title: str
    body: str
    url: str
    source: str
    published_at: datetime | None
    tags: tuple[str, ...] = ()


_ROW_SQL = (
    "SELECT a.id, a.title, a.body, a.url, coalesce(s.name, ''), a.published_at"
    " FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
)


class SearchOutboxMixin:
    db: sqlite3.Connection

    # --- the outbox -----------------------------------------------------------------------------

    def queue_search(self, article_ids: Iterable[int], op: OutboxOp = "upsert") -> None:
        """Queue articles for the search index; call it inside the transaction that changed
        them. A later op for the same article replaces an earlier one still pending."""
        now = queued_now()
        self.db.executemany(
            "INSERT INTO search_outbox (article_id, op, queued_at) VALUES (?, ?, ?)"
            " ON CONFLICT (article_id) DO UPDATE SET op = excluded.op,"
            " queued_at = excluded.queued_at",
            [(article_id, op, now) for article_id in article_ids],
        )

    def queue_search_all(self) -> int:
        """Queue every stored article (a full reindex through the outbox); returns the count."""
        now = queued_now()
        cur = self.db.execute(
            "INSERT INTO search_outbox (article_id, op, queued_at) SELECT id, 'upsert', ?"
            " FROM articles WHERE true ON CONFLICT (article_id) DO UPDATE SET op = 'upsert',"
            " queued_at = excluded.queued_at",
            (now,),
        )
        return cur.rowcount

    def pending_search(self, limit: int = 1000) -> list[OutboxEntry]:
        """The oldest `limit` queued entries."""
        rows = self.db.execute(
            "SELECT article_id, op, queued_at FROM search_outbox ORDER BY queued_at, article_id"
            " LIMIT ?",
            (limit,),
        ).fetchall()
        return [OutboxEntry(int(r[0]), r[1], r[2]) for r in rows]

    def clear_search_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """Remove entries the index has committed; an entry queued again since stays."""
        self.db.executemany(
            "DELETE FROM search_outbox WHERE article_id = ? AND queued_at = ?",
            [(e.article_id, e.queued_at) for e in entries],
        )

    def clear_search_outbox_before(self, mark: str) -> None:
        """Remove every entry queued before `mark` (an ISO time; after a full rebuild)."""
        self.db.execute("DELETE FROM search_outbox WHERE queued_at < ?", (mark,))

    def search_outbox_size(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM search_outbox").fetchone()[0])

    # --- reads ----------------------------------------------------------------------------------

    def search_rows(self, ids: Sequence[int], *, with_tags: bool = False) -> list[SearchRow]:
        """The articles with these ids that exist, in the order of `ids`."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"{_ROW_SQL} WHERE a.id IN ({marks})", list(ids)).fetchall()
        tags = self._tag_names(ids) if with_tags else {}
        by_id = {
            r[0]: SearchRow(
                r[0], r[1], r[2], r[3], r[4], parse_utc_iso_or_none(r[5]), tuple(tags.get(r[0], ()))
            )
            for r in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    def iter_search_rows(self, *, batch: int = 1000) -> Iterator[SearchRow]:
        """Every article with its tags, in id order, `batch` at a time (for a rebuild)."""
        last_id = 0
        while True:
            ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last_id, batch)
                )
            ]
            if not ids:
                return
            yield from self.search_rows(ids, with_tags=True)
            last_id = ids[-1]

    def _tag_names(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """Normalised names and every alias of each article's tags."""
        marks = ",".join("?" * len(ids))
        names: dict[int, list[str]] = {}
        for article_id, key in self.db.execute(
            "SELECT DISTINCT at.article_id, ta.alias_key FROM article_tags at"
            f" JOIN tag_aliases ta ON ta.tag_id = at.tag_id WHERE at.article_id IN ({marks})"
            " UNION SELECT at.article_id, t.canonical FROM article_tags at"
            f" JOIN tags t ON t.id = at.tag_id WHERE at.article_id IN ({marks})"
            " ORDER BY 1, 2",
            [*ids, *ids],
        ):
            names.setdefault(article_id, []).append(key)
        return names

    def tag_alias_keys(self, key: str) -> list[str]:
        """Every normalised alias of the tag named `key` (a canonical name or an alias key),
        the tag's canonical name first; [] when no tag has that name."""
        row = self.db.execute(
            "SELECT tag_id FROM tag_aliases WHERE alias_key = ?"
            " UNION ALL SELECT id FROM tags WHERE canonical = ? LIMIT 1",
            (key, key),
        ).fetchone()
        if row is None:
            return []
        return [
            r[0]
            for r in self.db.execute(
                "SELECT t.canonical FROM tags t WHERE t.id = ?1"
                " UNION ALL SELECT alias_key FROM"
                " (SELECT alias_key FROM tag_aliases WHERE tag_id = ?1 ORDER BY alias_key)",
                (row[0],),
            )
        ]

    def filter_names(self, kind: str, key: str, *, limit: int = 3) -> list[str]:
        """Known normalised names a `source:` / `tag:` filter value may stand for (see
        akhbar.search.query.FilterNames): `key` itself first when it names an outlet (a tag),
        then up to `limit` outlet names that begin with `key` and go on with more words."""
        if kind == "tag":
            return [key] if self.tag_alias_keys(key) else []
        if kind != "source":
            return []
        # substr, not LIKE: an outlet name may hold % or _, which LIKE would read as wildcards.
        return [
            r[0]
            for r in self.db.execute(
                "SELECT name_key FROM sources WHERE name_key = ?1"
                " UNION ALL SELECT name_key FROM (SELECT name_key FROM sources"
                " WHERE substr(name_key, 1, length(?1) + 1) = ?1 || ' '"
                " ORDER BY name_key LIMIT ?2)",
                (key, limit),
            )
        ]
