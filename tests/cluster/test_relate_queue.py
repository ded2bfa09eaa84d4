""" "Read also" lists: provisional at ingest, queued, ranked in full by akhbar.pipeline.relate."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from akhbar.cluster.related import RelatedArticle, related_articles
from akhbar.pipeline import Ingestor
from akhbar.pipeline.poll import rank_while_idle
from akhbar.pipeline.relate import RANKED, listed, rank_queued
from akhbar.store import SQLiteStore
from tests.cluster.corpus import IntelStore, ingest_stream, stream
from tests.conftest import store_before_migration


def _queued(store: IntelStore) -> set[int]:
    return {a for a, _ in store.queued_related(1000)}


def test_ingest_queues_each_new_article_but_not_a_copy(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    assert _queued(intel_store) == {i for k, i in corpus_ids.items() if k != "train_copy"}
    # ... and the stories the new articles came close to, for their members.
    assert intel_store.related_queue_size()[1] > 0


def test_until_ranked_an_article_lists_what_was_stored_before_it(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    pairs = set(intel_store.relation_pairs("related"))
    assert pairs, "the corpus gives provisional links"
    for a, b in pairs:
        assert b < a  # from the candidates its story decision scored: earlier articles
        assert b in intel_store.relation_ids(a, "related")
        assert a not in intel_store.relation_ids(b, "related")  # lists are read one way


def test_ranking_stores_the_full_ranking_in_its_order_and_empties_the_queues(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    report = rank_queued(intel_store, chunk=4)
    assert report.ranked >= len(corpus_ids) - 1
    assert intel_store.related_queue_size() == (0, 0)
    ranked_some = False
    for key, article_id in corpus_ids.items():
        if key == "train_copy":
            continue
        expected = [r.id for r in related_articles(intel_store, article_id, RANKED)]
        assert intel_store.relation_ids(article_id, "related") == expected, key
        ranked_some |= bool(expected)
    assert ranked_some
    # Nothing queued: nothing to do.
    assert rank_queued(intel_store).ranked == 0


def test_stored_scores_keep_the_rankings_order() -> None:
    def r(i: int, score: float) -> RelatedArticle:
        return RelatedArticle(i, score, score, 1.0, i)

    # A story's second article comes after a less relevant article of another story.
    rows = listed([r(1, 0.9), r(2, 0.5), r(3, 0.6), r(4, 0.6), r(5, 0.1)])
    assert [i for i, _ in rows] == [1, 2, 3, 4, 5]
    scores = [s for _, s in rows]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5
    assert scores[0] == 0.9 and scores[-1] == 0.1
    assert listed([]) == []


def test_a_list_queued_again_while_it_was_ranked_stays_queued(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    entries = intel_store.queued_related(2)
    time.sleep(0.001)
    intel_store.queue_related([entries[0][0]])  # a new neighbour arrived meanwhile
    with intel_store.transaction():
        intel_store.store_ranked_related([(a, q, []) for a, q in entries])
    left = _queued(intel_store)
    assert entries[0][0] in left and entries[1][0] not in left


def test_limit_and_deadline_bound_a_ranking_pass(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    before = len(_queued(intel_store))
    assert rank_queued(intel_store, limit=3, chunk=2).ranked == 3
    assert rank_queued(intel_store, until=time.monotonic() - 1).ranked == 0
    # Newest first: readers open the day's news first.
    newest = sorted(corpus_ids.values(), reverse=True)
    assert not _queued(intel_store) & set(newest[:3])
    assert len(_queued(intel_store)) >= before - 3


def test_a_queued_story_queues_its_members_nearest_the_time(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    rank_queued(intel_store)
    story = intel_store.story_of(corpus_ids["quake_1"])
    assert story is not None
    members = {corpus_ids[k] for k in ("quake_1", "quake_2", "quake_3")}
    last = max(members)
    at = intel_store.vectors([last])[last].at
    intel_store.queue_related_stories([(story, at + 3600)])
    with intel_store.transaction():
        assert intel_store.expand_related_stories(per_story=1, limit=10) == 1
    assert _queued(intel_store) == {last}
    intel_store.queue_related_stories([(story, at)])
    with intel_store.transaction():
        intel_store.expand_related_stories(per_story=8, limit=10)
    assert _queued(intel_store) == members
    assert intel_store.related_queue_size() == (3, 0)


def test_run_ranks_while_idle_and_stops_when_asked(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    stop = asyncio.Event()
    stop.set()
    assert asyncio.run(rank_while_idle(intel_store, until=time.monotonic() + 60, stop=stop)) == 0
    late = asyncio.run(
        rank_while_idle(intel_store, until=time.monotonic() - 1, stop=asyncio.Event())
    )
    assert late == 0

    async def idle() -> int:
        return await rank_while_idle(intel_store, until=time.monotonic() + 60, stop=asyncio.Event())

    assert asyncio.run(idle()) >= len(corpus_ids) - 1
    assert intel_store.related_queue_size() == (0, 0)


def test_migration_makes_each_list_the_articles_own_and_queues_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store from before lists were ranked: 'related' rows were read both ways.
    path = str(tmp_path / "old.db")
    store = store_before_migration(8, path, monkeypatch)
    raws = [raw for _, raw in stream()][:3]
    Ingestor(store).ingest(raws)
    a, b, c = (r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id"))
    store.db.executemany(
        "INSERT INTO article_vectors (article_id, at, terms, weights) VALUES (?, 0, x'', x'')",
        [(a,), (b,), (c,)],
    )
    store.link_articles([(b, a, "related", 0.5), (c, a, "duplicate-of", 1.0)])
    store.db.commit()
    store.close()
    monkeypatch.undo()

    store = SQLiteStore(path)
    try:
        # The migration's writes are folded into the file at once (a large WAL slows readers).
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert store.relation_ids(a, "related") == [b]
        assert store.relation_ids(b, "related") == [a]
        assert _queued(store) == {a, b}  # c is a copy: it shows its original's list
    finally:
        store.close()


def test_a_locked_store_defers_ranking_without_stopping_the_run(tmp_path: Path) -> None:
    path = str(tmp_path / "locked.db")
    store = IntelStore(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        ids = ingest_stream(store)
        other.execute("BEGIN IMMEDIATE")  # another process (an import) holds the write lock
        started = time.monotonic()
        ranked = asyncio.run(
            rank_while_idle(store, until=time.monotonic() + 60, stop=asyncio.Event())
        )
        assert time.monotonic() - started < 1.0  # no wait for the busy timeout (10 s)
        assert ranked == 0
        assert len(_queued(store)) == len(ids) - 1  # still queued for next time
        other.execute("ROLLBACK")
        ranked = asyncio.run(
            rank_while_idle(store, until=time.monotonic() + 60, stop=asyncio.Event())
        )
        assert ranked >= len(ids) - 1  # the next idle spell ranks them
    finally:
        other.close()
        store.close()
