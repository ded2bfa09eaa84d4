"""The store side of entity tags: entity ↔ tag reconciliation, learned names, merges.

A mixin of `SQLiteStore` (it only needs `self.db`). Three rules hold the tags together:

* One tag per gazetteer entity (`tags.entity_id`, unique). When the entity is first met, a tag
  a publisher already created under one of its names («بوتين») becomes the entity's tag: its
  display changes to the entity's canonical name and the old spelling stays as an alias.
* One normalised spelling (alias_key) belongs to one tag; an alias owned elsewhere is skipped.
* A merge is remembered in `tag_merges`: every name of the merged-away tag resolves to the tag
  it went into, including the entity name when the tagger meets that entity again.

A tag's display is the spelling the corpus uses: `count_spellings` adds up, per tag, how often
each spelling of its name was cut from ingested articles (`tag_spellings`), and the most seen
one is shown; the gazetteer's canonical spelling only starts a tag off and breaks ties. An
editor's `rename` (or a merge into the tag) pins the display: counts go on but never change it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from akhbar.arabic.normalize import normalize_for_match
from akhbar.errors import NotFoundError, StoreError

__all__ = ["LearnedRow", "TagInfo", "TagQueries"]

#: A candidate name becomes a tag once seen in this many articles from this many outlets.
PROMOTE_ARTICLES = 3
PROMOTE_OUTLETS = 2


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class TagInfo:
    id: int
    canonical: str
    display: str
    type: str
    qid: str
    entity_id: str | None
    aliases: tuple[str, ...]
    article_count: int
    #: An editor chose the display (rename, merge): spelling counts no longer change it.
    pinned: bool = False
    #: Spellings of the tag's name seen in articles, most seen first.
    spellings: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LearnedRow:
    """A normalised name the store knows beyond the gazetteer, and the tag it names."""

    key: str
    tag_id: int
    display: str
    type: str
    qid: str
    entity_id: str | None


class TagQueries:
    db: sqlite3.Connection

    # --- lookups --------------------------------------------------------------------------------

    def resolve_tag_key(self, key: str) -> int | None:
        """The tag a normalised name means: a remembered merge first, then alias, canonical."""
        row = self.db.execute(
            "SELECT into_tag_id FROM tag_merges WHERE from_key = ?1"
            " UNION ALL SELECT tag_id FROM (SELECT tag_id FROM tag_aliases WHERE alias_key = ?1"
            " LIMIT 1) UNION ALL SELECT id FROM tags WHERE canonical = ?1 LIMIT 1",
            (key,),
        ).fetchone()
        return int(row[0]) if row else None

    def entity_tag_id(self, entity_id: str) -> int | None:
        row = self.db.execute("SELECT id FROM tags WHERE entity_id = ?", (entity_id,)).fetchone()
        return int(row[0]) if row else None

    def _owners(self, keys: Iterable[str]) -> list[int]:
        """Tags owning any of the keys, in the order of the keys (each tag once)."""
        owners: dict[int, None] = {}
        for key in keys:
            tag_id = self.resolve_tag_key(key)
            if tag_id is not None:
                owners.setdefault(tag_id, None)
        return list(owners)

    # --- writing tags ---------------------------------------------------------------------------

    def add_aliases(self, tag_id: int, aliases: Iterable[tuple[str, str]]) -> int:
        """Add (spelling, normalised key) aliases to a tag; keys owned elsewhere are skipped.
        Returns how many were new."""
        added = 0
        for alias, key in aliases:
            if not key or not alias:
                continue
            owner = self.resolve_tag_key(key)
            if owner is not None and owner != tag_id:
                continue
            cur = self.db.execute(
                "INSERT INTO tag_aliases (alias, alias_key, tag_id) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (alias, key, tag_id),
            )
            added += cur.rowcount
        return added

    def _insert_tag(
        self, key: str, display: str, type_: str, qid: str, entity_id: str | None
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO tags (canonical, display, type, qid, created_at, entity_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (key, display, type_, qid, _now(), entity_id),
        )
        assert cur.lastrowid is not None
        self.add_aliases(cur.lastrowid, [(display, key)])
        return cur.lastrowid

    def ensure_tag(self, key: str, display: str, type_: str = "") -> int:
        """The tag named `key` (a merge, alias or canonical name), created when unknown. An
        untyped tag gets `type_`."""
        tag_id = self.resolve_tag_key(key)
        if tag_id is None:
            return self._insert_tag(key, display, type_, "", None)
        if type_:
            self.db.execute("UPDATE tags SET type = ? WHERE id = ? AND type = ''", (type_, tag_id))
        return tag_id

    def ensure_entity_tag(
        self,
        entity_id: str,
        display: str,
        *,
        type_: str,
        qid: str = "",
        aliases: Sequence[str] = (),
    ) -> int:
        """The tag of a gazetteer entity, reconciled with tags created before under its names."""
        key = normalize_for_match(display)
        pairs = [(a, normalize_for_match(a)) for a in (display, *aliases)]
        tag_id = self.entity_tag_id(entity_id)
        if tag_id is None:
            tag_id = self._adopt(entity_id, key, display, type_, qid, [k for _, k in pairs])
        self.add_aliases(tag_id, pairs)
        return tag_id

    def _adopt(
        self, entity_id: str, key: str, display: str, type_: str, qid: str, keys: list[str]
    ) -> int:
        merged = self.db.execute(
            "SELECT into_tag_id FROM tag_merges WHERE from_key = ?", (key,)
        ).fetchone()
        if merged is not None:
            # The user merged this entity's tag away: it stays merged (and keeps its display).
            return int(merged[0])
        for tag_id in self._owners(keys):
            row = self.db.execute("SELECT entity_id FROM tags WHERE id = ?", (tag_id,)).fetchone()
            if row[0] is not None:
                continue  # a name shared with another entity: not this one's tag
            taken = self.db.execute(
                "SELECT 1 FROM tags WHERE canonical = ? AND id != ?", (key, tag_id)
            ).fetchone()
            self.db.execute(
                "UPDATE tags SET entity_id = ?, type = ?, qid = ?,"
                " display = CASE WHEN display_pinned THEN display ELSE ? END,"
                " canonical = CASE WHEN ? THEN canonical ELSE ? END WHERE id = ?",
                (entity_id, type_, qid, display, taken is not None, key, tag_id),
            )
            return tag_id
        if self.resolve_tag_key(key) is not None:
            key = f"{key} ({entity_id})"  # the name is another entity's tag: keep both apart
        return self._insert_tag(key, display, type_, qid, entity_id)

    def count_spellings(self, tag_id: int, spellings: Mapping[str, int], canonical: str) -> str:
        """Add one article's spellings of a tag's name (spelling → mentions) and return the
        tag's display: the most seen spelling, unless an editor pinned it. Ties go to
        `canonical` (the gazetteer's spelling), then to the current display."""
        row = self.db.execute(
            "SELECT display, display_pinned FROM tags WHERE id = ?", (tag_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no tag {tag_id}")
        display, pinned = str(row[0]), bool(row[1])
        if not spellings:
            return display
        self.db.executemany(
            "INSERT INTO tag_spellings (tag_id, spelling, seen) VALUES (?, ?, ?)"
            " ON CONFLICT (tag_id, spelling) DO UPDATE SET seen = seen + excluded.seen",
            [(tag_id, spelling, count) for spelling, count in spellings.items() if spelling],
        )
        if pinned:
            return display
        best = self._preferred_spelling(tag_id, canonical, display)
        if best is not None and best != display:
            self.db.execute("UPDATE tags SET display = ? WHERE id = ?", (best, tag_id))
            return best
        return display

    def _preferred_spelling(self, tag_id: int, canonical: str, display: str) -> str | None:
        tied = [
            str(r[0])
            for r in self.db.execute(
                "SELECT spelling FROM tag_spellings WHERE tag_id = ?1 AND seen ="
                " (SELECT max(seen) FROM tag_spellings WHERE tag_id = ?1) ORDER BY spelling",
                (tag_id,),
            )
        ]
        if not tied:
            return None
        for preferred in (canonical, display):
            if preferred in tied:
                return preferred
        return tied[0]

    # --- learned names --------------------------------------------------------------------------

    def count_candidates(
        self, source_id: int | None, candidates: Sequence[tuple[str, str, str]]
    ) -> list[str]:
        """Count one article's (name_key, display, role) candidates; the keys now ready to be
        promoted (seen in PROMOTE_ARTICLES articles from PROMOTE_OUTLETS outlets, no tag yet)."""
        now, outlet = _now(), source_id or 0
        ready = []
        for key, display, role in candidates:
            self.db.execute(
                "INSERT INTO candidate_entities (name_key, display, role, articles, first_seen)"
                " VALUES (?, ?, ?, 1, ?) ON CONFLICT (name_key) DO UPDATE SET"
                " articles = articles + 1, role = CASE WHEN role = '' THEN excluded.role"
                " ELSE role END",
                (key, display, role, now),
            )
            self.db.execute(
                "INSERT INTO candidate_outlets (name_key, source_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (key, outlet),
            )
            row = self.db.execute(
                "UPDATE candidate_entities SET outlets = (SELECT count(*) FROM candidate_outlets"
                " WHERE name_key = ?1) WHERE name_key = ?1 RETURNING articles, outlets, tag_id",
                (key,),
            ).fetchone()
            if row[0] >= PROMOTE_ARTICLES and row[1] >= PROMOTE_OUTLETS and row[2] is None:
                ready.append(key)
        return ready

    def promote_candidate(self, name_key: str) -> int:
        """Make a counted candidate a person tag (or attach it to the tag of that name)."""
        row = self.db.execute(
            "SELECT display FROM candidate_entities WHERE name_key = ?", (name_key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no candidate {name_key!r}")
        tag_id = self.ensure_tag(name_key, row[0], "person")
        self.db.execute(
            "UPDATE candidate_entities SET tag_id = ? WHERE name_key = ?", (tag_id, name_key)
        )
        return tag_id

    def learned_rows(self) -> list[LearnedRow]:
        """Names to match in text beyond the gazetteer: every name of a promoted candidate's
        tag, and every alias or merged-away name of an entity's tag (added by hand or merge)."""
        rows = self.db.execute(
            "WITH learned(tag_id) AS (SELECT tag_id FROM candidate_entities"
            " WHERE tag_id IS NOT NULL UNION SELECT id FROM tags WHERE entity_id IS NOT NULL),"
            " names(key, tag_id) AS (SELECT alias_key, tag_id FROM tag_aliases"
            " UNION SELECT from_key, into_tag_id FROM tag_merges"
            " UNION SELECT canonical, id FROM tags)"
            " SELECT n.key, t.id, t.display, t.type, t.qid, t.entity_id FROM names n"
            " JOIN learned l ON l.tag_id = n.tag_id JOIN tags t ON t.id = n.tag_id ORDER BY n.key"
        ).fetchall()
        return [LearnedRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    # --- reading and curating (akhbar tags ...) ---------------------------------------------------

    def tag_info(self, name: str) -> TagInfo:
        """A tag by any of its names (display, alias, merged-away name), normalised here."""
        tag_id = self.resolve_tag_key(normalize_for_match(name))
        if tag_id is None:
            raise NotFoundError(f"no tag {name!r}")
        return self._info(tag_id)

    def _info(self, tag_id: int) -> TagInfo:
        row = self.db.execute(
            "SELECT id, canonical, display, type, qid, entity_id,"
            " (SELECT count(DISTINCT article_id) FROM article_tags WHERE tag_id = t.id),"
            " display_pinned FROM tags t WHERE id = ?",
            (tag_id,),
        ).fetchone()
        aliases = tuple(
            r[0]
            for r in self.db.execute(
                "SELECT alias FROM tag_aliases WHERE tag_id = ? ORDER BY alias", (tag_id,)
            )
        )
        spellings = tuple(
            (str(r[0]), int(r[1]))
            for r in self.db.execute(
                "SELECT spelling, seen FROM tag_spellings WHERE tag_id = ?"
                " ORDER BY seen DESC, spelling",
                (tag_id,),
            )
        )
        return TagInfo(
            row[0], row[1], row[2], row[3], row[4], row[5], aliases, row[6], bool(row[7]), spellings
        )

    def list_tags(self, *, limit: int = 50) -> list[TagInfo]:
        """Tags by number of articles, most used first."""
        ids = [
            r[0]
            for r in self.db.execute(
                "SELECT t.id FROM tags t LEFT JOIN article_tags at ON at.tag_id = t.id"
                " GROUP BY t.id ORDER BY count(DISTINCT at.article_id) DESC, t.display LIMIT ?",
                (limit,),
            )
        ]
        return [self._info(i) for i in ids]

    def merge_tags(self, from_name: str, into_name: str) -> TagInfo:
        """Move every article, alias and name of one tag into another; remember the merge."""
        source, target = self.tag_info(from_name), self.tag_info(into_name)
        if source.id == target.id:
            raise StoreError(f"{from_name!r} and {into_name!r} are already the same tag")
        self.db.execute(
            "INSERT INTO article_tags (article_id, tag_id, origin, score)"
            " SELECT article_id, ?, origin, score FROM article_tags WHERE tag_id = ?"
            " ON CONFLICT DO UPDATE SET score = max(score, excluded.score)",
            (target.id, source.id),
        )
        keys = {source.canonical} | {
            r[0]
            for r in self.db.execute(
                "SELECT alias_key FROM tag_aliases WHERE tag_id = ?1"
                " UNION SELECT from_key FROM tag_merges WHERE into_tag_id = ?1",
                (source.id,),
            )
        }
        self.db.execute(
            "UPDATE tag_aliases SET tag_id = ? WHERE tag_id = ?", (target.id, source.id)
        )
        self.db.execute(
            "INSERT INTO tag_spellings (tag_id, spelling, seen)"
            " SELECT ?, spelling, seen FROM tag_spellings WHERE tag_id = ?"
            " ON CONFLICT (tag_id, spelling) DO UPDATE SET seen = seen + excluded.seen",
            (target.id, source.id),
        )
        # Merging into a tag is the editor choosing its name: the display stays as it is.
        self.db.execute("UPDATE tags SET display_pinned = 1 WHERE id = ?", (target.id,))
        self.db.execute(
            "UPDATE candidate_entities SET tag_id = ? WHERE tag_id = ?", (target.id, source.id)
        )
        now = _now()
        self.db.executemany(
            "INSERT INTO tag_merges (from_key, into_tag_id, merged_at) VALUES (?, ?, ?)"
            " ON CONFLICT (from_key) DO UPDATE SET into_tag_id = excluded.into_tag_id",
            [(k, target.id, now) for k in sorted(keys)],
        )
        self.db.execute("DELETE FROM tags WHERE id = ?", (source.id,))
        if target.entity_id is None and source.entity_id is not None:
            self.db.execute(
                "UPDATE tags SET entity_id = ?, qid = CASE WHEN qid = '' THEN ? ELSE qid END,"
                " type = CASE WHEN type = '' THEN ? ELSE type END WHERE id = ?",
                (source.entity_id, source.qid, source.type, target.id),
            )
        return self._info(target.id)

    def add_alias_to(self, name: str, alias: str) -> TagInfo:
        """`akhbar tags alias NAME ALIAS`; an alias already naming another tag is refused."""
        tag = self.tag_info(name)
        key = normalize_for_match(alias)
        if not key:
            raise StoreError("an empty alias")
        owner = self.resolve_tag_key(key)
        if owner is not None and owner != tag.id:
            other = self._info(owner)
            raise StoreError(
                f"{alias!r} already names the tag {other.display!r}: merge the two tags instead"
            )
        self.add_aliases(tag.id, [(alias, key)])
        return self._info(tag.id)

    def rename_tag(self, name: str, new_display: str) -> TagInfo:
        """Show a tag under a new spelling; the old one stays an alias."""
        tag = self.tag_info(name)
        key = normalize_for_match(new_display)
        if not key:
            raise StoreError("an empty name")
        owner = self.resolve_tag_key(key)
        if owner is not None and owner != tag.id:
            raise StoreError(f"{new_display!r} already names another tag: merge them instead")
        # An editor's choice: pinned, so spelling counts never override it afterwards.
        self.db.execute(
            "UPDATE tags SET display = ?, canonical = ?, display_pinned = 1 WHERE id = ?",
            (new_display.strip(), key, tag.id),
        )
        self.add_aliases(tag.id, [(tag.display, tag.canonical), (new_display.strip(), key)])
        return self._info(tag.id)

    def unpin_tag(self, name: str) -> TagInfo:
        """`akhbar tags unpin NAME`: let the spelling counts choose the display again."""
        tag = self.tag_info(name)
        self.db.execute("UPDATE tags SET display_pinned = 0 WHERE id = ?", (tag.id,))
        best = self._preferred_spelling(tag.id, tag.display, tag.display)
        if best is not None and best != tag.display:
            self.db.execute("UPDATE tags SET display = ? WHERE id = ?", (best, tag.id))
        return self._info(tag.id)
