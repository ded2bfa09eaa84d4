from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cluster.corpus import IntelStore, ingest_stream


@pytest.fixture
def intel_store() -> Iterator[IntelStore]:
    store = IntelStore(":memory:")
    yield store
    store.close()


@pytest.fixture
def corpus_ids(intel_store: IntelStore) -> dict[str, int]:
    """The test corpus ingested in publication order: key → article id."""
    return ingest_stream(intel_store)
