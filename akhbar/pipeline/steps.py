"""The ingestor with every step after storing, opened and closed in one place.

Import, polling, the evaluation and the benchmarks all ingest through `open_ingestor`, so an
article takes the same path whatever brought it: normalise -> dedupe -> store -> tag ->
relate -> index. Steps are added here as they exist.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from akhbar.pipeline.index_step import IndexStep, open_search_index
from akhbar.pipeline.ingest import Ingestor, IngestReport, Step
from akhbar.pipeline.intel_step import intel_steps
from akhbar.pipeline.tag_step import TagStep
from akhbar.store import SQLiteStore


@contextmanager
def open_ingestor(
    store: SQLiteStore,
    *,
    default_tz: str = "UTC",
    on_item: Callable[[IngestReport], None] | None = None,
    search: bool = True,
    enrich: bool = True,
    workers: int = 0,
) -> Iterator[Ingestor]:
    """An Ingestor whose steps are live for the `with` block (the search index is closed after)."""
    engine = open_search_index(store, keep_writer=True) if search else None
    # Order matters: tags first, so the index step indexes an article with its tags.
    steps: list[Step] = [TagStep(store), *intel_steps(store)] if enrich else []
    if engine is not None:
        steps.append(IndexStep(store, engine))
    ingestor = Ingestor(store, default_tz=default_tz, on_item=on_item, steps=steps, workers=workers)
    try:
        yield ingestor
    finally:
        ingestor.close()
        if engine is not None:
            engine.close()


def worker_processes() -> int:
    """Helper processes for CPU work (normalising, extracting): one fewer than the cores, as
    the main process stores and fetches meanwhile; at most 4."""
    cores = os.cpu_count() or 1
    return max(0, min(4, cores - 1))
