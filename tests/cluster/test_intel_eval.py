from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from evaluation.intel_eval import bcubed, evaluate, ndcg, pairwise
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
        "train_next_year": {"relevant": {"train_wire": 3, "train_copy": 3, "train_prices": 2}},
    }
    (tmp_path / "gold_duplicates.json").write_bytes(orjson.dumps(GOLD_DUPLICATES))
    (tmp_path / "gold_stories.json").write_bytes(orjson.dumps(GOLD_STORIES))
    (tmp_path / "gold_related.json").write_bytes(orjson.dumps(related))
    result = evaluate(tmp_path)
    assert result["articles"] == len(ARTICLES)
    assert result["duplicates"]["f1"] == 1.0
    assert result["duplicates_baseline"]["recall"] == 0.0
    assert result["stories"]["f1"] > result["stories_baseline"]["f1"]
    assert result["related_ndcg5"] > 0.2  # train_next_year finds its predecessor; quake_1 cannot
    assert T0.year == 2024
