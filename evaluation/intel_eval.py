"""Score near-duplicates, stories and "read also" on the gold set, each beside a baseline.

    .venv/bin/python -m evaluation.intel_eval [DATA_DIR] [--worst N]

The articles of DATA_DIR/articles.jsonl go through the real pipeline (Ingestor with the intel
steps) into a temporary store, so this measures what `akhbar import` does. Then:

* duplicates: pairwise precision / recall / F1 of the 'duplicate-of' groups against
  gold_duplicates.json; baseline: exact hash of the normalised body.
* stories: B-cubed precision / recall / F1 of story_members against gold_stories.json;
  baseline: NewsBlur's title tier (≥ 3 shared significant title words and an overlap
  coefficient ≥ 0.6, within 120 h).
* read also: nDCG@5 of `related_articles` against gold_related.json (graded 1-3); baseline:
  the most recent earlier articles sharing a publisher tag. Also counted: far picks (> 180 days
  apart) made while a gold-relevant article closer in time was left out. Reported beside it:
  the best score a list can reach with one, or two, articles per gold story (the gold grades
  every article of a related story alike, so its ideal list often holds several of one story);
  the score on each half of the judged articles split by gold story (parameters of
  akhbar.cluster.related chosen on the gold set are reported with both halves: see there);
  and how many distinct gold stories a list shows.
* read also, stored: the same nDCG@5 (same halves) of the 'related' rows the article page and
  `export` read (`relation_ids`: the article's own rows, best score first), twice: the
  provisional lists written at ingest (akhbar.pipeline.intel_step.links_from_candidates: the
  articles stored before it, a smaller budget), and the lists as `akhbar run` keeps them: a
  second store fed one publication day at a time, the queued lists ranked in full
  (akhbar.pipeline.relate) after each day, so a list is as good as the articles stored when it
  was last queued.
"""

from __future__ import annotations

import hashlib
import math
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import combinations, groupby
from pathlib import Path
from typing import Any, Literal, Protocol

import orjson

from akhbar.arabic import normalize_for_match
from akhbar.arabic.stopwords import stopwords
from akhbar.cluster.related import related_articles
from akhbar.models import Origin, RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.intel_step import intel_steps
from akhbar.pipeline.relate import rank_queued
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


