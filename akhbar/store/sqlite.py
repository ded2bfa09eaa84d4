"""The SQLite store: the only module that runs SQL (a PostgreSQL backend will be a sibling).

One file, WAL mode, schema versioned by `PRAGMA user_version` with forward migrations from
`store/migrations/NNNN_name.sql` applied on open. Writers batch many articles per transaction
(`with store.transaction():`) because a commit per article would cap import at a few hundred
articles per second.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from akhbar.errors import NotFoundError, StoreError
from akhbar.models import (
    RELATION_KINDS,
    Article,
    Feed,
    RelationKind,
    RelationRef,
    Source,
    TagOrigin,
    TagRef,
)
from akhbar.store.intel import IntelQueries
from akhbar.store.rows import (
    ARTICLE_COLUMNS,
    article_from_row,
    parse_utc_iso,
    parse_utc_iso_or_none,
)
from akhbar.store.search_outbox import SearchOutboxMixin
from akhbar.store.tags import TagQueries
from akhbar.store.web import WebQueries


def utc_iso(value: datetime) -> str:
    """Aware datetime → 'YYYY-MM-DDTHH:MM:SSZ' (sortable as text)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    """The current second as 'YYYY-MM-DDTHH:MM:SSZ', formatted once per second: every stored
    article and log row asks for it, and strftime cost as much as the log row's INSERT."""
    global _now
    second = int(time.time())
    if second != _now[0]:
        _now = (second, utc_iso(datetime.fromtimestamp(second, UTC)))
    return _now[1]


