"""The intelligence steps of the pipeline: near-duplicates, then stories and "read also".

Both run inside the ingest batch's transaction for every new article, in order (see `Step` in
ingest.py), so what they write commits or rolls back with the article. Register them after the
entity tagger, so that extracted tags are already linked when the stories step reads them:

    Ingestor(store, steps=[entity_step, *intel_steps(store), index_step])

Every store call here is an index probe or a bounded range scan: the cost per article stays
flat as the store grows. What the story step keeps in memory is bounded: the rows it wrote
most recently (vectors, centroids), so that it does not read them back (`CACHED_VECTORS`).
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from akhbar.arabic import normalize_for_match
from akhbar.cluster.related import (
    Candidate,
    RelatedParams,
    gather_candidates,
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
    band_month,
    estimate_jaccard,
    is_near_copy,
    nearby_months,
    overlap,
    score_of,
    shingle_hashes,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from akhbar.models import RelationKind, Source
from akhbar.pipeline.ingest import PreparedArticle
from akhbar.store.intel import IntelQueries, StoredVector

#: Candidates whose bodies are compared exactly, best estimates first (bounds the work when a
#: much-copied wire story has dozens of copies: one confirmed copy leads to the group's root).
MAX_CONFIRMED = 8
#: Terms of each original article posted in the index (the heaviest ones).
POSTED_TERMS = 24
#: Open stories whose centroids are compared with a new article (the best by nearest member).
MAX_STORIES = 5
#: Provisional 'related' links stored per new article, until its list is ranked in full.
STORED_RELATED = 3
#: Stories closest to a new article (its story decision's candidates) whose members get their
#: "read also" ranked again, besides its own story's. Measured on the gold set, ranking after
#: each day (evaluation/intel_eval.py; the live ranking at the end: 0.585 nDCG@5): re-queueing
#: only the three articles a new one links to kept the stored lists at 0.42, any 5-30 of its
#: candidate articles at 0.44, the members (8 nearest in time) of its 3 closest stories at
#: 0.57 (a story's members share one judgement, and a new related story belongs in all their
#: lists), and of its own story too 0.59.
REQUEUED_STORIES = 3
#: Candidates of the story decision (the story step's own budget: "read also" looks wider).
STORY_CANDIDATES = RelatedParams(query_terms=10, candidates=30)
#: Vectors of stored articles kept in memory (~1 kB each, ~10 MB): a new article's candidates
#: are its neighbours in time, mostly the articles stored just before it, and reading their
#: vectors back was a tenth of the store process's time per article.
CACHED_VECTORS = 10_000
#: Decoded story centroids kept in memory (~9 kB each): an open story is compared with most
#: of the articles published near it, and decoding was as costly as comparing.
CACHED_CENTROIDS = 1_000


@dataclasses.dataclass(frozen=True, slots=True)
class CopyKeys:
    """The pure part of the duplicate check: the body's shingles, MinHash signature, bands."""

    shingles: Shingles
    signature: Signature
    bands: list[tuple[int, int]]

    def __reduce__(self) -> tuple[object, tuple[bytes, bytes, bytes]]:
        # Sent from the worker with every article: three byte strings unpickle in a fraction
        # of the time of two numpy arrays and 32 tuples (a third of a batch's unpickling, in
        # the store process), and rebuild the same values.
        values = np.fromiter((v for _, v in self.bands), dtype="<u8", count=len(self.bands))
        return (
            _copy_keys_from_bytes,
            (self.shingles.tobytes(), self.signature.tobytes(), values.tobytes()),
        )


