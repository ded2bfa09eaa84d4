"""Near-duplicates: wire copy republished with small edits (MinHash LSH + an exact check).

The store keeps the signatures and band hashes; `akhbar.pipeline.intel_step.DedupStep` wires
this stage to it.
"""

from akhbar.dedup.minhash import (
    DEFAULT_THRESHOLDS,
    DedupThresholds,
    band_hashes,
    estimate_jaccard,
    is_near_copy,
    overlap,
    shingle_hashes,
    signature,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "DedupThresholds",
    "band_hashes",
    "estimate_jaccard",
    "is_near_copy",
    "overlap",
    "shingle_hashes",
    "signature",
]
