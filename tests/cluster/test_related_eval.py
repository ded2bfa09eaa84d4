"""The read-also reporting of evaluation/intel_eval.py: the per-story ceiling and the split."""

from __future__ import annotations

import pytest

from akhbar.store import SQLiteStore
from evaluation.intel_eval import (
    ceiling_one_per_story,
    ceiling_per_story,
    held_out,
    ndcg,
    stored_related,
)
from tests.cluster.corpus import IntelStore


def test_the_ceiling_at_two_per_story_takes_two_of_the_best_story_and_no_two_copies() -> None:
    grades = {"a1": 3, "a1_copy": 3, "a2": 3, "a3": 3, "b": 2, "c": 1}
    story = {"a1": "A", "a1_copy": "A", "a2": "A", "a3": "A", "b": "B", "c": "C"}
    copies = {"a1": "a1", "a1_copy": "a1"}
    two = ceiling_per_story(grades, story, copies, 2)
    assert two == ["a1", "a2", "b", "c"]
    one = ceiling_one_per_story(grades, story)
    assert ceiling_per_story(grades, story, copies, 1) == one == ["a1", "b", "c"]
    # The gold's ideal list is three articles of A, then B: one per story cannot reach it.
    assert ndcg(one, grades, group_of=copies) < ndcg(two, grades, group_of=copies) < 1.0
    assert ndcg(ceiling_per_story(grades, story, copies, 3), grades, group_of=copies) == (
        pytest.approx(1.0)
    )


def test_held_out_splits_by_story() -> None:
    story = {"x": "4", "y": "4", "z": "7"}
    assert held_out("x", story) == held_out("y", story) is False
    assert held_out("z", story) is True


def test_stored_related_reads_the_articles_own_links_best_first_and_cuts_at_k(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    for article_id in corpus_ids.values():
        intel_store.replace_related(article_id, [])  # only this test's links
    a, b, c, d, e = sorted(corpus_ids.values())[:5]
    intel_store.replace_related(a, [(b, 0.2), (c, 0.9), (e, 0.5)])
    intel_store.replace_related(d, [(a, 0.7)])
    assert stored_related(intel_store, a) == [c, e, b]
    assert stored_related(intel_store, a, 2) == [c, e]
    # A link to `a` from another list is that list's, not a's (its ranked list stands alone).
    assert stored_related(intel_store, d) == [a]
    # The links are the store's: what ingest wrote, not a ranking computed now.
    intel_store.replace_related(a, [])
    assert stored_related(intel_store, a) == []


def test_stored_related_is_empty_without_links(store: SQLiteStore) -> None:
    assert stored_related(store, 1) == []
