""" "Read also": articles on a close topic, close in time, from other stories.

Candidates come from the store's term index (`story_terms`): for the article's heaviest terms,
the postings nearest to its time, a bounded number per term, so the work does not grow with the
store. They are scored in Python:

    relevance = cosine(title + lead + tags TF-IDF) / (1 + days apart / 90)

The decay is hyperbolic, not exponential: a week costs 7 %, a month 25 %, a year 80 %. So of
two articles about as close in topic, the one from the same weeks wins by far (an article from
another year is not chosen while a close one exists), yet the direct predecessor of an event a
year earlier still beats a same-week article on another topic. An exponential decay
(τ = 45 days) scored nDCG@5 0.32 on the gold set against 0.4 for this one: the gold
judgements grade last year's edition of the same event 2 of 3.

Then an MMR-like pass picks the list: never the article itself or a copy of it (copies are not
in the index: their original stands for them, and that original is excluded), never a member of
its own story (shown as "same story elsewhere"), at most one article per story, and each pick
discounted by its similarity to those already picked, so the list covers several angles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from akhbar.cluster.stories import Vector, top_terms, vector_from_blobs
from akhbar.store.intel import IntelQueries

DAY = 86400
#: Candidates weighed against the picks at each MMR step (the most relevant ones).
MMR_WINDOW = 12


@dataclass(frozen=True, slots=True)
class RelatedParams:
    #: Heaviest terms of the article looked up in the index.
    query_terms: int = 10
    #: Postings read per term on each side of the article's time.
    per_term: int = 15
    #: Candidates (most shared term weight first) whose vectors are loaded and scored.
    candidates: int = 30
    #: Candidates farther than this in time are not read at all, in days.
    horizon_days: int = 3 * 365
    #: Days apart at which the decay halves the relevance.
    tau_days: float = 90.0
    #: Similarity below which an article is not worth showing, however close in time (a
    #: floor on similarity, not on relevance: an old article on the very topic is still
    #: shown when nothing recent is).
    min_similarity: float = 0.08
    #: Weight of the redundancy penalty in the MMR pass (0: pure relevance).
    diversity: float = 0.0


DEFAULT_RELATED_PARAMS = RelatedParams()


@dataclass(slots=True)
class Candidate:
    """An indexed article near the query: its time, story and similarity to the query.

    The vector stays in its stored form until the MMR pass asks for it (few do).
    """

    article_id: int
    at: int
    story_id: int | None
    similarity: float
    terms: bytes
    weights: bytes
    _vector: Vector | None = None

    @property
    def vector(self) -> Vector:
        if self._vector is None:
            self._vector = vector_from_blobs(self.terms, self.weights)
        return self._vector


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    id: int
    score: float
    similarity: float
    days_apart: float
    story_id: int | None


def time_decay(gap_seconds: float, tau_days: float) -> float:
    return 1.0 / (1.0 + abs(gap_seconds) / (tau_days * DAY))


def gather_candidates(
    store: IntelQueries,
    vector: Mapping[int, float],
    at: int,
    *,
    exclude: Collection[int] = (),
    params: RelatedParams = DEFAULT_RELATED_PARAMS,
) -> list[Candidate]:
    """Indexed articles sharing the vector's heaviest terms (nearest in time first per term),
    with their cosine similarity to `vector`, most similar first."""
    terms = top_terms(vector, params.query_terms)
    horizon = params.horizon_days * DAY
    shared: dict[int, float] = {}
    for term, article_id in store.term_neighbours(
        terms, at, per_term=params.per_term, since=at - horizon, until=at + horizon
    ):
        if article_id not in exclude:
            shared[article_id] = shared.get(article_id, 0.0) + vector[term]
    best = sorted(shared, key=lambda a: (-shared[a], a))[: params.candidates]
    found = store.vectors(best)
    stored = [found[a] for a in best if a in found]
    similarities = cosines(vector, [(s.terms, s.weights) for s in stored])
    candidates = [
        Candidate(s.article_id, s.at, s.story_id, sim, s.terms, s.weights)
        for s, sim in zip(stored, similarities, strict=True)
    ]
    candidates.sort(key=lambda c: (-c.similarity, c.article_id))
    return candidates


def cosines(
    vector: Mapping[int, float],
    stored: Sequence[tuple[bytes, bytes]],
    *,
    normalize: bool = False,
) -> list[float]:
    """Cosine of `vector` (normalised) with each stored (terms, weights) vector, in one numpy
    pass; `normalize` divides by each stored vector's norm (for centroids, kept as sums).

    Every stored term is looked up in the query's sorted terms at once: a Python loop over
    dict entries cost ~13 µs per pair, this ~1 µs.
    """
    if not stored or not vector:
        return [0.0] * len(stored)
    query_terms = np.fromiter(vector.keys(), dtype=np.int64, count=len(vector))
    order = np.argsort(query_terms)
    query_terms = query_terms[order]
    query_weights = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))[order]
    terms = np.frombuffer(b"".join(t for t, _ in stored), dtype="<i8")
    weights = np.frombuffer(b"".join(w for _, w in stored), dtype="<f4").astype(np.float64)
    if terms.size == 0:
        return [0.0] * len(stored)
    lengths = np.fromiter((len(t) // 8 for t, _ in stored), dtype=np.int64, count=len(stored))
    at = np.minimum(np.searchsorted(query_terms, terms), query_terms.size - 1)
    products = np.where(query_terms[at] == terms, query_weights[at] * weights, 0.0)
    dots = _segment_sums(products, lengths)
    if normalize:
        norms = np.sqrt(_segment_sums(weights * weights, lengths))
        dots = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    result: list[float] = dots.tolist()
    return result


def _segment_sums(values: npt.NDArray[np.float64], lengths: npt.NDArray[np.int64]) -> Any:
    """Sum of each consecutive run of `lengths` values (an empty run sums to 0)."""
    ends = np.cumsum(lengths)
    totals = np.concatenate(([0.0], np.cumsum(values)))
    return totals[ends] - totals[ends - lengths]


def rank_related(
    at: int,
    candidates: Iterable[Candidate],
    *,
    exclude_story: int | None,
    k: int,
    params: RelatedParams = DEFAULT_RELATED_PARAMS,
) -> list[RelatedArticle]:
    """The k best candidates by relevance, one per story, diversified (MMR)."""
    pool: list[tuple[float, Candidate]] = []
    for c in candidates:
        if exclude_story is not None and c.story_id == exclude_story:
            continue
        if c.similarity >= params.min_similarity:
            pool.append((c.similarity * time_decay(c.at - at, params.tau_days), c))
    pool.sort(key=lambda item: (-item[0], item[1].article_id))
    picked: list[tuple[RelatedArticle, Candidate]] = []
    stories: set[int] = set()
    while pool and len(picked) < k:
        index = _next_pick(pool, [c for _, c in picked], params.diversity)
        relevance, chosen = pool.pop(index)
        if chosen.story_id is not None:
            if chosen.story_id in stories:
                continue
            stories.add(chosen.story_id)
        days = abs(chosen.at - at) / DAY
        result = RelatedArticle(
            chosen.article_id,
            round(relevance, 4),
            round(chosen.similarity, 4),
            days,
            chosen.story_id,
        )
        picked.append((result, chosen))
    return [r for r, _ in picked]


def _next_pick(
    pool: list[tuple[float, Candidate]], picked: list[Candidate], diversity: float
) -> int:
    """Index in `pool` (sorted by relevance) of the best relevance-minus-redundancy trade.

    Only the head of the pool is weighed: the list is short, and a candidate far down the
    relevance order is not worth the vector comparisons.
    """
    if not picked or diversity <= 0:
        return 0
    window = pool[:MMR_WINDOW]
    stored = [(c.terms, c.weights) for _, c in window]
    redundancy = [0.0] * len(window)
    for p in picked:
        redundancy = [max(r, s) for r, s in zip(redundancy, cosines(p.vector, stored), strict=True)]
    values = [
        (1 - diversity) * relevance - diversity * r
        for (relevance, _), r in zip(window, redundancy, strict=True)
    ]
    return max(range(len(values)), key=lambda i: (values[i], -i))


def related_articles(
    store: IntelQueries,
    article_id: int,
    k: int = 5,
    *,
    params: RelatedParams = DEFAULT_RELATED_PARAMS,
) -> list[RelatedArticle]:
    """ "Read also" for a stored article, computed now (it sees articles published after it).

    A copy gets the list of its original. [] when the article has no vector (it was stored
    before the stories step ran, or its title and lead hold no content word).
    """
    root = store.duplicate_root(article_id)
    stored = store.vectors([root, article_id])
    own = stored.get(root) or stored.get(article_id)
    if own is None:
        return []
    vector = vector_from_blobs(own.terms, own.weights)
    story = own.story_id if own.story_id is not None else store.story_of(article_id)
    candidates = gather_candidates(store, vector, own.at, exclude={article_id, root}, params=params)
    return rank_related(own.at, candidates, exclude_story=story, k=k, params=params)
