"""The one way akhbar starts helper processes (extraction, analysis, search rebuilds).

forkserver, never fork: a forked child inherits every lock another thread of the parent held at
that moment, and deadlocks on it. The reader's start-up threads did that to `akhbar run`'s
extraction workers (they hung at the first poll, and so did the shutdown waiting for them).
The fork server itself imports the workers' modules once (`PRELOAD`), so each child it forks
starts with them loaded, as a fork from the parent would.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

#: Modules whose functions run in helper processes (imported by the fork server, once).
PRELOAD = ["akhbar.pipeline.ingest", "akhbar.pipeline.poll", "akhbar.pipeline.index_step"]


def worker_context() -> BaseContext:
    """The multiprocessing context for every helper process pool."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # no effect once the fork server runs
    return context
