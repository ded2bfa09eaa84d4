"""Ranking "read also" lists in full, after ingest.

The stories step stores a provisional list with each new article: the best of the candidates
its story decision already scored, one per story, from the articles before it; and it queues
the article (`related_queue`) for a full ranking by akhbar/cluster/related.py: stories
compared as wholes, the time rule, diversity across stories. That ranking costs ~3-10 ms an
article, more than the rest of the chain, so it runs outside ingest (three times slower
ingest was measured when it ran inside): `akhbar relate`, `akhbar run` between polls,
`akhbar export` before it writes (its selection only), and `akhbar serve` while no request
comes (akhbar/web/idle_ranking.py). Newest articles first: they are the ones readers open.

What gets queued (akhbar/pipeline/intel_step.py): each new article, and its own story and the
three stories it came closest to, whose members (8 nearest in time on either side) are queued
when the ranker starts. On the gold set (evaluation/intel_eval.py), fed one day at a time and
ranked after each day, the stored lists score 0.588 nDCG@5 against 0.185 for the provisional
ones (the live ranking of every article at the end: 0.585).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from akhbar.cluster.related import RelatedArticle, related_articles
from akhbar.store import utc_iso
from akhbar.store.sqlite import SQLiteStore

#: Articles in a ranked list: as many as the article page shows (web/views.py RELATED_SHOWN).
RANKED = 5
#: Members of a queued story ranked again, on either side of the time of the article that
#: queued it (akhbar/pipeline/intel_step.py: REQUEUED_STORIES).
STORY_MEMBERS = 8
#: Least fall of the stored score from one list position to the next.
SCORE_STEP = 1e-4
#: Lists ranked per transaction (and between two checks of the deadline: ~0.2-0.5 s of work).
CHUNK = 50


@dataclass(frozen=True, slots=True)
class RankReport:
    ranked: int
    seconds: float


def listed(ranked: Sequence[RelatedArticle]) -> list[tuple[int, float]]:
    """(id, score) rows of a ranked list whose scores fall strictly in list order: readers sort
    by score, and the ranking's order is not its relevance order (a story's second article is
    picked after a less relevant article of another story)."""
    rows: list[tuple[int, float]] = []
    for r in ranked:
        score = r.score if not rows else min(r.score, rows[-1][1] - SCORE_STEP)
        rows.append((r.id, round(score, 6)))
    return rows


def rank_queued(
    store: SQLiteStore,
    *,
    limit: int | None = None,
    until: float | None = None,
    chunk: int = CHUNK,
    on_chunk: Callable[[int], None] | None = None,
    since: datetime | None = None,
    source_key: str | None = None,
) -> RankReport:
    """Rank queued "read also" lists and store them, newest articles first, until the queue is
    empty, `limit` lists are ranked or `until` (a `time.monotonic()` deadline) has passed;
    `on_chunk(n)` after each stored chunk of n lists. `since` / `source_key` rank only the
    lists of the articles published since then / of that outlet (an export's selection).
    Waits for the write lock as any writer does (the store's busy timeout)."""
    after = utc_iso(since) if since is not None else None

    def in_transaction(write: Callable[[], object]) -> bool:
        with store.transaction():
            write()
        return True

    started = time.monotonic()
    ranked = 0
    while limit is None or ranked < limit:
        if until is not None and time.monotonic() >= until:
            break
        size = chunk if limit is None else min(chunk, limit - ranked)
        done = _rank_chunk(store, size, in_transaction, since=after, source_key=source_key)
        if not done:
            break
        ranked += done
        if on_chunk is not None:
            on_chunk(done)
    return RankReport(ranked, time.monotonic() - started)


def rank_some_if_free(store: SQLiteStore, size: int) -> int | None:
    """Rank up to `size` queued lists without ever waiting for the write lock (for a connection
    that shares the event loop with the reader): the number ranked, 0 when nothing is queued,
    None when another connection holds the lock (nothing is written then)."""
    return _rank_chunk(store, size, store.write_if_free)


def _rank_chunk(
    store: SQLiteStore,
    size: int,
    write: Callable[[Callable[[], object]], bool],
    *,
    since: str | None = None,
    source_key: str | None = None,
) -> int | None:
    """Move queued stories into the article queue, then rank up to `size` queued lists and
    store them, each write made through `write` (False: it was not made). The number ranked,
    0 when nothing is queued, None when a write was not made."""
    if not write(lambda: store.expand_related_stories(per_story=STORY_MEMBERS, limit=size)):
        return None
    entries = store.queued_related(size, since=since, source_key=source_key)
    if not entries:
        return 0
    lists = [
        (article_id, queued_at, listed(related_articles(store, article_id, RANKED)))
        for article_id, queued_at in entries
    ]
    if not write(lambda: store.store_ranked_related(lists)):
        return None
    return len(lists)
