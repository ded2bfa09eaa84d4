"""The dedup tests share the cluster tests' corpus fixtures."""

from tests.cluster.conftest import corpus_ids, intel_store

__all__ = ["corpus_ids", "intel_store"]
