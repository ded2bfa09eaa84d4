"""Validate akhbar's evaluation gold files (evaluation/data/*).

Usage: python evaluation/check_gold.py   (exit code 1 on any error)
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
KINDS = {
    "word",
    "inflection",
    "spelling_variant",
    "phrase",
    "name_variant",
    "multiword",
    "exclusion",
    "filter",
}


def main() -> int:
    errors: list[str] = []
    err = errors.append
    arts = [
        json.loads(line)
        for line in (DATA / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    ids = [a["id"] for a in arts]
    idset = set(ids)
    if len(ids) != len(idset):
        err("duplicate article ids")
    for a in arts:
        for k in ("id", "title", "body", "source", "published_at", "url", "publisher_tags"):
            if k not in a:
                err(f"{a.get('id')}: missing {k}")
        if not re.fullmatch(r"e\d{3}", a["id"]):
            err(f"bad id {a['id']}")
        datetime.strptime(a["published_at"], "%Y-%m-%dT%H:%M:%SZ")
        if not a["published_at"].startswith(("2023", "2024")):
            err(f"{a['id']}: date outside 2023-2024")
        words = len(a["body"].split())
        paras = a["body"].split("\n\n")
        if not 80 <= words <= 200:
            err(f"{a['id']}: {words} words")
        if not 2 <= len(paras) <= 5:
            err(f"{a['id']}: {len(paras)} paragraphs")
        if not a["url"].startswith("https://") or not a["url"].endswith("/" + a["id"]):
            err(f"{a['id']}: bad url")

    tags = json.loads((DATA / "gold_tags.json").read_text(encoding="utf-8"))
    if set(tags) != idset:
        err("gold_tags keys != article ids")
    for i, t in tags.items():
        if not 2 <= len(t) <= 6:
            err(f"{i}: {len(t)} gold tags")

    stories = json.loads((DATA / "gold_stories.json").read_text(encoding="utf-8"))
    story_of: dict[str, int] = {}
    for n, g in enumerate(stories):
        for i in g:
            if i not in idset:
                err(f"stories: unknown id {i}")
            if i in story_of:
                err(f"stories: {i} in two groups")
            story_of[i] = n
    if set(story_of) != idset:
        err(f"stories: {len(idset - set(story_of))} articles not in any group")

    dups = json.loads((DATA / "gold_duplicates.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for g in dups:
        if len(g) < 2:
            err(f"duplicate group too small {g}")
        if any(i not in idset for i in g):
            err(f"duplicates: unknown id in {g}")
        elif len({story_of[i] for i in g}) != 1:
            err(f"duplicate group {g} spans several stories")
        if seen & set(g):
            err(f"duplicates: id in two groups {g}")
        seen |= set(g)

    related = json.loads((DATA / "gold_related.json").read_text(encoding="utf-8"))
    for i, r in related.items():
        if i not in idset:
            err(f"related: unknown id {i}")
            continue
        for j, grade in r["relevant"].items():
            if j not in idset:
                err(f"related {i}: unknown id {j}")
            elif story_of[j] == story_of[i]:
                err(f"related {i}: {j} is in the same story")
            if grade not in (1, 2, 3):
                err(f"related {i}: bad grade {grade}")

    search = json.loads((DATA / "gold_search.json").read_text(encoding="utf-8"))
    for q in search:
        if q["kind"] not in KINDS:
            err(f"search {q['query']}: bad kind")
        if not q["relevant"]:
            err(f"search {q['query']}: no relevant articles")
        for j, grade in q["relevant"].items():
            if j not in idset or grade not in (1, 2, 3):
                err(f"search {q['query']}: bad entry {j}={grade}")

    negs_path = DATA / "gold_hard_negatives.json"
    negs = json.loads(negs_path.read_text(encoding="utf-8")) if negs_path.exists() else []
    dup_of = {i: n for n, g in enumerate(dups) for i in g}
    for p in negs:
        a, b = p["a"], p["b"]
        if story_of.get(a) == story_of.get(b) or (a in dup_of and dup_of.get(a) == dup_of.get(b)):
            err(f"hard negative {a},{b} is same story/duplicate")

    multi = [g for g in stories if len(g) > 1]
    print(
        f"articles            : {len(arts)}  (sources: {len(Counter(a['source'] for a in arts))}, "
        f"with publisher_tags: {sum(1 for a in arts if a['publisher_tags'])})"
    )
    singletons = len(stories) - len(multi)
    print(
        f"story groups        : {len(stories)}  (multi-article events: {len(multi)},"
        f" singletons: {singletons})"
    )
    print(
        f"duplicate groups    : {len(dups)}  (articles in them: {sum(len(g) for g in dups)}, "
        f"stories with copies: {len({story_of[g[0]] for g in dups})})"
    )
    distinct = len({x for t in tags.values() for x in t})
    print(f"gold tags           : {sum(len(t) for t in tags.values())} tags, {distinct} distinct")
    judged = sum(len(r["relevant"]) for r in related.values())
    print(f"related             : {len(related)} source articles, {judged} judgements")
    print(f"search queries      : {len(search)}  {dict(Counter(q['kind'] for q in search))}")
    print(f"hard negative pairs : {len(negs)}")
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
