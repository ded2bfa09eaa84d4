"""The read-also reporting of evaluation/intel_eval.py: the per-story ceiling and the split."""

from __future__ import annotations

import pytest

from evaluation.intel_eval import ceiling_one_per_story, ceiling_per_story, held_out, ndcg


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
