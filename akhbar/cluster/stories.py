"""Story clustering, the pure part: term vectors of articles, story centroids, and the
"which open story does this article join?" decision.

In the manner of Miranda et al. 2018 ("Multilingual Clustering of Streaming News"): one pass,
no recompute. An article is a weighted term vector of its title and lead (light stems of the
normalised words, stopwords dropped) plus its entity tags (a strong signal, weighted up); the
weights are TF-IDF with document frequencies counted as the stream goes. It joins the open
story whose centroid and nearest member it resembles most, discounted by a Gaussian of the time
gap, when that score reaches a threshold; otherwise it opens a story.

Vectors are `dict[term, weight]`, L2-normalised; a term is a 63-bit hash of a stem (or of
'#<tag id>'), so the store needs no vocabulary table and the process keeps none in memory.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from akhbar.arabic.stem import stem_words
from akhbar.arabic.stopwords import stopwords

Vector = dict[int, float]

#: Words of the body read after the title: the lead carries the who/what/where of news.
LEAD_WORDS = 60
#: A title word counts as this many lead words (titles are short and chosen with care).
TITLE_WEIGHT = 2.0
#: An entity tag weighs this many times its IDF: two articles naming the same rare person or
#: place are far more likely to be one story than two sharing a rare verb.
TAG_BOOST = 2.0
#: Terms of a story centroid kept in the store (a centroid is the sum of member vectors).
CENTROID_TERMS = 80

#: Same as akhbar.arabic.tokens.words, minus its normalisation (the pipeline hands us
#: text that `normalize_for_match` already made).
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class StoryParams:
    """The story decision. Tuned on the gold set (evaluation/intel_eval.py)."""

    #: Articles farther apart than this are never one story ("open" stories), in seconds.
    window: int = 3 * 86400
    #: σ of the Gaussian time discount on the gap between an article and a story's span.
    sigma: float = 2 * 86400
    #: Share of the centroid similarity in the score; the rest is the best member similarity.
    centroid_share: float = 0.5
    #: Score needed to join a story; below it the article opens a new one.
    threshold: float = 0.12


DEFAULT_STORY_PARAMS = StoryParams()


@functools.lru_cache(maxsize=100_000)
def term_key(text: str) -> int:
    """A stable signed 63-bit id for a term (a stem, or '#<tag id>')."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def tag_term(tag_id: int) -> int:
    return term_key(f"#{tag_id}")


def text_terms(
    title_norm: str, body_norm: str, *, lead_words: int = LEAD_WORDS
) -> dict[int, float]:
    """Term frequencies of title + lead: stems of normalised non-stopwords, title words ×2."""
    counts: dict[int, float] = {}
    title, lead = _WORD.findall(title_norm), first_words(body_norm, lead_words)
    for weight, words in ((TITLE_WEIGHT, title), (1.0, lead)):
        for key in word_terms(words):
            if key:
                counts[key] = counts.get(key, 0.0) + weight
    return counts


#: Normalised word → its term (0: none). A word's term depends on the word alone, and news
#: repeats its words: one lookup replaces the stopword test, the stem and the term's hash,
#: which were most of `text_terms` (run for every article).
_WORD_TERMS: dict[str, int] = {}
_WORD_TERMS_KEPT = 200_000


def word_terms(words: list[str]) -> list[int]:
    """The term of each word, in order: 0 for a stopword, a number, or a stem shorter than
    two letters; else `term_key` of its stem."""
    known = _WORD_TERMS
    try:
        return [known[w] for w in words]
    except KeyError:
        pass
    stop = stopwords()
    fresh = sorted({w for w in words if w not in known})
    kept = [w for w in fresh if w not in stop and not w.isdigit()]
    found = dict.fromkeys(fresh, 0)
    for word, stem in zip(kept, stem_words(kept), strict=True):
        if len(stem) >= 2:
            found[word] = term_key(stem)
    if len(known) + len(found) > _WORD_TERMS_KEPT:
        known.clear()  # bounded; a miss costs only what every word cost before
    known.update(found)
    return [found[w] if w in found else known[w] for w in words]


#: Characters read to find the lead's words: far more than LEAD_WORDS words take in news text
#: (Arabic words average ~5 letters), and `first_words` reads on when they do not.
_LEAD_CHARS_PER_WORD = 12


def first_words(norm_text: str, count: int) -> list[str]:
    """The first `count` words of normalised text: `_WORD.findall(norm_text)[:count]`, without
    splitting the whole body (the lead is ~60 of its 300-400 words). When the prefix read
    yields more than `count` words, the first `count` are whole: the next one starts after
    them; otherwise the whole text is split."""
    prefix = norm_text[: count * _LEAD_CHARS_PER_WORD]
    found = _WORD.findall(prefix)
    if len(found) <= count and len(prefix) < len(norm_text):
        found = _WORD.findall(norm_text)
    return found[:count]


def idf(df: int, documents: int) -> float:
    """BM25's IDF, never negative: 0 for a term in every document, ln(1+2N) for a new one."""
    return math.log(1.0 + (documents - df + 0.5) / (df + 0.5))


