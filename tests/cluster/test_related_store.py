"""The store reads "read also" added to IntelQueries: bounded nearest members, copies."""

from __future__ import annotations

import pytest

from tests.cluster.corpus import T0, IntelStore


@pytest.mark.parametrize("per_story", [1, 2, 8])
@pytest.mark.parametrize("hours", [-500, 0, 30, 9000])
def test_nearest_story_members_agree_with_the_full_read(
    intel_store: IntelStore, corpus_ids: dict[str, int], per_story: int, hours: int
) -> None:
    stories = sorted(set(intel_store.story_assignments().values()))
    at = int(T0.timestamp()) + hours * 3600
    full = intel_store.story_member_vectors(stories, at, per_story=per_story)
    near = intel_store.nearest_story_members(stories, at, per_story=per_story)
    assert near == full


def test_nearest_story_members_are_the_nearest_in_time(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    story = intel_store.story_of(corpus_ids["train_wire"])
    assert story is not None
    members = intel_store.story_member_vectors([story], 0, per_story=100)[story]
    assert len(members) >= 3
    last = max(members, key=lambda m: m.at)
    near = intel_store.nearest_story_members([story], last.at + 1, per_story=2)[story]
    assert near[0].article_id == last.article_id
    assert len(near) == 2
    assert intel_store.nearest_story_members([], 0, per_story=2) == {}


def test_copies_among(intel_store: IntelStore, corpus_ids: dict[str, int]) -> None:
    ids = [corpus_ids[k] for k in ("train_wire", "train_copy", "train_report")]
    assert intel_store.copies_among(ids) == {corpus_ids["train_copy"]}
    assert intel_store.copies_among([]) == set()
