"""The intelligence steps of the pipeline: near-duplicates, then stories and "read also".

Both run inside the ingest batch's transaction for every new article, in order (see `Step` in
ingest.py), so what they write commits or rolls back with the article. Register them after the
entity tagger, so that extracted tags are already linked when the stories step reads them:

    Ingestor(store, steps=[entity_step, *intel_steps(store), index_step])

Every store call here is an index probe or a bounded range scan: the cost per article stays
flat as the store grows, and nothing accumulates in memory.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence

from akhbar.arabic import normalize_for_match
from akhbar.cluster.related import (
    DEFAULT_RELATED_PARAMS,
    Candidate,
    RelatedArticle,
    RelatedParams,
    gather_candidates,
    related_articles,
)
from akhbar.cluster.stories import (
    DEFAULT_STORY_PARAMS,
    StoryMatch,
    StoryParams,
    add_to_centroid,
    centroid_from_blob,
    centroid_to_blob,
    choose_story,
    cosine,
    gap_to_span,
    tag_term,
    text_terms,
    top_terms,
    vector_norm,
    vector_to_blobs,
    weigh,
)
from akhbar.dedup.minhash import (
    DEFAULT_THRESHOLDS,
    MIN_SHINGLES,
    DedupThresholds,
    Shingles,
    Signature,
    band_hashes,
    estimate_jaccard,
    is_near_copy,
    overlap,
    score_of,
    shingle_hashes,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from akhbar.models import Source
from akhbar.pipeline.ingest import PreparedArticle
from akhbar.store.intel import IntelQueries

#: Candidates whose bodies are compared exactly, best estimates first (bounds the work when a
#: much-copied wire story has dozens of copies: one confirmed copy leads to the group's root).
MAX_CONFIRMED = 8
#: Terms of each original article posted in the index (the heaviest ones).
POSTED_TERMS = 24
#: Open stories whose centroids are compared with a new article (the best by nearest member).
MAX_STORIES = 5
#: 'related' links stored per new article (export shows them; `akhbar related` recomputes).
STORED_RELATED = 3
#: Of a new article's best matches, how many get their stored 'related' links recomputed (the
#: new article may belong in their lists). Off by default: each refresh is a full ranking
#: (~10 ms), which tripled ingest time, while every reader path (`akhbar related`, the article
#: page, the API) ranks live from the store as it is now. Stored links serve export.
REFRESHED_MATCHES = 0
#: The stored links' candidate budget: smaller than a live ranking's, for ingest speed.
STORED_BUDGET = {
    "query_terms": 6,
    "per_term": 8,
    "candidates": 15,
    "candidate_stories": 6,
    "story_members": 2,
}
#: Candidates of the story decision (the story step's own budget: "read also" looks wider).
STORY_CANDIDATES = RelatedParams(query_terms=10, candidates=30)


@dataclasses.dataclass(frozen=True, slots=True)
class CopyKeys:
    """The pure part of the duplicate check: the body's shingles, MinHash signature, bands."""

    shingles: Shingles
    signature: Signature
    bands: list[tuple[int, int]]


class CopyKeysAnalyzer:
    """DedupStep's analyzer: `CopyKeys` of the body, or None when it is too short to compare."""

    def analyze(self, prepared: PreparedArticle) -> CopyKeys | None:
        shingles = shingle_hashes(prepared.body_norm)
        if shingles.size < MIN_SHINGLES:
            return None
        sig = signature(shingles)
        return CopyKeys(shingles, sig, band_hashes(sig))


class TermsAnalyzer:
    """StoryStep's analyzer: the term counts of title and lead (`text_terms`)."""

    def analyze(self, prepared: PreparedArticle) -> dict[int, float]:
        return text_terms(prepared.title_norm, prepared.body_norm)


def epoch_of(prepared: PreparedArticle) -> int:
    """Seconds since 1970 of the article's publication, else of now (undated articles)."""
    when = prepared.published_at
    return int(when.timestamp()) if when is not None else int(time.time())


