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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from akhbar.arabic import normalize_for_match
from akhbar.enrich.gazetteer import Gazetteer, load_gazetteer
from akhbar.enrich.tagger import LearnedEntity, TagSuggestion, analyze_article
from akhbar.models import Source, TagOrigin
from akhbar.pipeline.ingest import PreparedArticle
from akhbar.store.tags import LearnedRow

__all__ = ["TagStep", "TagStore"]


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
        self.max_tags = max_tags
        self.keyphrases = keyphrases
        self.learn = learn
        self.learned = learned_vocabulary(store.learned_rows())
        # entity id → tag id, and the (tag, alias) pairs already stored: most articles name
        # entities the store has met before, and these spare the SQL for them.
        self._entity_tags: dict[str, int] = {}
        self._aliases_stored: set[tuple[int, str]] = set()

    def on_new_article(
        self, article_id: int, prepared: PreparedArticle, source: Source | None
    ) -> None:
        result = analyze_article(
            prepared.title,
            prepared.body,
            publisher_tags=[display for display, _ in prepared.tags],
            gazetteer=self.gazetteer,
            learned=self.learned,
            max_tags=self.max_tags,
            keyphrases=self.keyphrases,
        )
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

    def flush(self) -> None:
        self.learned = learned_vocabulary(self.store.learned_rows())

    # --- helpers --------------------------------------------------------------------------------

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
