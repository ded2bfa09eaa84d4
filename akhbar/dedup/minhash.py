"""Near-duplicate detection: MinHash over word 2-shingles, LSH bands, and an exact check.

Wire copy is republished with small edits: another title, an added intro sentence, a cut
ending, other punctuation or letter variants. Normalised text (`normalize_for_match`) removes
the letter variants and the word regex drops punctuation; what remains is a set of word
2-shingles per body, and two copies share most of them.

Why these choices (numbers from ../shared/notes/dependencies-checked.md and our own runs):

* **Word 2-shingles, 128 permutations**: 979/1000 planted near-duplicates found at threshold
  0.5, against 765/1000 with 3-shingles.
* **Our own numpy MinHash, not datasketch**: datasketch's LSH lives in memory (1.8 GiB peak on
  62 k articles). Here the band hashes are rows of the store (`minhash_bands`, indexed on
  (month, band, hash)), so a lookup is 2 × 32 index probes whatever the size of the store, and
  memory does not grow with it.
* **Hashing**: each word gets a crc32, a shingle mixes its two word hashes with a multiply-add
  (vectorised), and the 128 permutations are multiply-add-shift hashes
  h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32, one numpy outer product per article.
* **b = 32 bands × r = 4 rows**: the S-curve 1 - (1 - J^4)^32 crosses 1/2 near J = 0.38 and is
  0.87 at J = 0.5, 0.99 at J = 0.6. A copy with its ending cut has Jaccard = kept share (0.5 when
  half is cut) but containment 1.0: the lower threshold catches it, and the exact check below
  removes what the estimate lets through. r = 3 with 42 bands would reach lower still, at 30 %
  more rows in the store; the gold set did not need it (see evaluation/intel_eval.py).
* **Where copies are looked for**: among the articles of the same calendar month (UTC) as
  the new one and of the nearer neighbouring month (`band_month`, `nearby_months`): so at
  least 13 days back and forth, up to six weeks. Wire copy is republished within hours or
  days. The band rows are keyed by month first, so a batch of new articles writes into the
  few pages of its month; keyed by (band, hash) alone, a batch of 500 rewrote every page of
  the table (8,800 at 69 k articles), which made each article costlier as the store grew.
  The time is the publication's, else the import's (as for stories): an undated copy of a
  dated original is found when it is imported within about two weeks of the original's date.
* **Exact confirmation**: a candidate is linked only if the shingle sets themselves have
  Jaccard ≥ 0.5, or the smaller set lies ≥ 80 % inside the larger one while being at least a
  third of its size (an added intro or a cut ending). That keeps precision at the cost of one
  body read per surviving candidate.

The parameters are derived from fixed strings, never from a random generator: stored signatures
and band hashes must mean the same thing in every later version.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
#: Below this many distinct shingles (≈ 10 words) a text is too short to call a near-copy:
#: a one-line brief shares its few shingles with many unrelated briefs.
MIN_SHINGLES = 10
#: Band hashes are 31 bits: SQLite stores them in 4 bytes (a 64-bit value takes 8). A spurious
#: band collision costs one signature comparison, at ~32 · n / 2^31 per article.
BAND_HASH_BITS = 31

Shingles = npt.NDArray[np.uint64]
Signature = npt.NDArray[np.uint32]

#: Same as akhbar.arabic.tokens.words, minus its normalisation: the pipeline hands us text that
#: `normalize_for_match` already made (body_norm), and normalising again costs ~235 µs/article.
_WORD = re.compile(r"[^\W_]+")
_SHIFT = np.uint64(32)


def _constants(label: str, count: int, *, odd: bool = False) -> npt.NDArray[np.uint64]:
    values = []
    for i in range(count):
        digest = hashlib.blake2b(f"akhbar-minhash-{label}-{i}".encode(), digest_size=8).digest()
        values.append(int.from_bytes(digest, "little") | int(odd))
    return np.array(values, dtype=np.uint64)


_PERM_A = _constants("a", NUM_PERM, odd=True)[:, None]
_PERM_B = _constants("b", NUM_PERM)[:, None]
_PAIR_A, _PAIR_B = _constants("pair", 2, odd=True)
_BAND_MIX = _constants("band", ROWS + 1, odd=True)


@dataclass(frozen=True, slots=True)
class DedupThresholds:
    """When a candidate counts as a near-copy. Tuned on the gold set (evaluation/)."""

    #: Share of equal signature slots before the bodies are compared at all.
    estimate: float = 0.3
    #: Exact shingle Jaccard that alone makes a copy.
    jaccard: float = 0.5
    #: Share of the smaller shingle set found in the larger: an intro added, an ending cut.
    containment: float = 0.8
    #: ... but only if the smaller text is at least this share of the larger one, so that a
    #: two-line brief is not called a copy of the long report that quotes it.
    size_ratio: float = 0.33


DEFAULT_THRESHOLDS = DedupThresholds()


def shingle_hashes(norm_text: str) -> Shingles:
    """Sorted distinct hashes of the word 2-shingles of already normalised text."""
    words = _WORD.findall(norm_text)
    if len(words) < 2:
        return np.empty(0, dtype=np.uint64)
    # map() in C rather than a generator: the per-word Python frame was half of this function.
    h = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    # Uint64 arithmetic wraps modulo 2^64 (array operations never warn); the top 32 bits of
    # a·x + b·y are a well-mixed hash of the ordered pair (x, y).
    pairs = (h[:-1] * _PAIR_A + h[1:] * _PAIR_B) >> _SHIFT
    # np.unique's result (sorted, distinct) by a sort and a mask: its generic path costs more
    # than the work at a few hundred values.
    pairs.sort()
    distinct = np.empty(pairs.size, dtype=bool)
    distinct[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=distinct[1:])
    shingles: Shingles = pairs[distinct]
    return shingles


def signature(shingles: Shingles) -> Signature:
    """The 128 MinHash values of a non-empty shingle set."""
    if shingles.size == 0:
        raise ValueError("no shingles: a signature needs at least one")
    hashed = _PERM_A * shingles[None, :]
    hashed += _PERM_B
    # The shift is monotonic, so the minimum of the shifted values is the shifted minimum:
    # shifting the 128 minima instead of the whole 128 x n matrix gives the same signature.
    result: Signature = (hashed.min(axis=1) >> _SHIFT).astype(np.uint32)
    return result


def band_hashes(sig: Signature) -> list[tuple[int, int]]:
    """(band, hash) of each of the 32 bands: two texts share a band when its 4 rows agree."""
    rows = sig.astype(np.uint64).reshape(BANDS, ROWS)
    band_ids = np.arange(BANDS, dtype=np.uint64)
    mixed = (rows * _BAND_MIX[:ROWS]).sum(axis=1) + band_ids * _BAND_MIX[ROWS]
    hashed = mixed >> np.uint64(64 - BAND_HASH_BITS)
    return [(band, int(value)) for band, value in enumerate(hashed.tolist())]


def band_month(epoch: int) -> int:
    """The month an article's band rows are kept under: year * 12 + month - 1, UTC (the
    migration 0007_minhash_bands_by_month computes the same in SQL)."""
    when = datetime.fromtimestamp(epoch, UTC)
    return when.year * 12 + when.month - 1


def nearby_months(epoch: int) -> tuple[int, int]:
    """The two months whose articles a new article published (else imported) at `epoch` is
    compared with: its own and the nearer neighbour (the previous one in the first half of
    the month), so at least 13 days either side. Three months would cover a month either side
    at 96 index probes a lookup instead of 64: on a store of 69 k articles that cost more
    (0.55 ms an article) than the whole lookup did before band rows had a month (0.20 ms)."""
    month = band_month(epoch)
    first_half = datetime.fromtimestamp(epoch, UTC).day <= 15
    return (month - 1, month) if first_half else (month, month + 1)


def signature_to_bytes(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def signature_from_bytes(blob: bytes) -> Signature:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def estimate_jaccard(a: Signature, b: Signature) -> float:
    """Share of equal MinHash slots: an unbiased estimate of the shingle Jaccard."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


@dataclass(frozen=True, slots=True)
class Overlap:
    jaccard: float
    containment: float
    size_ratio: float


def overlap(a: Shingles, b: Shingles) -> Overlap:
    """Exact Jaccard, containment of the smaller set, and size ratio of two shingle sets."""
    if a.size == 0 or b.size == 0:
        return Overlap(0.0, 0.0, 0.0)
    shared = np.intersect1d(a, b, assume_unique=True).size
    small, large = sorted((a.size, b.size))
    return Overlap(shared / (a.size + b.size - shared), shared / small, small / large)


def is_near_copy(found: Overlap, thresholds: DedupThresholds = DEFAULT_THRESHOLDS) -> bool:
    if found.jaccard >= thresholds.jaccard:
        return True
    return found.containment >= thresholds.containment and found.size_ratio >= thresholds.size_ratio


def score_of(found: Overlap) -> float:
    """The score stored on a 'duplicate-of' link: the stronger of the two overlaps."""
    return round(max(found.jaccard, found.containment), 4)