class DedupStep:
    """Links a new article 'duplicate-of' the earliest near-copy already stored."""

    name = "dedup"

    def __init__(
        self, store: IntelQueries, thresholds: DedupThresholds = DEFAULT_THRESHOLDS
    ) -> None:
        self.store = store
        self.thresholds = thresholds

    def on_new_article(
        self, article_id: int, prepared: PreparedArticle, source: Source | None
    ) -> None:
        if self.store.duplicate_target(article_id) is not None:
            # An exact copy the ingestor linked by fingerprint: its original's bands stand
            # for it, so it adds no rows.
            return
        keys = prepared.analyses[self.name]
        if keys is None:
            return  # too short to compare
        assert isinstance(keys, CopyKeys)
        sig, bands = keys.signature, keys.bands
        original = self._find_original(article_id, sig, keys.shingles, bands)
        # A near-copy gets bands too: a later copy may resemble it more than its original
        # (a cut ending cut again), and its band rows let that copy find the group.
        self.store.add_minhash(article_id, signature_to_bytes(sig), bands)
        if original is not None:
            self.store.link_articles([(article_id, original[0], "duplicate-of", original[1])])

    def analyzer(self) -> CopyKeysAnalyzer:
        return CopyKeysAnalyzer()

    def flush(self) -> None:
        """Nothing to do after a commit: every write happened in the batch's transaction."""

    def _find_original(
        self,
        article_id: int,
        sig: Signature,
        shingles: Shingles,
        bands: list[tuple[int, int]],
    ) -> tuple[int, float] | None:
        """(earliest copy in the group, overlap score) or None when no candidate holds."""
        store, limits = self.store, self.thresholds
        candidates = store.minhash_candidates(bands, exclude=article_id)
        estimates = {
            other: estimate_jaccard(sig, signature_from_bytes(blob))
            for other, blob in store.minhash_signatures(candidates).items()
        }
        likely = sorted(
            (o for o, e in estimates.items() if e >= limits.estimate),
            key=lambda o: (-estimates[o], o),
        )[:MAX_CONFIRMED]
        confirmed: dict[int, float] = {}
        for other, body in store.article_bodies(likely).items():
            found = overlap(shingles, shingle_hashes(normalize_for_match(body)))
            if is_near_copy(found, limits):
                confirmed[other] = score_of(found)
        if not confirmed:
            return None
        group = set(confirmed) | {store.duplicate_root(o) for o in confirmed}
        group.discard(article_id)
        order = store.article_order_keys(sorted(group))
        earliest = min(order, key=order.__getitem__)
        return earliest, max(confirmed.values())


