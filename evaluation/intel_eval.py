"""Score near-duplicates, stories and "read also" on the gold set, each beside a baseline.

    .venv/bin/python -m evaluation.intel_eval [DATA_DIR]

The articles of DATA_DIR/articles.jsonl go through the real pipeline (Ingestor with the intel
steps) into a temporary store, so this measures what `akhbar import` does. Then:

* duplicates: pairwise precision / recall / F1 of the 'duplicate-of' groups against
  gold_duplicates.json; baseline: exact hash of the normalised body.
* stories: B-cubed precision / recall / F1 of story_members against gold_stories.json;
  baseline: NewsBlur's title tier (≥ 3 shared significant title words and an overlap
  coefficient ≥ 0.6, within 120 h).
* read also: nDCG@5 of `related_articles` against gold_related.json (graded 1-3); baseline:
  the most recent earlier articles sharing a publisher tag. Also counted: far picks (> 180 days
  apart) made while a gold-relevant article closer in time was left out.
"""

from __future__ import annotations

import hashlib
import math
import sys
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import orjson

from akhbar.arabic import normalize_for_match
from akhbar.arabic.stopwords import stopwords
from akhbar.cluster.related import related_articles
from akhbar.models import Origin, RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.intel_step import intel_steps
from akhbar.pipeline.tag_step import TagStep
from akhbar.store import SQLiteStore

DATA = Path(__file__).parent / "data"
K = 5
FAR_DAYS = 180


IntelStore = SQLiteStore  # SQLiteStore has the intel queries (IntelQueries) as a base


def load(data_dir: Path) -> dict[str, Any]:
    lines = (data_dir / "articles.jsonl").read_bytes().splitlines()
    articles = [orjson.loads(line) for line in lines if line.strip()]
    return {
        "articles": articles,
        "duplicates": orjson.loads((data_dir / "gold_duplicates.json").read_bytes()),
        "stories": orjson.loads((data_dir / "gold_stories.json").read_bytes()),
        "related": orjson.loads((data_dir / "gold_related.json").read_bytes()),
    }


def raw_article(record: dict[str, Any]) -> RawArticle:
    return RawArticle(
        title=record["title"],
        body=record["body"],
        origin=Origin(url=record["url"]),
        url=record["url"],
        source_name=record["source"],
        published_at=datetime.fromisoformat(record["published_at"].replace("Z", "+00:00")),
        tags=list(record.get("publisher_tags") or []),
    )


# --- metrics ------------------------------------------------------------------------------------


def pairs_of(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in combinations(sorted(set(g)), 2)}


