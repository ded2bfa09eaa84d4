"""Quality floors: the evaluation set's scores may not drop below what akhbar reached.

Each floor is the measured score rounded down a little (the evaluations are deterministic);
raise a floor when a change improves the score, never lower it to make a change pass.
Targets from the issues are recorded beside the floors for the record.
"""

from __future__ import annotations

from evaluation import intel_eval, search_eval, tags_eval

SEARCH_NDCG_FLOOR = 0.86  # measured 0.870; target 0.85
SEARCH_MARGIN_FLOOR = 0.40  # measured +0.425 over the baseline without Arabic analysis; target 0.15
TAGS_F1_FLOOR = 0.80  # measured 0.813; target 0.80
DUPLICATES_PRECISION_FLOOR = 0.95  # measured 1.000; target 0.95
DUPLICATES_RECALL_FLOOR = 0.95  # measured 0.975; target 0.90
STORIES_F1_FLOOR = 0.95  # measured 0.964-0.968 (B-cubed); target 0.85
READ_ALSO_NDCG5_FLOOR = 0.58  # measured 0.585; target 0.75 (ceiling 0.921 at two per story)
# The stored lists as `akhbar run` keeps them (ranked after each day's articles): what the
# article page and export show. Measured 0.588; the provisional lists before ranking: 0.185.
READ_ALSO_STORED_NDCG5_FLOOR = 0.58


def test_search_quality_floor() -> None:
    result = search_eval.evaluate()
    ours, baseline = result["akhbar"]["ndcg@10"], result["baseline"]["ndcg@10"]
    assert ours >= SEARCH_NDCG_FLOOR, result["akhbar"]
    assert ours - baseline >= SEARCH_MARGIN_FLOOR


def test_tags_quality_floor() -> None:
    result = tags_eval.evaluate()
    assert result["akhbar"]["f1"] >= TAGS_F1_FLOOR, result["akhbar"]
    assert result["akhbar"]["f1"] > result["baseline"]["f1"]


def test_duplicates_stories_and_read_also_floors() -> None:
    result = intel_eval.evaluate()
    assert result["duplicates"]["precision"] >= DUPLICATES_PRECISION_FLOOR, result["duplicates"]
    assert result["duplicates"]["recall"] >= DUPLICATES_RECALL_FLOOR, result["duplicates"]
    assert result["stories"]["f1"] >= STORIES_F1_FLOOR, result["stories"]
    assert result["related_ndcg5"] >= READ_ALSO_NDCG5_FLOOR
    assert result["related_ndcg5"] > result["related_ndcg5_baseline"]
    assert result["related_ranked_ndcg5"] >= READ_ALSO_STORED_NDCG5_FLOOR
    assert result["related_ranked_ndcg5"] > result["related_stored_ndcg5"]
