"""All quality figures in one table: `.venv/bin/python -m evaluation`.

Runs the tag, duplicate/story/read-also and search evaluations on the gold sets under
evaluation/data (240 articles we wrote) through the real pipeline, and prints each measure
beside its simple baseline and the target the issues set.
"""

from __future__ import annotations

import sys
from typing import Any

from evaluation import intel_eval, search_eval, tags_eval


def rows() -> list[tuple[str, float, float, str, bool]]:
    tags = tags_eval.evaluate()
    intel: dict[str, Any] = intel_eval.evaluate()
    search = search_eval.evaluate()
    dup, dup_base = intel["duplicates"], intel["duplicates_baseline"]
    stories, stories_base = intel["stories"], intel["stories_baseline"]
    ndcg5, ndcg5_base = intel["related_ndcg5"], intel["related_ndcg5_baseline"]
    ndcg10, ndcg10_base = search["akhbar"]["ndcg@10"], search["baseline"]["ndcg@10"]
    return [
        ("tags precision", tags["akhbar"]["precision"], tags["baseline"]["precision"], "", True),
        ("tags recall", tags["akhbar"]["recall"], tags["baseline"]["recall"], "", True),
        ("tags F1", tags["akhbar"]["f1"], tags["baseline"]["f1"], "≥ 0.80",
         tags["akhbar"]["f1"] >= 0.80),
        ("duplicates precision (pairwise)", dup["precision"], dup_base["precision"], "≥ 0.95",
         dup["precision"] >= 0.95),
        ("duplicates recall (pairwise)", dup["recall"], dup_base["recall"], "≥ 0.90",
         dup["recall"] >= 0.90),
        ("stories B-cubed F1", stories["f1"], stories_base["f1"], "≥ 0.85",
         stories["f1"] >= 0.85),
        ("read-also nDCG@5 (ranked live: akhbar related)", ndcg5, ndcg5_base, "≥ 0.75",
         ndcg5 >= 0.75),
        ("read-also nDCG@5 (stored lists, ranked after each day as `akhbar run` does:"
         " article page, API, export)",
         intel["related_ranked_ndcg5"], ndcg5_base, "≥ 0.75",
         intel["related_ranked_ndcg5"] >= 0.75),
        ("read-also nDCG@5 (provisional lists stored at ingest, before ranking)",
         intel["related_stored_ndcg5"], ndcg5_base, "", True),
        ("search nDCG@10", ndcg10, ndcg10_base, "≥ 0.85, ≥ baseline + 0.15",
         ndcg10 >= 0.85 and ndcg10 - ndcg10_base >= 0.15),
        ("search recall@10", search["akhbar"]["recall@10"], search["baseline"]["recall@10"], "",
         True),
    ]  # fmt: skip


def main() -> int:
    table = rows()
    print("| measure | akhbar | baseline | target | met |")
    print("|---|---|---|---|---|")
    for name, ours, base, target, met in table:
        mark = "" if not target else ("yes" if met else "NO")
        print(f"| {name} | {ours:.3f} | {base:.3f} | {target} | {mark} |")
    print(
        "\nbaselines: tags = publisher tags + exact gazetteer substrings; duplicates = exact body"
        " hash; stories = same normalised title; read-also = most recent earlier article with a"
        " shared tag; search = the same engine without Arabic analysis."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
