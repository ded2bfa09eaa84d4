"""The store side of news intelligence: near-duplicate signatures, stories, the term index,
"read also" candidates and tag trends.

A mixin of `SQLiteStore` (it only needs `self.db`); tables come from migration 0004. Every
lookup here is an index probe or a bounded range scan, so the cost per new article does not
grow with the store: that is the point of keeping LSH bands and term postings in SQLite rather
than in memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from akhbar.models import RELATION_KINDS, RelationKind
from akhbar.store.rows import parse_utc_iso_or_none, queued_now

#: How far `duplicate_root` follows 'duplicate-of' links (chains are 1-2 long in practice).
MAX_CHAIN = 8


@dataclass(frozen=True, slots=True)
class StoredVector:
    """An article's term vector as stored, with its time and story (None: no story yet)."""

    article_id: int
    at: int
    terms: bytes
    weights: bytes
    story_id: int | None


@dataclass(frozen=True, slots=True)
class StoryState:
    """What assigning an article to a story needs of it."""

    id: int
    lead_id: int | None
    first_at: int
    last_at: int
    article_count: int
    centroid: bytes


@dataclass(slots=True)
class StoryMember:
    article_id: int
    title: str
    source: str
    published_at: datetime | None
    duplicate_of: int | None
    score: float


@dataclass(slots=True)
class StorySummary:
    """A story as listed: its lead's title, members, outlets and time span."""

    id: int
    title: str
    lead_id: int | None
    article_count: int
    outlet_count: int
    first_at: datetime
    last_at: datetime
    article_ids: list[int] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    members: list[StoryMember] = field(default_factory=list)


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


#: Ids bound in one statement (SQLite's limit on variables is 32,766 since 3.32, 999 before).
_IDS_PER_QUERY = 900


def _marks(n: int) -> str:
    return ",".join("?" * n)


