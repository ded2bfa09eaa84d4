"""Score akhbar's tags against a gold set: precision, recall and F1, beside a naive baseline.

    .venv/bin/python -m evaluation.tags_eval [DATA_DIR] [--min-f1 0.80] [--errors]

DATA_DIR (default evaluation/data) holds `articles.jsonl` ({"id", "title", "body", "source",
"published_at", "url", "publisher_tags"}) and `gold_tags.json` ({article id: [gold tags]}).

Tags are compared as entities where the gazetteer knows them (a gold «بوتين» equals the tag
«فلاديمير بوتين»), else as normalised strings. The baseline is what a tagger without Arabic
handling gives: the publisher tags as given, plus every gazetteer name found as an exact
whole-word substring (no clitic stripping, no demonyms, no cues).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from akhbar.arabic import normalize_for_match
from akhbar.enrich import Gazetteer, load_gazetteer, tag_article
from akhbar.enrich.tagger import strip_clitic_variants

DEFAULT_DIR = Path(__file__).parent / "data"


def tag_identity(name: str, gazetteer: Gazetteer, entity_id: str | None = None) -> str:
    """What a tag names: 'e:<entity id>' when the gazetteer knows it, else 'n:<normalised>'."""
    if entity_id:
        return "e:" + entity_id
    norm = normalize_for_match(name)
    for form in (norm, *strip_clitic_variants(norm)):
        match = gazetteer.resolve(form)
        if match is not None:
            return "e:" + match.entity.id
    return "n:" + norm


def read_articles(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def akhbar_tags(article: dict[str, Any], gazetteer: Gazetteer, keyphrases: int = 0) -> set[str]:
    tags = tag_article(
        article["title"],
        article["body"],
        publisher_tags=article.get("publisher_tags") or [],
        gazetteer=gazetteer,
        keyphrases=keyphrases,
    )
    return {tag_identity(t.display, gazetteer, t.entity_id) for t in tags}


def baseline_tags(article: dict[str, Any], gazetteer: Gazetteer) -> set[str]:
    found = {tag_identity(t, gazetteer) for t in article.get("publisher_tags") or []}
    text = (
        " " + " ".join(normalize_for_match(f"{article['title']} {article['body']}").split()) + " "
    )
    for alias, (entity_id, is_adjective) in gazetteer.alias_index().items():
        if not is_adjective and f" {alias} " in text:
            found.add("e:" + entity_id)
    return found


def score(pairs: Iterable[tuple[set[str], set[str]]]) -> dict[str, float]:
    """Micro-averaged precision, recall and F1 over (predicted, gold) sets."""
    tp = fp = fn = 0
    for predicted, gold in pairs:
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def errors_by_tag(
    pairs: Iterable[tuple[str, set[str], set[str]]], limit: int = 40
) -> dict[str, list[dict[str, Any]]]:
    """The tags most often wrong, with the articles: to find general causes, not to fit them.

    `pairs` are (article id, predicted, gold); each list is sorted by count, most first."""
    fp: dict[str, list[str]] = {}
    fn: dict[str, list[str]] = {}
    for article_id, predicted, gold in pairs:
        for tag in predicted - gold:
            fp.setdefault(tag, []).append(article_id)
        for tag in gold - predicted:
            fn.setdefault(tag, []).append(article_id)

    def top(found: dict[str, list[str]]) -> list[dict[str, Any]]:
        ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
        return [{"tag": tag, "count": len(ids), "articles": ids} for tag, ids in ranked]

    return {"false_positives": top(fp), "false_negatives": top(fn)}


def evaluate(
    data_dir: Path | str = DEFAULT_DIR, *, keyphrases: int = 0, errors: bool = False
) -> dict[str, Any]:
    data_dir = Path(data_dir)
    gazetteer = load_gazetteer()
    gold_raw = json.loads((data_dir / "gold_tags.json").read_text(encoding="utf-8"))
    ours, base = [], []
    detail: list[tuple[str, set[str], set[str]]] = []
    for article in read_articles(data_dir / "articles.jsonl"):
        names = gold_raw.get(str(article["id"]))
        if names is None:
            continue
        gold = {tag_identity(n, gazetteer) for n in names}
        predicted = akhbar_tags(article, gazetteer, keyphrases)
        ours.append((predicted, gold))
        base.append((baseline_tags(article, gazetteer), gold))
        detail.append((str(article["id"]), predicted, gold))
    result: dict[str, Any] = {
        "articles": len(ours),
        "akhbar": score(ours),
        "baseline": score(base),
    }
    if errors:
        result["errors"] = errors_by_tag(detail)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--keyphrases", type=int, default=0, help="yake phrases per article")
    parser.add_argument("--min-f1", type=float, default=0.0, help="fail (exit 1) below this F1")
    parser.add_argument(
        "--errors", action="store_true", help="also list the most frequent wrong/missed tags"
    )
    args = parser.parse_args(argv)
    result = evaluate(args.data_dir, keyphrases=args.keyphrases, errors=args.errors)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["akhbar"]["f1"] >= args.min_f1 else 1


if __name__ == "__main__":
    sys.exit(main())