def pairwise(predicted: Iterable[Iterable[str]], gold: Iterable[Iterable[str]]) -> dict[str, float]:
    got, want = pairs_of(predicted), pairs_of(gold)
    hit = len(got & want)
    p = hit / len(got) if got else 1.0
    r = hit / len(want) if want else 1.0
    return {"precision": p, "recall": r, "f1": f1(p, r), "pairs": len(got)}


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed P/R/F1 of two item → cluster maps over the gold items (missing → singleton)."""
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for item in gold:
        by_pred.setdefault(predicted.get(item, f"alone:{item}"), set()).add(item)
        by_gold.setdefault(gold[item], set()).add(item)
    p_sum = r_sum = 0.0
    for item in gold:
        mine = by_pred[predicted.get(item, f"alone:{item}")]
        truth = by_gold[gold[item]]
        shared = len(mine & truth)
        p_sum += shared / len(mine)
        r_sum += shared / len(truth)
    p, r = p_sum / len(gold), r_sum / len(gold)
    return {"precision": p, "recall": r, "f1": f1(p, r)}


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum(grades.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def components(edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), set()).add(x)
    return list(groups.values())


# --- baselines ----------------------------------------------------------------------------------


def exact_hash_duplicates(articles: list[dict[str, Any]]) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for a in articles:
        key = hashlib.blake2b(normalize_for_match(a["body"]).encode(), digest_size=16).hexdigest()
        groups.setdefault(key, set()).add(a["id"])
    return [g for g in groups.values() if len(g) > 1]


def newsblur_title_stories(articles: list[dict[str, Any]]) -> dict[str, str]:
    """NewsBlur's tier 2: same cluster as an earlier article (≤ 120 h) whose title shares ≥ 3
    significant words with an overlap coefficient ≥ 0.6."""
    stop = stopwords()
    seen: list[tuple[str, datetime, set[str]]] = []
    cluster: dict[str, str] = {}
    for a in sorted(articles, key=lambda x: x["published_at"]):
        words = {w for w in normalize_for_match(a["title"]).split() if w not in stop and len(w) > 2}
        when = datetime.fromisoformat(a["published_at"].replace("Z", "+00:00"))
        cluster[a["id"]] = a["id"]
        for other, other_when, other_words in seen:
            shared = len(words & other_words)
            small = min(len(words), len(other_words)) or 1
            hours = abs((when - other_when).total_seconds()) / 3600
            if hours <= 120 and shared >= 3 and shared / small >= 0.6:
                cluster[a["id"]] = cluster[other]
                break
        seen.append((a["id"], when, words))
    return cluster


def same_tag_related(articles: list[dict[str, Any]], k: int = K) -> dict[str, list[str]]:
    """The k most recent earlier articles sharing a publisher tag."""
    ordered = sorted(articles, key=lambda x: x["published_at"])
    result: dict[str, list[str]] = {}
    for i, a in enumerate(ordered):
        tags = {normalize_for_match(t) for t in a.get("publisher_tags") or []}
        earlier = [
            o["id"]
            for o in reversed(ordered[:i])
            if tags & {normalize_for_match(t) for t in o.get("publisher_tags") or []}
        ]
        result[a["id"]] = earlier[:k]
    return result


# --- the evaluation -----------------------------------------------------------------------------


def run_pipeline(articles: list[dict[str, Any]], path: str) -> tuple[IntelStore, dict[str, int]]:
    store = IntelStore(path)
    ordered = sorted(articles, key=lambda a: (a["published_at"], a["id"]))
    # The steps of akhbar/pipeline/steps.py minus search: entity tags first (a strong story
    # signal), then duplicates, stories and related.
    steps = [TagStep(store), *intel_steps(store)]
    Ingestor(store, steps=steps).ingest(raw_article(a) for a in ordered)
    ids = {}
    for a in articles:
        found = store.article_id_by_dedup_key(f"url:{a['url']}")
        if found is not None:
            ids[a["id"]] = found
    return store, ids


def evaluate(data_dir: Path | str = DATA) -> dict[str, Any]:
    gold = load(Path(data_dir))
    articles = gold["articles"]
    with tempfile.TemporaryDirectory() as tmp:
        store, ids = run_pipeline(articles, str(Path(tmp) / "eval.db"))
        try:
            return _score(store, ids, gold)
        finally:
            store.close()


def _score(store: IntelStore, ids: dict[str, int], gold: dict[str, Any]) -> dict[str, Any]:
    articles = gold["articles"]
    name = {v: k for k, v in ids.items()}
    dup_edges = [(name[a], name[b]) for a, b in store.relation_pairs("duplicate-of")]
    gold_story = {item: str(n) for n, group in enumerate(gold["stories"]) for item in group}
    assigned = store.story_assignments()
    predicted_story = {name[a]: str(s) for a, s in assigned.items() if a in name}
    when = {
        a["id"]: datetime.fromisoformat(a["published_at"].replace("Z", "+00:00")) for a in articles
    }
    ours, base, far = [], [], 0
    baseline = same_tag_related(articles)
    for source, judged in gold["related"].items():
        grades = {k: int(v) for k, v in judged["relevant"].items()}
        if source not in ids:
            continue
        ranked = [name[r.id] for r in related_articles(store, ids[source], K)]
        ours.append(ndcg(ranked, grades))
        base.append(ndcg(baseline.get(source, []), grades))
        far += _far_picks(source, ranked, grades, when)
    return {
        "articles": len(ids),
        "duplicates": pairwise(components(dup_edges), gold["duplicates"]),
        "duplicates_baseline": pairwise(exact_hash_duplicates(articles), gold["duplicates"]),
        "stories": bcubed(predicted_story, gold_story)
        | {"stories": len(set(predicted_story.values()))},
        "stories_baseline": bcubed(newsblur_title_stories(articles), gold_story),
        "related_ndcg5": sum(ours) / len(ours) if ours else 0.0,
        "related_ndcg5_baseline": sum(base) / len(base) if base else 0.0,
        "related_far_picks_with_closer_left_out": far,
    }


def _far_picks(
    source: str, ranked: list[str], grades: dict[str, int], when: dict[str, datetime]
) -> int:
    """Picks > FAR_DAYS from the source made while a gold-relevant article at least as good
    and within FAR_DAYS was not in the list."""

    def days(other: str) -> float:
        return abs((when[other] - when[source]).total_seconds()) / 86400

    count = 0
    for pick in ranked:
        if days(pick) <= FAR_DAYS:
            continue
        grade = grades.get(pick, 0)
        if any(
            days(o) <= FAR_DAYS and g >= max(grade, 1) and o not in ranked
            for o, g in grades.items()
        ):
            count += 1
    return count


def render(result: dict[str, Any]) -> str:
    d, db = result["duplicates"], result["duplicates_baseline"]
    s, sb = result["stories"], result["stories_baseline"]
    rows = [
        ("measure", "akhbar", "baseline", "target"),
        ("duplicates pairwise P", f"{d['precision']:.3f}", f"{db['precision']:.3f}", "≥ 0.95"),
        ("duplicates pairwise R", f"{d['recall']:.3f}", f"{db['recall']:.3f}", "≥ 0.90"),
        ("duplicates pairwise F1", f"{d['f1']:.3f}", f"{db['f1']:.3f}", ""),
        ("stories B-cubed P", f"{s['precision']:.3f}", f"{sb['precision']:.3f}", ""),
        ("stories B-cubed R", f"{s['recall']:.3f}", f"{sb['recall']:.3f}", ""),
        ("stories B-cubed F1", f"{s['f1']:.3f}", f"{sb['f1']:.3f}", "≥ 0.85"),
        (
            "read also nDCG@5",
            f"{result['related_ndcg5']:.3f}",
            f"{result['related_ndcg5_baseline']:.3f}",
            "",
        ),
        (
            "far picks, closer left out",
            str(result["related_far_picks_with_closer_left_out"]),
            "",
            "0",
        ),
    ]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|---|---|---|---|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    result = evaluate(Path(args[0]) if args else DATA)
    print(f"{result['articles']} articles, {result['stories']['stories']} stories found\n")
    print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