class IntelQueries:
    db: sqlite3.Connection

    # --- duplicates -----------------------------------------------------------------------------

    def duplicate_target(self, article_id: int) -> int | None:
        """The article this one is a 'duplicate-of', if any."""
        row = self.db.execute(
            "SELECT other_id FROM article_relations WHERE article_id = ? AND kind = 'duplicate-of'"
            " ORDER BY other_id LIMIT 1",
            (article_id,),
        ).fetchone()
        return int(row[0]) if row else None

    def duplicate_root(self, article_id: int) -> int:
        """The original at the end of this article's 'duplicate-of' chain (itself if none)."""
        current = article_id
        for _ in range(MAX_CHAIN):
            target = self.duplicate_target(current)
            if target is None or target == article_id:
                break
            current = target
        return current

    def add_minhash(
        self, article_id: int, signature: bytes, bands: Sequence[tuple[int, int]], *, month: int
    ) -> None:
        """The article's signature, and its band rows under its `month` (minhash.band_month)."""
        self.db.execute(
            "INSERT OR REPLACE INTO minhash_signatures (article_id, signature) VALUES (?, ?)",
            (article_id, signature),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO minhash_bands (month, band, hash, article_id)"
            " VALUES (?, ?, ?, ?)",
            [(month, band, value, article_id) for band, value in bands],
        )

    def minhash_candidates(
        self,
        bands: Sequence[tuple[int, int]],
        months: Sequence[int],
        *,
        exclude: int,
        limit: int = 200,
    ) -> list[int]:
        """Articles of these months sharing at least one band, most shared bands first (at
        most `limit`)."""
        if not bands or not months:
            return []
        # One equality probe per month and band: `month IN (?, ?)` made SQLite build a small
        # ephemeral table for each of the 32 subqueries (0.25 ms a lookup instead of 0.09).
        probe = "SELECT article_id FROM minhash_bands WHERE month = ? AND band = ? AND hash = ?"
        probes = " UNION ALL ".join([probe] * (len(bands) * len(months)))
        params: list[int] = [x for band, value in bands for m in months for x in (m, band, value)]
        rows = self.db.execute(
            f"SELECT article_id FROM ({probes}) WHERE article_id != ?"
            " GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT ?",
            [*params, exclude, limit],
        ).fetchall()
        return [int(r[0]) for r in rows]

    def minhash_signatures(self, ids: Sequence[int]) -> dict[int, bytes]:
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT article_id, signature FROM minhash_signatures"
            f" WHERE article_id IN ({_marks(len(ids))})",
            list(ids),
        )
        return {int(r[0]): bytes(r[1]) for r in rows}

    def article_bodies(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, body FROM articles WHERE id IN ({_marks(len(ids))})", list(ids)
        )
        return {int(r[0]): r[1] for r in rows}

    def article_order_keys(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Sort keys (published_at, id) for 'earliest'; an undated article sorts last."""
        if not ids:
            return {}
        rows = self.db.execute(
            f"SELECT id, coalesce(published_at, '~') FROM articles WHERE id IN"
            f" ({_marks(len(ids))})",
            list(ids),
        )
        return {int(r[0]): (r[1], int(r[0])) for r in rows}

    def link_articles(self, rows: Iterable[tuple[int, int, RelationKind, float]]) -> None:
        """(article id, other id, kind, score) relations; an existing link is kept."""
        checked = []
        now = _now_iso()  # once per call: formatting the time cost more than the insert
        for article_id, other_id, kind, score in rows:
            if kind not in RELATION_KINDS:
                raise ValueError(f"unknown relation kind {kind!r}")
            checked.append((article_id, other_id, kind, score, now))
        self.db.executemany(
            "INSERT INTO article_relations (article_id, other_id, kind, score, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            checked,
        )

    def relation_pairs(self, kind: RelationKind) -> list[tuple[int, int]]:
        """Every (article id, other id) linked with `kind` (evaluation and export checks)."""
        rows = self.db.execute(
            "SELECT article_id, other_id FROM article_relations WHERE kind = ?"
            " ORDER BY article_id, other_id",
            (kind,),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def story_assignments(self) -> dict[int, int]:
        """article id → story id for every article in a story."""
        return {
            int(r[0]): int(r[1])
            for r in self.db.execute("SELECT article_id, story_id FROM story_members")
        }

    # --- term statistics and vectors ------------------------------------------------------------

    def document_count(self) -> int:
        row = self.db.execute("SELECT value FROM intel_state WHERE key = 'documents'").fetchone()
        return int(row[0]) if row else 0

    def document_frequencies(self, terms: Sequence[int]) -> dict[int, int]:
        if not terms:
            return {}
        rows = self.db.execute(
            f"SELECT term, df FROM term_stats WHERE term IN ({_marks(len(terms))})", list(terms)
        )
        # Both columns are INTEGER: no per-row conversion ("read also" asks for thousands).
        return dict(rows)

    def count_documents(self, df: Mapping[int, int], documents: int) -> None:
        """Add `documents` documents to the statistics, `df[term]` of them containing term."""
        if not documents:
            return
        self.db.executemany(
            "INSERT INTO term_stats (term, df) VALUES (?, ?)"
            " ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
            sorted(df.items()),
        )
        self.db.execute(
            "INSERT INTO intel_state (key, value) VALUES ('documents', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
            (documents,),
        )

    def article_tag_ids(self, article_id: int) -> list[int]:
        """The article's tags, publisher and extracted alike."""
        rows = self.db.execute(
            "SELECT DISTINCT tag_id FROM article_tags WHERE article_id = ? ORDER BY tag_id",
            (article_id,),
        )
        return [int(r[0]) for r in rows]

    def save_vector(self, article_id: int, at: int, terms: bytes, weights: bytes) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO article_vectors (article_id, at, terms, weights)"
            " VALUES (?, ?, ?, ?)",
            (article_id, at, terms, weights),
        )

    def post_terms(self, article_id: int, at: int, terms: Iterable[int]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO story_terms (term, at, article_id) VALUES (?, ?, ?)",
            [(t, at, article_id) for t in terms],
        )

    def term_neighbours(
        self, terms: Sequence[int], at: int, *, per_term: int, since: int, until: int
    ) -> list[tuple[int, int]]:
        """(term, article id) postings of each term nearest to `at` within [since, until]:
        up to `per_term` before and `per_term` after. Two bounded index range scans per term."""
        if not terms:
            return []
        before = (
            "SELECT * FROM (SELECT term, article_id FROM story_terms WHERE term = ?"
            " AND at <= ? AND at >= ? ORDER BY at DESC LIMIT ?)"
        )
        after = (
            "SELECT * FROM (SELECT term, article_id FROM story_terms WHERE term = ?"
            " AND at > ? AND at <= ? ORDER BY at LIMIT ?)"
        )
        sql = " UNION ALL ".join([before, after] * len(terms))
        params: list[int] = []
        for term in terms:
            params += [term, at, since, per_term, term, at, until, per_term]
        # Rows are (int, int) already: no per-row conversion (this runs for every article).
        rows: list[tuple[int, int]] = self.db.execute(sql, params).fetchall()
        return rows

    def vectors(self, ids: Sequence[int]) -> dict[int, StoredVector]:
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT v.article_id, v.at, v.terms, v.weights, m.story_id FROM article_vectors v"
            " LEFT JOIN story_members m ON m.article_id = v.article_id"
            f" WHERE v.article_id IN ({_marks(len(ids))})",
            list(ids),
        )
        return {r[0]: StoredVector(*r) for r in rows}

    def tag_ids_of(self, article_ids: Sequence[int]) -> dict[int, list[int]]:
        """article id → its tag ids (publisher and extracted), for a batch of articles."""
        if not article_ids:
            return {}
        found: dict[int, list[int]] = {}
        for article_id, tag_id in self.db.execute(
            "SELECT DISTINCT article_id, tag_id FROM article_tags"
            f" WHERE article_id IN ({_marks(len(article_ids))}) ORDER BY article_id, tag_id",
            list(article_ids),
        ):
            found.setdefault(int(article_id), []).append(int(tag_id))
        return found

    def story_member_vectors(
        self, story_ids: Sequence[int], at: int, *, per_story: int
    ) -> dict[int, list[StoredVector]]:
        """story id → the vectors of its members nearest in time to `at` (at most `per_story`
        each, nearest first): what "read also" compares, story to story. One range scan of
        the (story_id, at) index per story; a long-running story costs no more than
        `per_story` rows."""
        if not story_ids:
            return {}
        rows = self.db.execute(
            "SELECT article_id, at, terms, weights, story_id FROM ("
            " SELECT v.article_id, v.at, v.terms, v.weights, m.story_id, row_number() OVER"
            "  (PARTITION BY m.story_id ORDER BY abs(m.at - ?), m.article_id) AS n"
            " FROM story_members m JOIN article_vectors v ON v.article_id = m.article_id"
            f" WHERE m.story_id IN ({_marks(len(story_ids))})) WHERE n <= ? ORDER BY story_id, n",
            [at, *story_ids, per_story],
        )
        found: dict[int, list[StoredVector]] = {}
        for r in rows:
            found.setdefault(int(r[4]), []).append(StoredVector(*r))
        return found

    def replace_related(self, article_id: int, rows: Iterable[tuple[int, float]]) -> None:
        """Replace the article's outgoing 'related' links with (other id, score) rows: the
        list is recomputed as the store grows, so an early article is not stuck with the
        links its first, nearly empty store gave it."""
        self.replace_related_of(
            [article_id], ((article_id, other, "related", score) for other, score in rows)
        )

    def replace_related_of(
        self, article_ids: Sequence[int], rows: Iterable[tuple[int, int, RelationKind, float]]
    ) -> None:
        """`replace_related` for many articles at once: their outgoing 'related' links are
        deleted, then `rows` (any kinds) are linked; two statements for a whole batch."""
        ids = list(article_ids)
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            self.db.execute(
                "DELETE FROM article_relations WHERE kind = 'related'"
                f" AND article_id IN ({_marks(len(chunk))})",
                chunk,
            )
        self.link_articles(rows)

    # --- "read also" lists ranked in full (akhbar/pipeline/relate.py) ----------------------------

    def queue_related(self, article_ids: Iterable[int]) -> None:
        """Queue articles whose "read also" list is to be ranked (again); call it inside the
        transaction that stored what changed it."""
        now = queued_now()
        self.db.executemany(
            "INSERT INTO related_queue (article_id, queued_at) VALUES (?, ?)"
            " ON CONFLICT (article_id) DO UPDATE SET queued_at = excluded.queued_at",
            [(article_id, now) for article_id in dict.fromkeys(article_ids)],
        )

    def queue_related_stories(self, stories: Iterable[tuple[int, int]]) -> None:
        """Queue (story id, time) pairs: the members of the story nearest to the time are to be
        ranked again (see `expand_related_stories`)."""
        now = queued_now()
        self.db.executemany(
            "INSERT INTO related_story_queue (story_id, at, queued_at) VALUES (?, ?, ?)"
            " ON CONFLICT (story_id) DO UPDATE SET at = excluded.at,"
            " queued_at = excluded.queued_at",
            [(story_id, at, now) for story_id, at in dict(stories).items()],
        )

    def expand_related_stories(self, *, per_story: int, limit: int) -> int:
        """Move up to `limit` queued stories into the article queue: each story's members
        nearest in time to its queued time, up to `per_story` on either side (two range scans
        of the (story_id, at) index). Returns the number of stories moved."""
        stories = self.db.execute(
            "SELECT story_id, at, queued_at FROM related_story_queue LIMIT ?", (limit,)
        ).fetchall()
        side = (
            "SELECT article_id FROM (SELECT article_id FROM story_members"
            " WHERE story_id = ? AND at {} ? ORDER BY at {} LIMIT ?)"
        )
        sql = f"{side.format('<=', 'DESC')} UNION ALL {side.format('>', '')}"
        members: list[int] = []
        for story_id, at, _ in stories:
            rows = self.db.execute(sql, (story_id, at, per_story, story_id, at, per_story))
            members.extend(int(r[0]) for r in rows)
        self.queue_related(members)
        self.db.executemany(
            "DELETE FROM related_story_queue WHERE story_id = ? AND queued_at = ?",
            [(story_id, queued_at) for story_id, _, queued_at in stories],
        )
        return len(stories)

    def queued_related(
        self, limit: int, *, since: str | None = None, source_key: str | None = None
    ) -> list[tuple[int, str]]:
        """Up to `limit` queued (article id, queued_at), newest articles first: readers open
        the news of the day first. `since` (ISO time) and `source_key` keep only the articles
        published since then / of that outlet (what an export selects)."""
        where, params = [], []
        if since is not None:
            where.append("a.published_at >= ?")
            params.append(since)
        if source_key is not None:
            where.append("s.name_key = ?")
            params.append(source_key)
        if not where:
            rows = self.db.execute(
                "SELECT article_id, queued_at FROM related_queue ORDER BY article_id DESC LIMIT ?",
                (limit,),
            )
        else:
            rows = self.db.execute(
                "SELECT q.article_id, q.queued_at FROM related_queue q"
                " JOIN articles a ON a.id = q.article_id"
                " LEFT JOIN sources s ON s.id = a.source_id"
                f" WHERE {' AND '.join(where)} ORDER BY q.article_id DESC LIMIT ?",
                (*params, limit),
            )
        return [(int(r[0]), str(r[1])) for r in rows]

    def related_queue_size(self) -> tuple[int, int]:
        """(articles, stories) queued for ranking."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM related_queue),"
            " (SELECT count(*) FROM related_story_queue)"
        ).fetchone()
        return int(row[0]), int(row[1])

    def store_ranked_related(
        self, lists: Sequence[tuple[int, str, Sequence[tuple[int, float]]]]
    ) -> None:
        """Replace each article's 'related' rows with its ranked list ((article id, queued_at
        as read, [(other id, score)])), and take it off the queue unless it was queued again
        since it was read (then it is ranked once more)."""
        self.replace_related_of(
            [article_id for article_id, _, _ in lists],
            (
                (article_id, other, "related", score)
                for article_id, _, ranked in lists
                for other, score in ranked
            ),
        )
        self.db.executemany(
            "DELETE FROM related_queue WHERE article_id = ? AND queued_at = ?",
            [(article_id, queued_at) for article_id, queued_at, _ in lists],
        )

    def data_version(self) -> int:
        """SQLite's data version: it changes when another connection commits (never for this
        one's own commits), so a cache of rows this connection wrote knows when to forget."""
        row = self.db.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    # --- stories --------------------------------------------------------------------------------

    def story_of(self, article_id: int) -> int | None:
        row = self.db.execute(
            "SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)
        ).fetchone()
        return int(row[0]) if row else None

    def story_states(self, ids: Sequence[int]) -> dict[int, StoryState]:
        if not ids:
            return {}
        rows = self.db.execute(
            "SELECT id, lead_id, first_at, last_at, article_count, centroid FROM stories"
            f" WHERE id IN ({_marks(len(ids))})",
            list(ids),
        )
        return {int(r[0]): StoryState(r[0], r[1], r[2], r[3], r[4], bytes(r[5])) for r in rows}

    def create_story(self, lead_id: int, at: int, centroid: bytes) -> int:
        cur = self.db.execute(
            "INSERT INTO stories (lead_id, first_at, last_at, centroid, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (lead_id, at, at, centroid, _now_iso()),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def add_story_member(
        self,
        story_id: int,
        article_id: int,
        *,
        source_id: int | None,
        at: int,
        score: float,
        may_lead: bool,
    ) -> None:
        """Add a member and keep the story's counts, span and lead (the earliest original)."""
        # The story first, while the member is not in it yet: whether its outlet is new to the
        # story is asked inside the UPDATE (one statement fewer per article).
        self.db.execute(
            "UPDATE stories SET article_count = article_count + 1,"
            " outlet_count = outlet_count + (?1 IS NOT NULL AND NOT EXISTS"
            "  (SELECT 1 FROM story_members WHERE story_id = ?2 AND source_id = ?1)),"
            " lead_id = CASE WHEN ?3 AND ?4 < first_at THEN ?5 ELSE lead_id END,"
            " first_at = min(first_at, ?4), last_at = max(last_at, ?4) WHERE id = ?2",
            (source_id, story_id, int(may_lead), at, article_id),
        )
        self.db.execute(
            "INSERT INTO story_members (article_id, story_id, source_id, at, score)"
            " VALUES (?, ?, ?, ?, ?)",
            (article_id, story_id, source_id, at, score),
        )

    def set_story_centroid(self, story_id: int, centroid: bytes) -> None:
        self.db.execute("UPDATE stories SET centroid = ? WHERE id = ?", (centroid, story_id))

    def list_stories(
        self, *, limit: int = 20, offset: int = 0, min_articles: int = 1
    ) -> list[StorySummary]:
        """Stories, most recently active first, with their article ids and outlets."""
        rows = self.db.execute(
            "SELECT id FROM stories WHERE article_count >= ?"
            " ORDER BY last_at DESC, article_count DESC, id DESC LIMIT ? OFFSET ?",
            (min_articles, limit, offset),
        ).fetchall()
        return [self.get_story(int(r[0])) for r in rows]

    def get_story(self, story_id: int) -> StorySummary:
        """One story with its members (earliest first). Raises KeyError when there is none."""
        row = self.db.execute(
            "SELECT s.id, coalesce(a.title, ''), s.lead_id, s.article_count, s.outlet_count,"
            " s.first_at, s.last_at FROM stories s LEFT JOIN articles a ON a.id = s.lead_id"
            " WHERE s.id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            raise KeyError(story_id)
        story = StorySummary(row[0], row[1], row[2], row[3], row[4], _utc(row[5]), _utc(row[6]))
        for r in self.db.execute(
            "SELECT m.article_id, a.title, coalesce(src.name, ''), a.published_at, m.score,"
            " (SELECT min(other_id) FROM article_relations WHERE article_id = m.article_id"
            "  AND kind = 'duplicate-of')"
            " FROM story_members m JOIN articles a ON a.id = m.article_id"
            " LEFT JOIN sources src ON src.id = a.source_id"
            " WHERE m.story_id = ? ORDER BY m.at, m.article_id",
            (story_id,),
        ):
            published = parse_utc_iso_or_none(r[3])
            story.members.append(StoryMember(r[0], r[1], r[2], published, r[5], r[4]))
            story.article_ids.append(r[0])
            if r[2] and r[2] not in story.outlets:
                story.outlets.append(r[2])
        return story

    def story_ids_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        """article id → story id, for those of `article_ids` that are in a story."""
        if not article_ids:
            return {}
        rows = self.db.execute(
            "SELECT article_id, story_id FROM story_members"
            f" WHERE article_id IN ({_marks(len(article_ids))})",
            list(article_ids),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    def article_brief(self, article_id: int) -> tuple[str, str, datetime | None] | None:
        """(title, outlet, published_at) of an article; None if it does not exist."""
        row = self.db.execute(
            "SELECT a.title, coalesce(s.name, ''), a.published_at FROM articles a"
            " LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return row[0], row[1], parse_utc_iso_or_none(row[2])

    # --- trends ---------------------------------------------------------------------------------

    def tag_by_key(self, key: str) -> tuple[int, str] | None:
        """(tag id, display) of the tag whose canonical name or alias key is `key`."""
        row = self.db.execute(
            "SELECT t.id, t.display FROM tags t WHERE t.canonical = ?1 UNION ALL"
            " SELECT t.id, t.display FROM tag_aliases ta JOIN tags t ON t.id = ta.tag_id"
            " WHERE ta.alias_key = ?1 LIMIT 1",
            (key,),
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    def tag_last_mention(self, tag_id: int) -> str | None:
        """published_at of the newest dated article carrying the tag."""
        row = self.db.execute(
            "SELECT max(a.published_at) FROM article_tags t JOIN articles a ON a.id = t.article_id"
            " WHERE t.tag_id = ?",
            (tag_id,),
        ).fetchone()
        return row[0] if row and row[0] else None

    def tag_mentions_per_day(self, tag_id: int, since: str, until: str) -> list[tuple[str, int]]:
        """(YYYY-MM-DD, articles) for each day in [since, until) with at least one mention."""
        rows = self.db.execute(
            "SELECT substr(a.published_at, 1, 10) AS day, count(DISTINCT a.id)"
            " FROM article_tags t JOIN articles a ON a.id = t.article_id"
            " WHERE t.tag_id = ? AND a.published_at >= ? AND a.published_at < ?"
            " GROUP BY day ORDER BY day",
            (tag_id, since, until),
        )
        return [(r[0], int(r[1])) for r in rows]

    def co_occurring_tags(
        self, tag_id: int, since: str, until: str, *, limit: int = 10
    ) -> list[tuple[int, str, int]]:
        """(tag id, display, articles) of the tags most often on the same articles."""
        rows = self.db.execute(
            "WITH hits AS (SELECT DISTINCT t.article_id FROM article_tags t"
            " JOIN articles a ON a.id = t.article_id"
            " WHERE t.tag_id = ? AND a.published_at >= ? AND a.published_at < ?)"
            " SELECT o.tag_id, g.display, count(DISTINCT o.article_id) AS n FROM hits h"
            " JOIN article_tags o ON o.article_id = h.article_id AND o.tag_id != ?"
            " JOIN tags g ON g.id = o.tag_id GROUP BY o.tag_id ORDER BY n DESC, g.display LIMIT ?",
            (tag_id, since, until, tag_id, limit),
        )
        return [(int(r[0]), r[1], int(r[2])) for r in rows]

    # --- "read also" (akhbar/cluster/related.py): bounded reads, added for its ranking ------

    #: Stories per statement in `nearest_story_members` (two SELECTs each; SQLite allows
    #: 500 terms in a compound SELECT).
    _STORIES_PER_QUERY = 100

    def nearest_story_members(
        self, story_ids: Sequence[int], at: int, *, per_story: int
    ) -> dict[int, list[StoredVector]]:
        """story id → the vectors of its members nearest in time to `at` (at most `per_story`
        each, nearest first, ties by article id).

        What `story_member_vectors` answers, but bounded: two range scans of the
        (story_id, at) index per story, `per_story` rows on each side of `at`, so a story of
        thousands of members costs what a story of ten does (the window function there reads
        and sorts every member of every story asked for: 13 ms for 22 stories of ~230
        members, this 1 ms). Only members sharing one `at` at the edge of a side may be
        chosen otherwise: the scans take them in index order, not by article id.
        """
        near: dict[int, list[tuple[int, int]]] = {}
        ids = list(dict.fromkeys(story_ids))
        for start in range(0, len(ids), self._STORIES_PER_QUERY):
            chunk = ids[start : start + self._STORIES_PER_QUERY]
            # The (story_id, at) index covers these reads: no table row is visited.
            side = (
                "SELECT * FROM (SELECT story_id, article_id, at FROM story_members"
                " WHERE story_id = ? AND at {} ? ORDER BY at {} LIMIT ?)"
            )
            sql = " UNION ALL ".join([side.format("<=", "DESC"), side.format(">", "")] * len(chunk))
            params: list[int] = []
            for story_id in chunk:
                params += [story_id, at, per_story, story_id, at, per_story]
            for story_id, article_id, member_at in self.db.execute(sql, params):
                near.setdefault(story_id, []).append((abs(member_at - at), article_id))
        chosen = {
            article_id: story_id
            for story_id, members in near.items()
            for _, article_id in sorted(members)[:per_story]
        }
        # Then the vectors of the chosen members only (half of the rows read above).
        found: dict[int, list[StoredVector]] = {}
        if not chosen:
            return found
        rows = self.db.execute(
            "SELECT article_id, at, terms, weights FROM article_vectors"
            f" WHERE article_id IN ({_marks(len(chosen))})",
            list(chosen),
        )
        for article_id, member_at, terms, weights in rows:
            story_id = chosen[article_id]
            found.setdefault(story_id, []).append(
                StoredVector(article_id, member_at, terms, weights, story_id)
            )
        for members in found.values():
            members.sort(key=lambda m: (abs(m.at - at), m.article_id))
        return found

    def tag_ids_among(self, article_ids: Sequence[int]) -> set[int]:
        """The tags (publisher and extracted) that any of `article_ids` carries."""
        if not article_ids:
            return set()
        rows = self.db.execute(
            "SELECT DISTINCT tag_id FROM article_tags"
            f" WHERE article_id IN ({_marks(len(article_ids))})",
            list(article_ids),
        )
        return {int(r[0]) for r in rows}

    def copies_among(self, article_ids: Sequence[int]) -> set[int]:
        """Those of `article_ids` linked 'duplicate-of' an original (one probe of the
        relations' primary key each)."""
        if not article_ids:
            return set()
        rows = self.db.execute(
            "SELECT DISTINCT article_id FROM article_relations"
            f" WHERE kind = 'duplicate-of' AND article_id IN ({_marks(len(article_ids))})",
            list(article_ids),
        )
        return {int(r[0]) for r in rows}


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
