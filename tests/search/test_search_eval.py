"""The evaluator on a tiny gold set written for this test (the real one is evaluation/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.search_eval import evaluate, ndcg_at_k, recall_at_k

DATA = Path(__file__).parent / "data"


def test_ndcg_is_one_for_ideal_order_and_lower_for_swapped() -> None:
    relevant = {"a": 2, "b": 1}
    assert ndcg_at_k(["a", "b", "x"], relevant) == pytest.approx(1.0)
    assert ndcg_at_k(["b", "a"], relevant) < 1.0
    assert ndcg_at_k(["x", "y"], relevant) == 0.0
    assert recall_at_k(["x", "b"], relevant) == 0.5


def test_arabic_analysis_beats_the_raw_text_baseline_on_tiny_gold() -> None:
    result = evaluate(DATA)
    akhbar, baseline = result["akhbar"], result["baseline"]
    assert akhbar["ndcg@10"] >= 0.9
    assert akhbar["recall@10"] == pytest.approx(1.0)
    assert akhbar["ndcg@10"] - baseline["ndcg@10"] >= 0.3
    assert result["target_met"] is True
    assert set(akhbar["kinds"]) == {"vowels", "inflection", "clitic-name", "spelling"}