def weigh(
    tf: Mapping[int, float],
    tag_terms: Iterable[int],
    df: Mapping[int, int],
    documents: int,
) -> Vector:
    """The L2-normalised TF-IDF vector: sublinear tf × idf, tags boosted."""
    vector: Vector = {}
    log = math.log
    for term, count in tf.items():
        if count >= 1:
            # `idf` inlined (same arithmetic, same result): this runs for every term of every
            # stored article, and the call was a third of the loop's time.
            found = df.get(term, 0)
            weight = (1.0 + log(count)) * log(1.0 + (documents - found + 0.5) / (found + 0.5))
            if weight > 0:
                vector[term] = weight
    for term in tag_terms:
        vector[term] = vector.get(term, 0.0) + TAG_BOOST * idf(df.get(term, 0), documents)
    return normalized(vector)


def vector_norm(vector: Mapping[int, float]) -> float:
    # A list, not a generator: the same sum in the same order, at half the cost.
    return math.sqrt(sum([w * w for w in vector.values()]))


def normalized(vector: Mapping[int, float]) -> Vector:
    norm = vector_norm(vector)
    return {t: w / norm for t, w in vector.items()} if norm > 0 else {}


def cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    """Dot product of two normalised vectors (iterates over the shorter)."""
    if len(a) > len(b):
        a, b = b, a
    # A list, not a generator: the same sum in the same order, faster (runs per centroid).
    return sum([w * b[t] for t, w in a.items() if t in b])


def top_terms(vector: Mapping[int, float], k: int) -> list[int]:
    """The k heaviest terms, heaviest first (ties by term id, so the choice is stable)."""
    return heaviest_first(vector)[:k]


def heaviest_first(weights: Mapping[int, float]) -> list[int]:
    """The keys of `weights`, heaviest first, ties by key (smallest first).

    Two sorts in C instead of one with a Python key of (-weight, key): ordered by key first,
    then by weight with reverse=True, which keeps equal weights in their order (Python's sort
    stays stable when reversed). The same order at a third of the cost; it runs several times
    for every stored article.
    """
    keys = sorted(weights)
    keys.sort(key=weights.__getitem__, reverse=True)
    return keys


def add_to_centroid(
    centroid: Mapping[int, float], vector: Mapping[int, float], *, keep: int = CENTROID_TERMS
) -> Vector:
    """Sum of member vectors, cut to its `keep` heaviest terms (not normalised)."""
    summed = dict(centroid)
    for term, weight in vector.items():
        summed[term] = summed.get(term, 0.0) + weight
    if len(summed) <= keep:
        return summed
    return {t: summed[t] for t in top_terms(summed, keep)}


def vector_to_blobs(vector: Mapping[int, float]) -> tuple[bytes, bytes]:
    terms = np.fromiter(vector.keys(), dtype="<i8", count=len(vector))
    weights = np.fromiter(vector.values(), dtype="<f4", count=len(vector))
    return terms.tobytes(), weights.tobytes()


def vector_from_blobs(terms: bytes, weights: bytes) -> Vector:
    keys = np.frombuffer(terms, dtype="<i8").tolist()
    values = np.frombuffer(weights, dtype="<f4").tolist()
    return dict(zip(keys, values, strict=True))


def centroid_to_blob(centroid: Mapping[int, float]) -> bytes:
    terms, weights = vector_to_blobs(centroid)
    return len(centroid).to_bytes(4, "little") + terms + weights


def centroid_blobs(blob: bytes) -> tuple[bytes, bytes]:
    """(terms, weights) of a stored centroid."""
    n = int.from_bytes(blob[:4], "little")
    return blob[4 : 4 + 8 * n], blob[4 + 8 * n :]


def centroid_from_blob(blob: bytes) -> Vector:
    return vector_from_blobs(*centroid_blobs(blob))


def time_affinity(gap_seconds: float, sigma: float) -> float:
    """Gaussian discount of a time gap (Miranda et al. use σ = 72 h features)."""
    return math.exp(-(gap_seconds * gap_seconds) / (2.0 * sigma * sigma))


def gap_to_span(at: int, first_at: int, last_at: int) -> int:
    """Seconds from `at` to the story's [first, last] span (0 inside it)."""
    if at < first_at:
        return first_at - at
    return max(0, at - last_at)


@dataclass(frozen=True, slots=True)
class StoryMatch:
    """One open story as seen from a new article."""

    story_id: int
    centroid_similarity: float
    member_similarity: float
    gap: int


def story_score(match: StoryMatch, params: StoryParams = DEFAULT_STORY_PARAMS) -> float:
    share = params.centroid_share
    similarity = share * match.centroid_similarity + (1 - share) * match.member_similarity
    return similarity * time_affinity(match.gap, params.sigma)


def choose_story(
    matches: Iterable[StoryMatch], params: StoryParams = DEFAULT_STORY_PARAMS
) -> tuple[int | None, float]:
    """(story to join, score), or (None, best score) when no story reaches the threshold."""
    best_id, best = None, 0.0
    for match in matches:
        if match.gap > params.window:
            continue
        score = story_score(match, params)
        if score > best or (score == best and best_id is not None and match.story_id < best_id):
            best_id, best = match.story_id, score
    if best_id is not None and best >= params.threshold:
        return best_id, best
    return None, best