def _copy_keys_from_bytes(shingles: bytes, sig: bytes, bands: bytes) -> CopyKeys:
    """`CopyKeys.__reduce__`'s inverse: the bands are numbered in order, as `band_hashes` does."""
    return CopyKeys(
        np.frombuffer(shingles, dtype=np.uint64),
        np.frombuffer(sig, dtype=np.uint32),
        list(enumerate(np.frombuffer(bands, dtype="<u8").tolist())),
    )


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
        at = epoch_of(prepared)
        original = self._find_original(article_id, sig, keys.shingles, bands, at)
        # A near-copy gets bands too: a later copy may resemble it more than its original
        # (a cut ending cut again), and its band rows let that copy find the group.
        self.store.add_minhash(article_id, signature_to_bytes(sig), bands, month=band_month(at))
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
        at: int,
    ) -> tuple[int, float] | None:
        """(earliest copy in the group, overlap score) or None when no candidate holds."""
        store, limits = self.store, self.thresholds
        candidates = store.minhash_candidates(bands, nearby_months(at), exclude=article_id)
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
        stored_related: int = STORED_RELATED,
    ) -> None:
        self.store = store
        self.params = params
        self.stored_related = stored_related
        # Term statistics of the batch in progress (see start_batch / end_batch).
        self._documents = 0
        self._batch_documents = 0
        self._batch_df: dict[int, int] = {}
        # Document frequencies as stored, read once per batch: the batch holds the write
        # lock, so only this step changes them until it writes its counts.
        self._stored_df: dict[int, int] = {}
        # 'related' and 'same-story' links of the batch, written at its end in one statement
        # (nothing reads them while the batch runs), and the articles whose 'related' links
        # they replace.
        self._links: list[tuple[int, int, RelationKind, float]] = []
        self._related_of: list[int] = []
        # Articles, and stories (with a time), whose "read also" lists the batch may change:
        # queued for a full ranking.
        self._queued: list[int] = []
        self._queued_stories: list[tuple[int, int]] = []
        # Rows this step wrote, kept to spare reading them back: article id → vector (with its
        # story), story id → (centroid blob, decoded centroid, its norm). Vectors and story
        # memberships never change once written; the centroid is checked against its blob.
        # Both are dropped when another connection committed (`data_version`) or a batch
        # rolled back.
        self._vectors: OrderedDict[int, StoredVector] = OrderedDict()
        self._centroids: OrderedDict[int, tuple[bytes, dict[int, float], float]] = OrderedDict()
        self._data_version: int | None = None

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
        blobs = vector_to_blobs(vector)
        store.save_vector(article_id, at, *blobs)
        root = store.duplicate_root(article_id)
        story_of_root = store.story_of(root) if root != article_id else None
        if story_of_root is not None:
            # A copy joins its original's story; it is neither counted in the document
            # frequencies nor posted, so wire copy does not inflate them.
            store.add_story_member(
                story_of_root, article_id, source_id=source_id, at=at, score=1.0, may_lead=False
            )
            self._remember(StoredVector(article_id, at, *blobs, story_of_root))
            return
        self._batch_documents += 1
        for term in terms:
            self._batch_df[term] = self._batch_df.get(term, 0) + 1
        candidates = gather_candidates(
            store,
            vector,
            at,
            exclude={article_id, root},
            params=STORY_CANDIDATES,
            load_vectors=self._load_vectors,
        )
        story_id = self._assign(article_id, vector, at, candidates, source_id)
        self._remember(StoredVector(article_id, at, *blobs, story_id))
        store.post_terms(article_id, at, top_terms(vector, POSTED_TERMS))
        links = links_from_candidates(candidates, story_id, at, self.stored_related)
        self._related_of.append(article_id)
        self._links.extend((article_id, other, "related", score) for other, score in links)
        # Its list is ranked in full later (akhbar/pipeline/relate.py), and so are those of
        # its story's members (their story, compared as a whole, has changed) and of the
        # members of the stories it came closest to (it may belong in their lists now).
        # Writing it into those lists now as well (a reverse row per link) kept the lists
        # better until then (0.305 nDCG@5 on the gold set against 0.185) but cost 16 MiB
        # written per 1,000 articles on a 69 k store (5 %) and ~0.1 ms of the store
        # process an article, for lists that `akhbar run` and `akhbar serve` rank within
        # minutes.
        self._queued.append(article_id)
        close = dict.fromkeys(
            c.story_id for c in candidates if c.story_id is not None and c.story_id != story_id
        )
        self._queued_stories.append((story_id, at))
        self._queued_stories.extend((s, at) for s in list(close)[:REQUEUED_STORIES])

    def analyzer(self) -> TermsAnalyzer:
        return TermsAnalyzer()

    def start_batch(self) -> None:
        self._documents = self.store.document_count()
        self._batch_documents = 0
        self._batch_df = {}
        self._stored_df = {}
        self._links, self._related_of = [], []
        self._queued, self._queued_stories = [], []
        # Inside the batch's transaction: nobody else can commit until it ends.
        version = self.store.data_version()
        if version != self._data_version:
            self._forget()
            self._data_version = version

    def end_batch(self) -> None:
        """The batch's document frequencies, summed: one row per distinct term (wire news
        repeats its terms, so far fewer rows than one per term per article); and its links."""
        self._write_counts()
        self._write_links()

    def abort_batch(self) -> None:
        self._forget()  # the cached rows of the batch were rolled back
        self._links, self._related_of = [], []
        self._queued, self._queued_stories = [], []
        self._documents = self._batch_documents = 0
        self._batch_df, self._stored_df = {}, {}

    def _forget(self) -> None:
        self._vectors.clear()
        self._centroids.clear()

    def _write_counts(self) -> None:
        self.store.count_documents(self._batch_df, self._batch_documents)
        self._documents += self._batch_documents
        self._batch_documents = 0
        self._batch_df = {}
        self._stored_df = {}  # the counts just written changed them

    def _write_links(self) -> None:
        if self._related_of or self._links:
            self.store.replace_related_of(self._related_of, self._links)
        if self._queued:
            self.store.queue_related(self._queued)
        if self._queued_stories:
            self.store.queue_related_stories(self._queued_stories)
        self._links, self._related_of = [], []
        self._queued, self._queued_stories = [], []

    def _frequencies(self, terms: Sequence[int]) -> dict[int, int]:
        """Document frequencies as stored plus this batch's, not yet written (0: unseen)."""
        stored = self._stored_df
        missing = [t for t in terms if t not in stored]
        if missing:
            found = self.store.document_frequencies(missing)
            for term in missing:
                stored[term] = found.get(term, 0)
        batch = self._batch_df
        return {t: stored[t] + batch[t] if t in batch else stored[t] for t in terms}

    def _remember(self, vector: StoredVector) -> None:
        self._vectors[vector.article_id] = vector
        if len(self._vectors) > CACHED_VECTORS:
            self._vectors.popitem(last=False)

    def _load_vectors(self, ids: Sequence[int]) -> dict[int, StoredVector]:
        """`store.vectors(ids)`, from the cache where it can: the same rows either way."""
        cached = self._vectors
        found = {a: cached[a] for a in ids if a in cached}
        if len(found) < len(ids):
            for article_id, stored in self.store.vectors(
                [a for a in ids if a not in found]
            ).items():
                found[article_id] = stored
                if stored.story_id is not None:  # membership is final once it exists
                    self._remember(stored)
        return found

    def _centroid(self, story_id: int, blob: bytes) -> tuple[dict[int, float], float]:
        """The story's centroid decoded from `blob`, and its norm (decoded once per blob)."""
        kept = self._centroids.get(story_id)
        if kept is not None and kept[0] == blob:
            self._centroids.move_to_end(story_id)
            return kept[1], kept[2]
        centroid = centroid_from_blob(blob)
        norm = vector_norm(centroid)
        self._centroids[story_id] = (blob, centroid, norm)
        if len(self._centroids) > CACHED_CENTROIDS:
            self._centroids.popitem(last=False)
        return centroid, norm

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
        centroids = {s: self._centroid(s, states[s].centroid) for s in shortlist if s in states}
        matches = [
            StoryMatch(
                s,
                cosine(vector, c) / norm if norm > 0 else 0.0,
                nearest[s],
                gap_to_span(at, states[s].first_at, states[s].last_at),
            )
            for s, (c, norm) in centroids.items()
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
        centroid = add_to_centroid(centroids[story_id][0], vector)
        store.set_story_centroid(story_id, centroid_to_blob(centroid))
        if state.lead_id is not None:
            self._links.append((article_id, state.lead_id, "same-story", round(score, 4)))
        return story_id


def links_from_candidates(
    candidates: Sequence[Candidate], story_id: int, at: int, k: int
) -> list[tuple[int, float]]:
    """The provisional 'related' links stored at ingest, from the candidates the story
    decision already scored: time-decayed similarity, one per story, never the article's own
    story.

    Ranking read-also in full (story vectors) at ingest cost ~10 ms an article, most of the
    chain's time: the article is queued for that instead (akhbar/pipeline/relate.py), and
    these links stand until then.
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
