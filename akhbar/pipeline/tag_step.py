"""The tagging step of the pipeline: entity tags for every new article, and the vocabulary
that grows with the articles.

For each new article (inside its batch transaction, after the publisher tags were stored):

1. `tag_article` reads it with the gazetteer plus the learned names (below).
2. Every suggestion becomes a store tag, linked with origin 'extracted' and its score. An
   entity's tag is reconciled with tags publishers created under its names («بوتين» becomes the
   tag «فلاديمير بوتين»), and a publisher tag naming an entity is linked to the entity's tag too.
3. Person names introduced by a title that nothing knows are counted per article and outlet;
   at 3 articles from 2 outlets they become person tags and are matched from then on.
4. The spellings of each tag's name the article used (كيم جونج أون) are counted; the tag shows
   the most seen one, unless an editor pinned its display (akhbar/store/tags.py).

Learned names are the names of promoted candidates and the aliases and merged-away names of
entity tags (added with `akhbar tags alias` / `merge`): loaded once, extended as candidates are
promoted, and reloaded after each batch so curation in another process is picked up.

The reading itself (step 1) is pure and runs where the batch is prepared, in a worker process
when the ingestor has one (`TagAnalyzer`), with the learned names as they were when the batch
was sent. When they changed since, and a changed name occurs in the article, the step reads
the article again here: the result is the same as reading it in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from akhbar.arabic import normalize_for_match
from akhbar.enrich.gazetteer import Gazetteer, load_gazetteer
from akhbar.enrich.tagger import LearnedEntity, TagResult, TagSuggestion, analyze_article
from akhbar.models import Source, TagOrigin
from akhbar.pipeline.ingest import PreparedArticle
from akhbar.store.tags import LearnedRow

__all__ = ["TagAnalyzer", "TagStep", "TagStore"]

#: Learned-name changes remembered to check readings made before them; a reading older than
#: that is simply done again.
CHANGES_KEPT = 10_000


class TagStore(Protocol):
    """What the tag step needs of the store (SQLiteStore + TagQueries)."""

    def link_tags(self, rows: Iterable[tuple[int, int, TagOrigin, float]]) -> None: ...
    def ensure_tag(self, key: str, display: str, type_: str = "") -> int: ...
    def ensure_entity_tag(
        self,
        entity_id: str,
        display: str,
        *,
        type_: str,
        qid: str = "",
        aliases: Sequence[str] = (),
    ) -> int: ...
    def add_aliases(self, tag_id: int, aliases: Iterable[tuple[str, str]]) -> int: ...
    def count_spellings(self, tag_id: int, spellings: Mapping[str, int], canonical: str) -> str: ...
    def count_candidates(
        self, source_id: int | None, candidates: Sequence[tuple[str, str, str]]
    ) -> list[str]: ...
    def promote_candidate(self, name_key: str) -> int: ...
    def learned_rows(self) -> list[LearnedRow]: ...


def learned_vocabulary(rows: Iterable[LearnedRow]) -> dict[str, LearnedEntity]:
    return {
        r.key: LearnedEntity(r.tag_id, r.display, r.type or "person", r.qid, r.entity_id)
        for r in rows
    }


@dataclass(frozen=True, slots=True)
class TagReading:
    """An article read by `TagAnalyzer`, with the version of the learned names it used."""

    result: TagResult
    version: int

    def __reduce__(self) -> tuple[type[TagReading], tuple[TagResult, int]]:
        # Positional: unpickles faster than a frozen slots dataclass's state (one per article).
        return TagReading, (self.result, self.version)


#: (step, version) → the learned names of that version, as first received in this process: the
#: tagger compiles its matcher once per names object (~75 ms), so every batch of one version
#: must use the same object, not its own copy.
_SNAPSHOTS: dict[tuple[str, int], Mapping[str, LearnedEntity]] = {}
_SNAPSHOTS_KEPT = 4


@dataclass(frozen=True, slots=True)
class TagAnalyzer:
    """The tagger's pure reading of one article (step 1), sent to worker processes with each
    batch. The gazetteer is None for the bundled one: each process loads it once instead of
    receiving it with every batch."""

    step: str  # which TagStep made it (a random id), so versions of two steps never mix
    learned: Mapping[str, LearnedEntity]
    version: int
    gazetteer: Gazetteer | None
    max_tags: int
    keyphrases: int

    def analyze(self, prepared: PreparedArticle) -> TagReading:
        key = (self.step, self.version)
        learned = _SNAPSHOTS.get(key)
        if learned is None:
            learned = _SNAPSHOTS[key] = self.learned
            for old in list(_SNAPSHOTS)[:-_SNAPSHOTS_KEPT]:
                del _SNAPSHOTS[old]
        result = analyze_article(
            prepared.title,
            prepared.body,
            publisher_tags=[display for display, _ in prepared.tags],
            gazetteer=self.gazetteer or load_gazetteer(),
            learned=learned,
            max_tags=self.max_tags,
            keyphrases=self.keyphrases,
            norms=(prepared.title_norm, prepared.body_norm),
        )
        # The step reads only the tags and the new names: every titled name found is not sent
        # back to the store process with the article (they were most of a reading's bytes).
        return TagReading(TagResult(result.tags, [], result.new_names), self.version)


class TagStep:
    """The `Step` that tags every new article (see the module docstring)."""

    name = "tags"

    def __init__(
        self,
        store: TagStore,
        gazetteer: Gazetteer | None = None,
        *,
        max_tags: int = 8,
        keyphrases: int = 0,
        learn: bool = True,
    ) -> None:
        self.store = store
        self.gazetteer = gazetteer or load_gazetteer()
        self._own_gazetteer = gazetteer
        self.max_tags = max_tags
        self.keyphrases = keyphrases
        self.learn = learn
        self.learned = learned_vocabulary(store.learned_rows())
        #: Bumped on every change of `learned`; `_changes` says which names changed when.
        self.version = 0
        self._changes: list[tuple[int, str]] = []
        self._complete_from = 1  # every change of this version and later is in `_changes`
        self._id = uuid.uuid4().hex
        # entity id → tag id, and the (tag, alias) pairs already stored: most articles name
        # entities the store has met before, and these spare the SQL for them.
        self._entity_tags: dict[str, int] = {}
        self._aliases_stored: set[tuple[int, str]] = set()

    def analyzer(self) -> TagAnalyzer:
        return TagAnalyzer(
            self._id,
            dict(self.learned),
            self.version,
            self._own_gazetteer,
            self.max_tags,
            self.keyphrases,
        )

    def on_new_article(
        self, article_id: int, prepared: PreparedArticle, source: Source | None
    ) -> None:
        reading = prepared.analyses[self.name]
        assert isinstance(reading, TagReading)
        if self._outdated(reading, prepared):
            reading = self.analyzer().analyze(prepared)
        result = reading.result
        links: list[tuple[int, int, TagOrigin, float]] = []
        for tag in result.tags:
            if tag.type == "topic" and tag.from_publisher and tag.entity_id is None:
                continue  # a publisher topic: the ingest already linked it as 'publisher'
            tag_id = self._tag_id(tag)
            if tag.spellings:
                self.store.count_spellings(tag_id, tag.spellings, tag.canonical or tag.display)
            links.append((article_id, tag_id, "extracted", tag.score))
            if tag.from_publisher:
                links.append((article_id, tag_id, "publisher", 1.0))
        self.store.link_tags(links)
        if self.learn and result.new_names:
            self._count(source, [(c.name_norm, c.name_display, c.role) for c in result.new_names])

    def start_batch(self) -> None:
        """Nothing to prepare: the tag caches stay valid from batch to batch."""

    def end_batch(self) -> None:
        """Nothing kept for the end: every write happened per article."""

    def abort_batch(self) -> None:
        """The tags and names the failed batch created were rolled back with it."""
        self._entity_tags.clear()
        self._aliases_stored.clear()
        self.flush()

    def flush(self) -> None:
        fresh = learned_vocabulary(self.store.learned_rows())
        changed = [
            k for k in fresh.keys() | self.learned.keys() if fresh.get(k) != self.learned.get(k)
        ]
        self.learned = fresh
        self._changed(changed)

    # --- helpers --------------------------------------------------------------------------------

    def _changed(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            self.version += 1
            self._changes.extend((self.version, k) for k in keys)
            if len(self._changes) > CHANGES_KEPT:
                del self._changes[:-CHANGES_KEPT]
                # The first version kept may have lost some of its names.
                self._complete_from = self._changes[0][0] + 1

    def _outdated(self, reading: TagReading, prepared: PreparedArticle) -> bool:
        """Would the learned names as they are now read this article differently? Only if a
        name that changed since the reading occurs in its text or publisher tags."""
        if reading.version == self.version:
            return False
        if reading.version + 1 < self._complete_from:
            return True  # changes older than those remembered
        names = [key for version, key in self._changes if version > reading.version]
        text = "\n".join(
            [
                prepared.title_norm,
                prepared.body_norm,
                *(normalize_for_match(d) for d, _ in prepared.tags),
            ]
        )
        return any(name in text for name in names)

    def _tag_id(self, tag: TagSuggestion) -> int:
        if tag.entity_id is not None:
            tag_id = self._entity_tags.get(tag.entity_id)
            if tag_id is None:
                # The canonical spelling makes the key (stable whatever the text spelt); the
                # display follows the counted spellings (count_spellings above).
                tag_id = self.store.ensure_entity_tag(
                    tag.entity_id,
                    tag.canonical or tag.display,
                    type_=tag.type,
                    qid=tag.qid,
                    aliases=tag.aliases_seen,
                )
                self._entity_tags[tag.entity_id] = tag_id
                self._aliases_stored.update((tag_id, a) for a in tag.aliases_seen)
                return tag_id
        elif tag.tag_id is not None:
            tag_id = tag.tag_id
        else:
            tag_id = self.store.ensure_tag(tag.key, tag.canonical or tag.display, tag.type)
        fresh = [a for a in tag.aliases_seen if (tag_id, a) not in self._aliases_stored]
        if fresh:
            self.store.add_aliases(tag_id, [(a, normalize_for_match(a)) for a in fresh])
            self._aliases_stored.update((tag_id, a) for a in fresh)
        return tag_id

    def _count(self, source: Source | None, names: list[tuple[str, str, str]]) -> None:
        for key in self.store.count_candidates(source.id if source else None, names):
            tag_id = self.store.promote_candidate(key)
            display = next(d for k, d, _ in names if k == key)
            self.learned[key] = LearnedEntity(tag_id, display, "person")
            self._changed([key])