def ndcg(
    ranked: Sequence[str],
    grades: dict[str, int],
    k: int = K,
    *,
    group_of: Mapping[str, str] | None = None,
) -> float:
    """nDCG@k with graded gains, each group counted once.

    `group_of` maps an article to its group (a duplicate group, or a gold story for the
    per-event variant; an article in no group is its own). The gold lists every copy of a
    related article with the original's grade: counted per article, a list holding two copies
    would earn twice, and the ideal list would be five copies of the best article, which no
    system that shows one copy can reach. So a group's grade is its best member's, it earns
    once (at its first rank; later members earn 0), and the ideal DCG is over group grades.
    """
    group = group_of or {}
    best: dict[str, int] = {}
    for doc, grade in grades.items():
        key = group.get(doc, doc)
        best[key] = max(best.get(key, 0), grade)
    seen: set[str] = set()
    dcg = 0.0
    for i, doc in enumerate(ranked[:k]):
        key = group.get(doc, doc)
        if key in seen:
            continue
        seen.add(key)
        dcg += best.get(key, 0) / math.log2(i + 2)
    ideal = sorted(best.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def ceiling_one_per_story(
    grades: dict[str, int], story_of: Mapping[str, str], k: int = K
) -> list[str]:
    """The best list a system showing one article per (gold) story can make: the best member
    of each related story, best stories first (what `ndcg` with copies collapsed tops out at)."""
    best: dict[str, tuple[int, str]] = {}
    for doc, grade in sorted(grades.items()):
        key = story_of.get(doc, doc)
        if grade > best.get(key, (0, ""))[0]:
            best[key] = (grade, doc)
    return [doc for _, doc in sorted(best.values(), key=lambda item: -item[0])[:k]]


def ceiling_per_story(
    grades: dict[str, int],
    story_of: Mapping[str, str],
    copy_of: Mapping[str, str],
    per_story: int,
    k: int = K,
) -> list[str]:
    """The best list a system showing at most `per_story` articles of a (gold) story, and one
    of each group of copies, can make: every story's best members, best grades first."""
    taken: dict[str, int] = {}
    groups: set[str] = set()
    best: list[str] = []
    for doc, _ in sorted(grades.items(), key=lambda item: (-item[1], item[0])):
        story, group = story_of.get(doc, doc), copy_of.get(doc, doc)
        if grades[doc] <= 0 or group in groups or taken.get(story, 0) >= per_story:
            continue
        taken[story] = taken.get(story, 0) + 1
        groups.add(group)
        best.append(doc)
    return best[:k]


def held_out(source: str, story_of: Mapping[str, str]) -> bool:
    """The half of the judged articles kept out of tuning: those whose gold story has an odd
    number. Every article of a story shares its judgements, so the halves split by story."""
    return int(story_of.get(source, "0")) % 2 == 1


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


class RelationReader(Protocol):
    def relation_ids(self, article_id: int, kind: Literal["related"]) -> list[int]: ...


def stored_related(store: RelationReader, article_id: int, k: int = K) -> list[int]:
    """The 'related' links stored for an article, as the article page reads them: its own
    rows, best score first, the first k."""
    return store.relation_ids(article_id, "related")[:k]


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


def run_pipeline(
    articles: list[dict[str, Any]], path: str, *, rank_daily: bool = False
) -> tuple[IntelStore, dict[str, int]]:
    """The articles through the pipeline in publication order; `rank_daily`: one publication
    day at a time, the queued "read also" lists ranked after each (as `akhbar run` does
    between polls)."""
    store = IntelStore(path)
    ordered = sorted(articles, key=lambda a: (a["published_at"], a["id"]))
    # The steps of akhbar/pipeline/steps.py minus search: entity tags first (a strong story
    # signal), then duplicates, stories and related.
    steps = [TagStep(store), *intel_steps(store)]
    ingestor = Ingestor(store, steps=steps)
    if rank_daily:
        for _, day in groupby(ordered, key=lambda a: a["published_at"][:10]):
            ingestor.ingest(raw_article(a) for a in day)
            rank_queued(store)
    else:
        ingestor.ingest(raw_article(a) for a in ordered)
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
            result = _score(store, ids, gold)
        finally:
            store.close()
        store, ids = run_pipeline(articles, str(Path(tmp) / "ranked.db"), rank_daily=True)
        try:
            ranked = stored_ndcg(store, ids, gold)
        finally:
            store.close()
    return result | {
        "related_ranked_ndcg5": mean(ranked[False] + ranked[True]),
        "related_ranked_ndcg5_tuned": mean(ranked[False]),
        "related_ranked_ndcg5_held_out": mean(ranked[True]),
    }


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def judged(gold: dict[str, Any], ids: Mapping[str, int]) -> Iterable[tuple[str, dict[str, int]]]:
    """(source, grades) of the judged articles that say something about a ranking: stored,
    with at least one relevant article."""
    for source, judgement in sorted(gold["related"].items()):
        grades = {k: int(v) for k, v in judgement["relevant"].items()}
        if source in ids and any(g > 0 for g in grades.values()):
            yield source, grades


def stored_ndcg(
    store: IntelStore, ids: Mapping[str, int], gold: dict[str, Any]
) -> dict[bool, list[float]]:
    """nDCG@5 of the stored 'related' lists of the judged articles, by half (True: held out)."""
    name = {v: k for k, v in ids.items()}
    copy_group = {item: min(group) for group in gold["duplicates"] for item in group}
    gold_story = {item: str(n) for n, group in enumerate(gold["stories"]) for item in group}
    scores: dict[bool, list[float]] = {False: [], True: []}
    for source, grades in judged(gold, ids):
        links = [name[i] for i in stored_related(store, ids[source]) if i in name]
        scores[held_out(source, gold_story)].append(ndcg(links, grades, group_of=copy_group))
    return scores


def _score(store: IntelStore, ids: dict[str, int], gold: dict[str, Any]) -> dict[str, Any]:
    articles = gold["articles"]
    name = {v: k for k, v in ids.items()}
    dup_edges = [(name[a], name[b]) for a, b in store.relation_pairs("duplicate-of")]
    gold_story = {item: str(n) for n, group in enumerate(gold["stories"]) for item in group}
    assigned = store.story_assignments()
    predicted_story = {name[a]: str(s) for a, s in assigned.items() if a in name}
    return {
        "articles": len(ids),
        "duplicates": pairwise(components(dup_edges), gold["duplicates"]),
        "duplicates_baseline": pairwise(exact_hash_duplicates(articles), gold["duplicates"]),
        "stories": bcubed(predicted_story, gold_story)
        | {"stories": len(set(predicted_story.values()))},
        "stories_baseline": bcubed(newsblur_title_stories(articles), gold_story),
    } | _score_related(store, ids, gold)


def _score_related(store: IntelStore, ids: dict[str, int], gold: dict[str, Any]) -> dict[str, Any]:
    """nDCG@5 of "read also" (copies collapsed; and per event), the far-pick count, latency."""
    articles = gold["articles"]
    name = {v: k for k, v in ids.items()}
    copy_group = {item: min(group) for group in gold["duplicates"] for item in group}
    gold_story = {item: str(n) for n, group in enumerate(gold["stories"]) for item in group}
    when = {
        a["id"]: datetime.fromisoformat(a["published_at"].replace("Z", "+00:00")) for a in articles
    }
    baseline = same_tag_related(articles)
    ours, events, base, ceiling, seconds = [], [], [], [], []
    ceiling_two: list[float] = []
    tuned: list[float] = []
    kept_out: list[float] = []
    stories_shown: list[int] = []
    far = FarPicks()
    details = []
    for source, grades in judged(gold, ids):
        started = time.perf_counter()
        found = related_articles(store, ids[source], K)
        seconds.append(time.perf_counter() - started)
        ranked = [name[r.id] for r in found]
        score = ndcg(ranked, grades, group_of=copy_group)
        ours.append(score)
        events.append(ndcg(ranked, grades, group_of=gold_story))
        base.append(ndcg(baseline.get(source, []), grades, group_of=copy_group))
        best = ceiling_one_per_story(grades, gold_story)
        ceiling.append(ndcg(best, grades, group_of=copy_group))
        two = ceiling_per_story(grades, gold_story, copy_group, 2)
        ceiling_two.append(ndcg(two, grades, group_of=copy_group))
        (kept_out if held_out(source, gold_story) else tuned).append(score)
        stories_shown.append(len({gold_story.get(r, r) for r in ranked}))
        far.add(source, ranked, grades, when, gold_story)
        details.append({"id": source, "ndcg": score, "ranked": ranked, "grades": grades})
    seconds.sort()
    stored = stored_ndcg(store, ids, gold)
    return {
        "related_judged": len(ours),
        "related_ndcg5": mean(ours),
        "related_ndcg5_events": mean(events),
        "related_ndcg5_baseline": mean(base),
        "related_ndcg5_ceiling": mean(ceiling),
        "related_ndcg5_ceiling_two": mean(ceiling_two),
        "related_ndcg5_tuned": mean(tuned),
        "related_ndcg5_held_out": mean(kept_out),
        "related_split": (len(tuned), len(kept_out)),
        "related_stored_ndcg5": mean(stored[False] + stored[True]),
        "related_stored_ndcg5_tuned": mean(stored[False]),
        "related_stored_ndcg5_held_out": mean(stored[True]),
        "related_stories_shown": sum(stories_shown) / len(stories_shown) if stories_shown else 0.0,
        "related_far": far.summary(),
        "related_ms_mean": 1000 * mean(seconds),
        "related_ms_p95": 1000 * seconds[int(0.95 * (len(seconds) - 1))] if seconds else 0.0,
        "related_details": details,
    }


class FarPicks:
    """How often a pick lies > FAR_DAYS from the source article while a gold-relevant article
    within FAR_DAYS was left out (the issue: "an article of 2024 is not read-also for one of
    2023 unless nothing closer exists").

    "Left out" is judged per event: once one article of a close related story is in the list,
    its siblings are not left out (a list shows one per story). `picks_with_closer` counts
    far picks with any closer relevant story left out; `picks_with_closer_as_good` only those
    where that closer story is graded at least as high as the far pick (the gold can grade a
    direct predecessor a year away above a close but marginal story: choosing it is right).
    """

    def __init__(self) -> None:
        self.picks = 0
        self.far = 0
        self.picks_with_closer = 0
        self.picks_with_closer_as_good = 0
        self.sources: set[str] = set()

    def add(
        self,
        source: str,
        ranked: list[str],
        grades: dict[str, int],
        when: dict[str, datetime],
        story_of: dict[str, str],
    ) -> None:
        def days(other: str) -> float:
            return abs((when[other] - when[source]).total_seconds()) / 86400

        shown = {story_of.get(r, r) for r in ranked}
        left_out = [
            g
            for o, g in grades.items()
            if g > 0 and days(o) <= FAR_DAYS and story_of.get(o, o) not in shown
        ]
        for pick in ranked:
            self.picks += 1
            if days(pick) <= FAR_DAYS:
                continue
            self.far += 1
            if left_out:
                self.picks_with_closer += 1
                self.sources.add(source)
                if max(left_out) >= max(grades.get(pick, 0), 1):
                    self.picks_with_closer_as_good += 1

    def summary(self) -> dict[str, int]:
        return {
            "picks": self.picks,
            "far": self.far,
            "with_closer_left_out": self.picks_with_closer,
            "with_as_good_closer_left_out": self.picks_with_closer_as_good,
            "sources": len(self.sources),
        }


def render(result: dict[str, Any]) -> str:
    d, db = result["duplicates"], result["duplicates_baseline"]
    s, sb = result["stories"], result["stories_baseline"]
    far = result["related_far"]
    tuned, kept_out = result["related_split"]
    rows = [
        ("measure", "akhbar", "baseline", "target"),
        ("duplicates pairwise P", f"{d['precision']:.3f}", f"{db['precision']:.3f}", "≥ 0.95"),
        ("duplicates pairwise R", f"{d['recall']:.3f}", f"{db['recall']:.3f}", "≥ 0.90"),
        ("duplicates pairwise F1", f"{d['f1']:.3f}", f"{db['f1']:.3f}", ""),
        ("stories B-cubed P", f"{s['precision']:.3f}", f"{sb['precision']:.3f}", ""),
        ("stories B-cubed R", f"{s['recall']:.3f}", f"{sb['recall']:.3f}", ""),
        ("stories B-cubed F1", f"{s['f1']:.3f}", f"{sb['f1']:.3f}", "≥ 0.85"),
        (
            "read also nDCG@5 (copies collapsed)",
            f"{result['related_ndcg5']:.3f}",
            f"{result['related_ndcg5_baseline']:.3f}",
            f"≥ 0.75 (ceiling {result['related_ndcg5_ceiling']:.3f} at one per story,"
            f" {result['related_ndcg5_ceiling_two']:.3f} at two)",
        ),
        (
            f"  … tuning half / held-out half ({tuned} / {kept_out} articles, split by story)",
            f"{result['related_ndcg5_tuned']:.3f} / {result['related_ndcg5_held_out']:.3f}",
            "",
            "",
        ),
        (
            "read also nDCG@5, links stored at ingest (tuning / held-out half)",
            f"{result['related_stored_ndcg5']:.3f} ({result['related_stored_ndcg5_tuned']:.3f}"
            f" / {result['related_stored_ndcg5_held_out']:.3f})",
            "",
            "",
        ),
        (
            "read also nDCG@5, lists ranked after each day as `akhbar run` keeps them",
            f"{result['related_ranked_ndcg5']:.3f} ({result['related_ranked_ndcg5_tuned']:.3f}"
            f" / {result['related_ranked_ndcg5_held_out']:.3f})",
            "",
            "",
        ),
        ("read also nDCG@5 (per event)", f"{result['related_ndcg5_events']:.3f}", "", ""),
        (
            "read also: distinct gold stories per list",
            f"{result['related_stories_shown']:.2f}",
            "",
            "",
        ),
        (
            f"far picks (> {FAR_DAYS} d), closer relevant left out",
            f"{far['with_closer_left_out']} of {far['picks']} picks ({far['sources']} articles)",
            "",
            "0",
        ),
        (
            "  … closer one graded at least as high",
            str(far["with_as_good_closer_left_out"]),
            "",
            "0",
        ),
        (
            "read also latency mean / p95",
            f"{result['related_ms_mean']:.1f} / {result['related_ms_p95']:.1f} ms",
            "",
            "< 20 ms",
        ),
    ]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|---|---|---|---|")
    return "\n".join(lines)


def worst(result: dict[str, Any], articles: list[dict[str, Any]], n: int) -> str:
    """The `n` articles with the lowest nDCG@5: what "read also" returned (grade, date, title)
    and the best-graded stories the gold expected."""
    by_id = {a["id"]: a for a in articles}

    def line(doc: str, grade: int) -> str:
        a = by_id.get(doc, {})
        return f"    {grade} {doc} {a.get('published_at', '')[:10]} {a.get('title', '')}"

    out = []
    for row in sorted(result["related_details"], key=lambda r: (r["ndcg"], r["id"]))[:n]:
        source = by_id[row["id"]]
        grades = row["grades"]
        out.append(
            f"{row['id']} {source['published_at'][:10]} nDCG@5 {row['ndcg']:.3f}: {source['title']}"
        )
        out.append("  returned:")
        out.extend(line(doc, grades.get(doc, 0)) for doc in row["ranked"])
        out.append("  expected:")
        ranked = sorted(grades.items(), key=lambda item: (-item[1], item[0]))
        out.extend(line(doc, grade) for doc, grade in ranked[:K])
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    show = 0
    if "--worst" in args:
        at = args.index("--worst")
        show = int(args[at + 1])
        args = args[:at] + args[at + 2 :]
    data_dir = Path(args[0]) if args else DATA
    result = evaluate(data_dir)
    print(f"{result['articles']} articles, {result['stories']['stories']} stories found\n")
    print(render(result))
    if show:
        print(f"\nworst {show} for read also:\n")
        print(worst(result, load(data_dir)["articles"], show))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