#: (second, its formatted text) of the last `now_iso` call.
_now: tuple[int, str] = (-1, "")


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every packaged migration, in order."""
    found = []
    for entry in resources.files("akhbar.store").joinpath("migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name[:-4], entry.read_text(encoding="utf-8")))
    return sorted(found)


@dataclass(slots=True)
class NewArticle:
    """What the pipeline hands the store to insert (text already cleaned, keys computed)."""

    title: str
    body: str
    url: str
    canonical_url: str
    published_at: datetime | None
    published_has_time: bool
    published_text: str
    source_id: int | None
    language: str
    fingerprint: str
    dedup_key: str
    origin: str
    encoding: str = ""
    author: str = ""
    image_url: str = ""
    partial: bool = False
    feed_id: int | None = None


#: Page cache per connection, in KiB. 128 MiB: with 64 the intel benchmark's store-side cost per
#: article grew 1.86 -> 2.78 ms from 10 k to 100 k stored articles (SQL time growing, Python
#: flat); with 128, 1.76 -> 2.26 ms, for +70 MiB of RSS (poll: 378 MiB of the 400 allowed).
#: (Memory-mapped reads were tried too: the mapped pages count in the process's RSS, which grew
#: to 392 MiB in a 20,000-article poll, for no gain we could measure.)
CACHE_KIB = 131_072


class SQLiteStore(SearchOutboxMixin, TagQueries, WebQueries, IntelQueries):
    """Connection + every query akhbar runs. Not thread-safe: one store per thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the store ({exc})") from exc
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 10000")
        try:
            self.db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{path}: not an akhbar store ({exc})") from exc
        self.db.execute("PRAGMA synchronous = NORMAL")
        # A 64 MiB page cache (SQLite's default is 2 MiB): ingest touches the same index pages
        # (term statistics, postings, bands) for every article, and reading them back from
        # the OS for each one cost more than the writes.
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._depth = 0
        self.migrate()

    # --- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply every packaged migration the store has not had, each in its own transaction.

        Applied migrations are recorded by name (`schema_migrations`), not only as a highest
        version: a migration numbered below one already applied is still applied, and a store
        holding a migration this akhbar does not know is refused (it was made by a newer one).
        """
        migrations = _migrations()
        known = {name for _, name, _ in migrations}
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY,"
            " applied_at TEXT NOT NULL)"
        )
        applied = {r[0] for r in self.db.execute("SELECT name FROM schema_migrations")}
        newest = migrations[-1][0] if migrations else 0
        unknown = sorted(applied - known)
        if unknown or self.schema_version() > newest:
            raise StoreError(
                f"{self.path}: schema version {self.schema_version()} "
                f"({', '.join(unknown) or 'unknown migrations'}) is newer than this akhbar"
                f" ({newest}); upgrade akhbar"
            )
        pending = [m for m in migrations if m[1] not in applied]
        for version, name, sql in pending:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                for statement in _split_sql(sql):
                    self.db.execute(statement)
                self.db.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (name, now_iso()),
                )
                self.db.execute(f"PRAGMA user_version = {max(version, self.schema_version())}")
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self.db.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {name} failed: {exc}") from exc
        if pending and self.path != ":memory:":
            # A migration may rewrite much of the store (0007, 0008: ~10^5 rows per 10^5
            # articles): fold the WAL back into the file now rather than leave every reader of
            # the next minutes to look pages up in a large WAL. Busy (another connection
            # reading) only postpones it to SQLite's own checkpoints.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0

    # --- sources --------------------------------------------------------------------------------

    def source_by_key(self, name_key: str) -> Source | None:
        row = self.db.execute(
            "SELECT id, name, name_en, country, homepage, timezone FROM sources WHERE name_key = ?",
            (name_key,),
        ).fetchone()
        return Source(*row) if row else None

    def add_source(
        self,
        name: str,
        name_key: str,
        *,
        name_en: str = "",
        country: str = "",
        region: str = "",
        homepage: str = "",
        timezone: str = "",
    ) -> Source:
        cur = self.db.execute(
            "INSERT INTO sources (name, name_key, name_en, country, region, homepage, timezone,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, name_key, name_en, country, region, homepage, timezone, now_iso()),
        )
        assert cur.lastrowid is not None
        return Source(cur.lastrowid, name, name_en, country, homepage, timezone)

    def list_sources(self) -> list[Source]:
        rows = self.db.execute(
            "SELECT id, name, name_en, country, homepage, timezone FROM sources ORDER BY name"
        ).fetchall()
        return [Source(*row) for row in rows]

    def set_source_details(
        self,
        source_id: int,
        *,
        name_en: str = "",
        country: str = "",
        region: str = "",
        homepage: str = "",
        timezone: str = "",
    ) -> None:
        """Fill in details an outlet lacks (an empty value never overwrites a known one)."""
        self.db.execute(
            "UPDATE sources SET name_en = coalesce(nullif(?, ''), name_en),"
            " country = coalesce(nullif(?, ''), country), region = coalesce(nullif(?, ''), region),"
            " homepage = coalesce(nullif(?, ''), homepage),"
            " timezone = coalesce(nullif(?, ''), timezone) WHERE id = ?",
            (name_en, country, region, homepage, timezone, source_id),
        )

    # --- feeds ----------------------------------------------------------------------------------

    def add_feed(
        self, source_id: int, url: str, *, kind: str = "rss", title: str = "", category: str = ""
    ) -> int | None:
        """Add a feed; None when the URL is already followed."""
        cur = self.db.execute(
            "INSERT INTO feeds (source_id, url, kind, title, category, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
            (source_id, url, kind, title, category, now_iso()),
        )
        return cur.lastrowid if cur.rowcount else None

    def list_feeds(
        self,
        *,
        due_before: datetime | None = None,
        source_key: str | None = None,
        include_disabled: bool = True,
    ) -> list[Feed]:
        where, params = ["1"], []
        if due_before is not None:
            where.append("f.enabled = 1 AND (f.next_poll IS NULL OR f.next_poll <= ?)")
            params.append(utc_iso(due_before))
        elif not include_disabled:
            where.append("f.enabled = 1")
        if source_key is not None:
            where.append("(s.name_key = ? OR f.url = ?)")
            params += [source_key, source_key]
        rows = self.db.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds f JOIN sources s ON s.id = f.source_id"
            f" WHERE {' AND '.join(where)} ORDER BY coalesce(f.next_poll, ''), f.id",
            params,
        ).fetchall()
        return [_feed_from_row(r) for r in rows]

    def get_feed(self, key: str) -> Feed:
        """A feed by id, URL, or the name of its outlet (when that outlet has one feed)."""
        rows = self.db.execute(
            f"SELECT {FEED_COLUMNS} FROM feeds f JOIN sources s ON s.id = f.source_id"
            " WHERE CAST(f.id AS TEXT) = ? OR f.url = ? OR s.name_key = ? OR s.name = ?",
            (key, key, key, key),
        ).fetchall()
        if not rows:
            raise NotFoundError(f"no feed or source {key!r}")
        if len(rows) > 1:
            raise NotFoundError(f"{key!r} has {len(rows)} feeds: name one by id or URL")
        return _feed_from_row(rows[0])

    def set_feed_enabled(self, feed_id: int, enabled: bool) -> None:
        self.db.execute(
            "UPDATE feeds SET enabled = ?, next_poll = NULL WHERE id = ?", (int(enabled), feed_id)
        )

    def remove_feed(self, feed_id: int) -> None:
        self.db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def move_feed(self, feed_id: int, new_url: str) -> None:
        """A permanent redirect: follow the feed at its new address (unless already followed)."""
        self.db.execute(
            "UPDATE feeds SET url = ? WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM feeds WHERE url = ?)",
            (new_url, feed_id, new_url),
        )

    def record_poll_success(
        self,
        feed_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        new_items: int,
        items_per_day: float,
        next_poll: datetime,
    ) -> None:
        """Called only after the body was processed, so validators never skip unseen items."""
        now = now_iso()
        self.db.execute(
            "UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, last_polled = ?,"
            " last_success = ?, consecutive_failures = 0, verified = 1,"
            " items_seen = items_seen + ?, items_per_day = ?, next_poll = ? WHERE id = ?",
            (
                etag,
                last_modified,
                body_hash,
                now,
                now,
                new_items,
                items_per_day,
                utc_iso(next_poll),
                feed_id,
            ),
        )

    def record_poll_failure(self, feed_id: int, *, error: str, next_poll: datetime) -> None:
        now = now_iso()
        self.db.execute(
            "UPDATE feeds SET last_polled = ?, last_error = ?, last_error_at = ?,"
            " consecutive_failures = consecutive_failures + 1, next_poll = ? WHERE id = ?",
            (now, error, now, utc_iso(next_poll), feed_id),
        )

    def published_times(self, feed_id: int, *, since: datetime) -> list[datetime]:
        """Publication times of a feed's recent articles (for the adaptive poll interval)."""
        return [
            parse_utc_iso(r[0])
            for r in self.db.execute(
                "SELECT published_at FROM articles WHERE feed_id = ? AND published_at >= ?",
                (feed_id, utc_iso(since)),
            )
        ]

    # --- articles -------------------------------------------------------------------------------

    def article_id_by_dedup_key(self, dedup_key: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE dedup_key = ?", (dedup_key,)
        ).fetchone()
        return int(row[0]) if row else None

    def articles_by_fingerprint(self, fingerprint: str) -> list[tuple[int, int | None]]:
        """(article id, source id) of every article with this exact normalised text."""
        rows = self.db.execute(
            "SELECT id, source_id FROM articles WHERE fingerprint = ? ORDER BY id", (fingerprint,)
        ).fetchall()
        return [(int(r[0]), r[1]) for r in rows]

    def insert_article(self, a: NewArticle) -> int:
        cur = self.db.execute(
            "INSERT INTO articles (url, canonical_url, title, body, published_at,"
            " published_has_time, published_text, imported_at, source_id, language, fingerprint,"
            " dedup_key, origin, encoding, author, image_url, partial, feed_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                a.url,
                a.canonical_url,
                a.title,
                a.body,
                utc_iso(a.published_at) if a.published_at else None,
                int(a.published_has_time),
                a.published_text,
                now_iso(),
                a.source_id,
                a.language,
                a.fingerprint,
                a.dedup_key,
                a.origin,
                a.encoding,
                a.author,
                a.image_url,
                int(a.partial),
                a.feed_id,
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def article_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def get_article(self, article_id: int) -> Article:
        row = self.db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles a LEFT JOIN sources s ON s.id = a.source_id"
            " WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        article = article_from_row(row)
        self._attach([article])
        return article

    def iter_articles(
        self, *, since: datetime | None = None, source_key: str | None = None, batch: int = 500
    ) -> Iterator[Article]:
        """Stream articles in id order, tags and relations attached, `batch` rows at a time."""
        where, params = [], []
        if since is not None:
            where.append("a.published_at >= ?")
            params.append(utc_iso(since))
        if source_key is not None:
            where.append("s.name_key = ?")
            params.append(source_key)
        last_id = 0
        while True:
            clause = " AND ".join([*where, "a.id > ?"])
            rows = self.db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles a LEFT JOIN sources s"
                f" ON s.id = a.source_id WHERE {clause} ORDER BY a.id LIMIT ?",
                (*params, last_id, batch),
            ).fetchall()
            if not rows:
                return
            articles = [article_from_row(r) for r in rows]
            self._attach(articles)
            yield from articles
            last_id = articles[-1].id

    def _attach(self, articles: Sequence[Article]) -> None:
        """Fill tags and relations of a batch of articles with two queries."""
        by_id = {a.id: a for a in articles}
        marks = ",".join("?" * len(by_id))
        ids = list(by_id)
        for article_id, tag_id, display, canonical, type_, origin in self.db.execute(
            "SELECT at.article_id, t.id, t.display, t.canonical, t.type, at.origin"
            f" FROM article_tags at JOIN tags t ON t.id = at.tag_id"
            f" WHERE at.article_id IN ({marks}) ORDER BY at.article_id, at.score DESC, t.id",
            ids,
        ):
            tags = by_id[article_id].tags
            if all(t.id != tag_id for t in tags):
                tags.append(TagRef(tag_id, display, canonical, type_, origin))
        for article_id, other_id, kind, title in self.db.execute(
            "SELECT r.article_id, r.other_id, r.kind, o.title FROM article_relations r"
            f" JOIN articles o ON o.id = r.other_id WHERE r.article_id IN ({marks})"
            " UNION ALL "
            "SELECT r.other_id, r.article_id, r.kind, o.title FROM article_relations r"
            f" JOIN articles o ON o.id = r.article_id WHERE r.other_id IN ({marks})"
            " AND r.kind != 'related'"  # 'related': the article's own list (migration 0008)
            " ORDER BY 1, 3, 2",
            ids + ids,
        ):
            by_id[article_id].related.append(RelationRef(other_id, kind, title))

    # --- tags -----------------------------------------------------------------------------------

    def tag_vocabulary(self) -> set[str]:
        """Every normalised tag name and alias the store knows."""
        words = {r[0] for r in self.db.execute("SELECT canonical FROM tags")}
        words.update(r[0] for r in self.db.execute("SELECT alias_key FROM tag_aliases"))
        return words

    def tag_id_by_key(self, key: str) -> int | None:
        row = self.db.execute(
            "SELECT tag_id FROM tag_aliases WHERE alias_key = ? LIMIT 1", (key,)
        ).fetchone()
        if row:
            return int(row[0])
        row = self.db.execute("SELECT id FROM tags WHERE canonical = ?", (key,)).fetchone()
        return int(row[0]) if row else None

    def add_tag(self, canonical: str, display: str, *, type_: str = "", qid: str = "") -> int:
        cur = self.db.execute(
            "INSERT INTO tags (canonical, display, type, qid, created_at) VALUES (?, ?, ?, ?, ?)",
            (canonical, display, type_, qid, now_iso()),
        )
        assert cur.lastrowid is not None
        self.db.execute(
            "INSERT INTO tag_aliases (alias, alias_key, tag_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (display, canonical, cur.lastrowid),
        )
        return cur.lastrowid

    def add_tag_alias(self, tag_id: int, alias_key: str, alias: str) -> bool:
        """Remember a spelling of a tag. A key that already points at another tag keeps it
        (returns False): one normalised spelling never means two tags."""
        owner = self.tag_id_by_key(alias_key)
        if owner is not None and owner != tag_id:
            return False
        self.db.execute(
            "INSERT INTO tag_aliases (alias, alias_key, tag_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (alias, alias_key, tag_id),
        )
        return True

    def link_tags(self, rows: Iterable[tuple[int, int, TagOrigin, float]]) -> None:
        """(article id, tag id, origin, score) links; an existing link keeps the higher score."""
        self.db.executemany(
            "INSERT INTO article_tags (article_id, tag_id, origin, score) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET score = max(score, excluded.score)",
            rows,
        )

    # --- relations ------------------------------------------------------------------------------

    def add_relation(
        self, article_id: int, other_id: int, kind: RelationKind, score: float = 1.0
    ) -> None:
        if kind not in RELATION_KINDS:
            raise ValueError(f"unknown relation kind {kind!r}")
        self.db.execute(
            # ON CONFLICT (not OR IGNORE): a repeated link is a no-op, a bad kind still fails
            # the CHECK constraint instead of vanishing silently.
            "INSERT INTO article_relations (article_id, other_id, kind, score, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (article_id, other_id, kind, score, now_iso()),
        )

    # --- ingest log -----------------------------------------------------------------------------

    def log_ingest(
        self, origin: str, status: str, article_id: int | None = None, message: str = ""
    ) -> None:
        self.db.execute(
            "INSERT INTO ingest_log (at, origin, status, article_id, message)"
            " VALUES (?, ?, ?, ?, ?)",
            (now_iso(), origin, status, article_id, message),
        )

    def ingest_log(self, limit: int = 100) -> list[tuple[str, str, str, int | None, str]]:
        return [
            (r[0], r[1], r[2], r[3], r[4])
            for r in self.db.execute(
                "SELECT at, origin, status, article_id, message FROM ingest_log"
                " ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        ]

    # --- statistics -----------------------------------------------------------------------------

    def stats(self, *, top: int = 20) -> dict[str, Any]:
        q = self.db.execute
        # "Read also" lists waiting for their full ranking (akhbar/pipeline/relate.py).
        queued, stories_queued = self.related_queue_size()
        return {
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],
            "sources": q("SELECT count(*) FROM sources").fetchone()[0],
            "tags": q("SELECT count(*) FROM tags").fetchone()[0],
            "undated": q("SELECT count(*) FROM articles WHERE published_at IS NULL").fetchone()[0],
            "relations": dict(
                q("SELECT kind, count(*) FROM article_relations GROUP BY kind").fetchall()
            ),
            "per_source": q(
                "SELECT coalesce(s.name, '(unknown)'), count(*) FROM articles a"
                " LEFT JOIN sources s ON s.id = a.source_id GROUP BY a.source_id"
                " ORDER BY 2 DESC, 1"
            ).fetchall(),
            "per_day": q(
                "SELECT substr(published_at, 1, 10) AS day, count(*) FROM articles"
                " WHERE published_at IS NOT NULL GROUP BY day ORDER BY day DESC LIMIT ?",
                (top,),
            ).fetchall(),
            "per_tag": q(
                "SELECT t.display, count(DISTINCT at.article_id) FROM article_tags at"
                " JOIN tags t ON t.id = at.tag_id GROUP BY t.id ORDER BY 2 DESC, 1 LIMIT ?",
                (top,),
            ).fetchall(),
            "ingest": dict(q("SELECT status, count(*) FROM ingest_log GROUP BY status").fetchall()),
            "read_also_queued": queued,
            "read_also_stories_queued": stories_queued,
        }


FEED_COLUMNS = (
    "f.id, f.source_id, s.name, s.timezone, f.url, f.kind, f.title, f.category, f.enabled,"
    " f.verified, f.etag, f.last_modified, f.body_hash, f.last_polled, f.last_success,"
    " f.last_error, f.last_error_at, f.consecutive_failures, f.items_seen, f.items_per_day,"
    " f.next_poll"
)


def _feed_from_row(r: Sequence[Any]) -> Feed:
    return Feed(
        id=r[0],
        source_id=r[1],
        source_name=r[2],
        source_timezone=r[3],
        url=r[4],
        kind=r[5],
        title=r[6],
        category=r[7],
        enabled=bool(r[8]),
        verified=bool(r[9]),
        etag=r[10],
        last_modified=r[11],
        body_hash=r[12],
        last_polled=parse_utc_iso_or_none(r[13]),
        last_success=parse_utc_iso_or_none(r[14]),
        last_error=r[15],
        last_error_at=parse_utc_iso_or_none(r[16]),
        consecutive_failures=r[17],
        items_seen=r[18],
        items_per_day=r[19],
        next_poll=parse_utc_iso_or_none(r[20]),
    )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements. Our migrations hold no '--' or ';' inside literals."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