class StoryStep:
    """Puts a new article in a story (joining an open one or opening one), indexes its terms,
    and stores its best 'related' links."""

    name = "stories"

    def __init__(
        self,
        store: IntelQueries,
        *,
        params: StoryParams = DEFAULT_STORY_PARAMS,
        related: RelatedParams = DEFAULT_RELATED_PARAMS,
        stored_related: int = STORED_RELATED,
        refreshed: int = REFRESHED_MATCHES,
    ) -> None:
        self.store = store
        self.params = params
        # The links stored at ingest skip the MMR pass (one per story still holds): it is the
        # costliest part of ranking, and `akhbar related` recomputes the list with it.
        self.stored_params = dataclasses.replace(related, diversity=0.0, **STORED_BUDGET)
        self.stored_related = stored_related
        self.refreshed = refreshed
        # Term statistics of the batch in progress (see start_batch / end_batch).
        self._documents = 0
        self._batch_documents = 0
        self._batch_df: dict[int, int] = {}

    def on_new_article(
        self, article_id: int, prepared: PreparedArticle, source: Source | None
    ) -> None:
        store = self.store
        at = epoch_of(prepared)
        source_id = source.id if source is not None else None
        tf = prepared.analyses[self.name]
        assert isinstance(tf, dict)
        tags = [tag_term(t) for t in store.article_tag_ids(article_id)]
        terms = sorted({*tf, *tags})
        df, documents = self._frequencies(terms), self._documents + self._batch_documents
        vector = weigh(tf, tags, df, documents)
        store.save_vector(article_id, at, *vector_to_blobs(vector))
        root = store.duplicate_root(article_id)
        story_of_root = store.story_of(root) if root != article_id else None
        if story_of_root is not None:
            # A copy joins its original's story; it is neither counted in the document
            # frequencies nor posted, so wire copy does not inflate them.
            store.add_story_member(
                story_of_root, article_id, source_id=source_id, at=at, score=1.0, may_lead=False
            )
            return
        self._batch_documents += 1
        for term in terms:
            self._batch_df[term] = self._batch_df.get(term, 0) + 1
        candidates = gather_candidates(
            store, vector, at, exclude={article_id, root}, params=STORY_CANDIDATES
        )
        story_id = self._assign(article_id, vector, at, candidates, source_id)
        store.post_terms(article_id, at, top_terms(vector, POSTED_TERMS))
        links = links_from_candidates(candidates, story_id, at, self.stored_related)
        store.replace_related(article_id, links)
        if self.refreshed:
            self._write_counts()  # the full ranking reads the statistics from the store
        for other_id, _score in links[: self.refreshed]:
            self._store_related(other_id)

    def _store_related(self, article_id: int) -> list[RelatedArticle]:
        """Recompute the article's "read also" and replace its stored 'related' links."""
        related = related_articles(
            self.store, article_id, self.stored_related, params=self.stored_params
        )
        self.store.replace_related(article_id, [(r.id, r.score) for r in related])
        return related

    def analyzer(self) -> TermsAnalyzer:
        return TermsAnalyzer()

    def start_batch(self) -> None:
        self._documents = self.store.document_count()
        self._batch_documents = 0
        self._batch_df = {}

    def end_batch(self) -> None:
        """The batch's document frequencies, summed: one row per distinct term (wire news
        repeats its terms, so far fewer rows than one per term per article)."""
        self._write_counts()

    def abort_batch(self) -> None:
        self.start_batch()

    def _write_counts(self) -> None:
        self.store.count_documents(self._batch_df, self._batch_documents)
        self._documents += self._batch_documents
        self._batch_documents = 0
        self._batch_df = {}

    def _frequencies(self, terms: Sequence[int]) -> dict[int, int]:
        """Document frequencies as stored plus this batch's, not yet written."""
        df = self.store.document_frequencies(terms)
        for term in terms:
            if term in self._batch_df:
                df[term] = df.get(term, 0) + self._batch_df[term]
        return df

    def flush(self) -> None:
        """Nothing to do after a commit: every write happened in the batch's transaction."""

    def _assign(
        self,
        article_id: int,
        vector: Mapping[int, float],
        at: int,
        candidates: list[Candidate],
        source_id: int | None,
    ) -> int:
        """Join the best open story, or open one; returns the story id."""
        store = self.store
        nearest: dict[int, float] = {}
        for c in candidates:
            if c.story_id is not None and abs(c.at - at) <= self.params.window:
                nearest[c.story_id] = max(nearest.get(c.story_id, 0.0), c.similarity)
        shortlist = sorted(nearest, key=lambda s: (-nearest[s], s))[:MAX_STORIES]
        states = store.story_states(shortlist)
        # At most MAX_STORIES centroids of CENTROID_TERMS terms: plain dicts beat a numpy
        # pass at this size, and the chosen one is updated below without decoding it again.
        centroids = {s: centroid_from_blob(states[s].centroid) for s in shortlist if s in states}
        matches = [
            StoryMatch(
                s,
                cosine(vector, c) / norm if (norm := vector_norm(c)) > 0 else 0.0,
                nearest[s],
                gap_to_span(at, states[s].first_at, states[s].last_at),
            )
            for s, c in centroids.items()
        ]
        story_id, score = choose_story(matches, self.params)
        if story_id is None:
            story_id = store.create_story(article_id, at, centroid_to_blob(vector))
            store.add_story_member(
                story_id, article_id, source_id=source_id, at=at, score=1.0, may_lead=True
            )
            return story_id
        state = states[story_id]
        store.add_story_member(
            story_id, article_id, source_id=source_id, at=at, score=round(score, 4), may_lead=True
        )
        centroid = add_to_centroid(centroids[story_id], vector)
        store.set_story_centroid(story_id, centroid_to_blob(centroid))
        if state.lead_id is not None:
            store.link_articles([(article_id, state.lead_id, "same-story", round(score, 4))])
        return story_id


def links_from_candidates(
    candidates: Sequence[Candidate], story_id: int, at: int, k: int
) -> list[tuple[int, float]]:
    """The 'related' links stored at ingest, from the candidates the story decision already
    scored: time-decayed similarity, one per story, never the article's own story.

    Ranking read-also in full (story vectors) at ingest cost ~10 ms an article, most of the
    chain's time; every reading path (`akhbar related`, the article page, the API) ranks live
    in full, so the stored links only need to be good enough for export.
    """
    best: dict[int, tuple[float, int]] = {}
    for c in candidates:
        if c.story_id == story_id:
            continue
        score = c.similarity / (1 + abs(c.at - at) / (180 * 86400))
        key = c.story_id if c.story_id is not None else -c.article_id
        if key not in best or score > best[key][0]:
            best[key] = (score, c.article_id)
    ranked = sorted(best.values(), key=lambda sv: (-sv[0], sv[1]))[:k]
    return [(article, round(score, 4)) for score, article in ranked]


def intel_steps(store: IntelQueries) -> list[DedupStep | StoryStep]:
    """The intelligence steps in the order they must run: duplicates first (a copy joins its
    original's story), then stories, which also store the 'related' links."""
    return [DedupStep(store), StoryStep(store)]
