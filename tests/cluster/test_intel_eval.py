from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from evaluation.intel_eval import (
    FarPicks,
    bcubed,
    ceiling_one_per_story,
    evaluate,
    ndcg,
    pairwise,
)
from tests.cluster.corpus import ARTICLES, GOLD_DUPLICATES, GOLD_STORIES, T0


def test_pairwise_and_bcubed_on_hand_computed_cases() -> None:
    score = pairwise([{"a", "b", "c"}], [{"a", "b"}])
    assert score["precision"] == pytest.approx(1 / 3)
    assert score["recall"] == 1.0
    b3 = bcubed({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "y", "c": "y"})
    assert b3["precision"] == pytest.approx(2 / 3)
    assert b3["recall"] == pytest.approx(2 / 3)


def test_ndcg() -> None:
    assert ndcg(["a", "b"], {"a": 3, "b": 1}) == pytest.approx(1.0)
    assert ndcg(["b", "a"], {"a": 3, "b": 1}) < 1.0
    assert ndcg([], {"a": 3}) == 0.0


def test_ndcg_collapses_copies() -> None:
    grades = {"a": 3, "a_copy": 3, "b": 2}
    group = {"a": "a", "a_copy": "a"}
    # Uncollapsed, the ideal list would be [a, a_copy, b]: unreachable for a list that shows
    # one copy, so a perfect list must score 1 once copies are collapsed ...
    assert ndcg(["a", "b"], grades, group_of=group) == pytest.approx(1.0)
    assert ndcg(["a_copy", "b"], grades, group_of=group) == pytest.approx(1.0)
    assert ndcg(["a", "b"], grades) < 1.0
    # ... and a copy listed twice earns once.
    twice = ndcg(["a", "a_copy"], grades, group_of=group)
    assert twice == pytest.approx(ndcg(["a", "x"], grades, group_of=group))
    assert twice < 1.0


def test_ceiling_one_per_story_and_far_picks() -> None:
    grades = {"s1a": 3, "s1b": 3, "s2": 2}
    story = {"s1a": "1", "s1b": "1", "s2": "2"}
    assert ceiling_one_per_story(grades, story) == ["s1a", "s2"]
    when = {
        "q": datetime(2023, 1, 1, tzinfo=UTC),
        "s1a": datetime(2023, 1, 5, tzinfo=UTC),
        "s1b": datetime(2023, 1, 6, tzinfo=UTC),
        "s2": datetime(2024, 1, 1, tzinfo=UTC),
    }
    far = FarPicks()
    far.add("q", ["s2"], grades, when, story)  # a far pick while s1 (close, better) is left out
    far.add("q", ["s1b", "s2"], grades, when, story)  # s1 is shown (by a sibling): fine
    assert far.summary()["with_closer_left_out"] == 1
    assert far.summary()["with_as_good_closer_left_out"] == 1


def test_evaluate_runs_the_pipeline_on_a_gold_set(tmp_path: Path) -> None:
    with (tmp_path / "articles.jsonl").open("wb") as out:
        for key, item in ARTICLES.items():
            record = {
                "id": key,
                "title": item.title,
                "body": item.body,
                "source": item.source,
                "published_at": item.raw(key).published_at.isoformat(),  # type: ignore[union-attr]
                "url": f"https://example.org/{key}",
                "publisher_tags": list(item.tags),
            }
            out.write(orjson.dumps(record) + b"\n")
    related = {
        "quake_1": {"relevant": {"match_1": 1}},
        # Judged event to event (evaluation/data/README.md): every article of the related
        # story carries its grade.
        "train_next_year": {
            "relevant": {"train_wire": 3, "train_copy": 3, "train_report": 3, "train_prices": 3}
        },
    }
    (tmp_path / "gold_duplicates.json").write_bytes(orjson.dumps(GOLD_DUPLICATES))
    (tmp_path / "gold_stories.json").write_bytes(orjson.dumps(GOLD_STORIES))
    (tmp_path / "gold_related.json").write_bytes(orjson.dumps(related))
    result = evaluate(tmp_path)
    assert result["articles"] == len(ARTICLES)
    assert result["duplicates"]["f1"] == 1.0
    assert result["duplicates_baseline"]["recall"] == 0.0
    assert result["stories"]["f1"] > result["stories_baseline"]["f1"]
    # train_next_year finds its predecessor (quake_1 cannot: nothing of its kind is stored).
    ranked = {d["id"]: d["ranked"] for d in result["related_details"]}
    assert set(ranked["train_next_year"]) & set(GOLD_STORIES[0])
    assert 0 < result["related_ndcg5"] <= result["related_ndcg5_events"] <= 1
    assert T0.year == 2024
