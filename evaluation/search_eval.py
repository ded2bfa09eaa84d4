"""Score akhbar's search against a gold set, next to a baseline without Arabic analysis.

    .venv/bin/python -m evaluation.search_eval [DATA_DIR]     (default: evaluation/data)

DATA_DIR holds `articles.jsonl` (id, title, body, source, published_at, url, publisher_tags)
and `gold_search.json` ([{"query", "relevant": {article_id: grade}, "kind"}]). Articles go
through the real ingest path (store + search outbox + index); gold ids map to store ids by URL.

The BASELINE is the same engine (tantivy, BM25, title boosted over body) on the raw text with
tantivy's default tokenizer: no normalisation, no stems, no stopwords, no alias expansion. The
difference between the two is what the Arabic analysis buys. Target: nDCG@10 ≥ 0.85 and
≥ 0.15 above the baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import tantivy

from akhbar.arabic.dates import parse_date
from akhbar.models import Origin, RawArticle
from akhbar.pipeline.index_step import IndexStep, open_search_index
from akhbar.pipeline.ingest import Ingestor
from akhbar.search import search
from akhbar.store import SQLiteStore
from akhbar.store.search_outbox import SearchOutboxMixin

K = 10
TARGET_NDCG = 0.85
TARGET_MARGIN = 0.15
DEFAULT_DATA = Path(__file__).parent / "data"

Ranker = Callable[[str], list[str]]


class _Store(SQLiteStore, SearchOutboxMixin):
    """The store with its search reads (SQLiteStore already has them once integrated)."""


def load_articles(data_dir: Path) -> list[dict[str, Any]]:
    with open(data_dir / "articles.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_gold(data_dir: Path) -> list[dict[str, Any]]:
    with open(data_dir / "gold_search.json", encoding="utf-8") as f:
        gold: list[dict[str, Any]] = json.load(f)
    return gold


# --- the two systems ---------------------------------------------------------------------------


def akhbar_ranker(articles: list[dict[str, Any]]) -> tuple[Ranker, datetime | None]:
    """Ingest every article into an in-memory store + index; a function query → gold ids."""
    store = _Store(":memory:")
    engine = open_search_index(store, keep_writer=True)
    raws = [_raw(n, a) for n, a in enumerate(articles, start=1)]
    Ingestor(store, steps=[IndexStep(store, engine)]).ingest(raws)
    gold_id = {url: a["id"] for a, url in zip(articles, (r.url for r in raws), strict=True)}
    by_store_id = {
        row[0]: gold_id.get(row[1], "") for row in store.db.execute("SELECT id, url FROM articles")
    }
    dates = [r.published_at for r in raws if r.published_at]
    # "Now" just after the newest article: recency acts as it would on a live store.
    now = max(dates) + timedelta(days=1) if dates else None

    def rank(query: str) -> list[str]:
        page = search(store, engine, query, limit=K, now=now)
        return [by_store_id[h.id] for h in page.hits]

    return rank, now


def _raw(n: int, article: dict[str, Any]) -> RawArticle:
    published = parse_date(article.get("published_at") or "", reference=datetime(2100, 1, 1))
    return RawArticle(
        title=article["title"],
        body=article["body"],
        origin=Origin(path="gold", line=n),
        url=article.get("url") or f"gold:{article['id']}",
        source_name=article.get("source", ""),
        published_at=published,
        tags=list(article.get("publisher_tags") or []),
    )


def baseline_ranker(articles: list[dict[str, Any]]) -> Ranker:
    """Raw text in tantivy with its default tokenizer; the query through its own parser."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("gid", stored=True, tokenizer_name="raw")
    sb.add_text_field("title")
    sb.add_text_field("body")
    index = tantivy.Index(sb.build())
    writer = index.writer(50_000_000, 1)
    for a in articles:
        writer.add_document(tantivy.Document(gid=a["id"], title=a["title"], body=a["body"]))
    writer.commit()
    index.reload()
    searcher = index.searcher()

    def rank(query: str) -> list[str]:
        parsed, _errors = index.parse_query_lenient(
            query,
            ["title", "body"],
            field_boosts={"title": 3.0, "body": 1.5},
            conjunction_by_default=True,
        )
        hits = searcher.search(parsed, K).hits
        return [str(searcher.doc(address)["gid"][0]) for _, address in hits]

    return rank


# --- metrics -----------------------------------------------------------------------------------


def ndcg_at_k(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """Graded nDCG: gain 2^grade - 1, discount log2(rank + 1)."""
    dcg = sum(
        (2 ** relevant.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k])
    )
    ideal = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def score(rank: Ranker, gold: list[dict[str, Any]]) -> dict[str, Any]:
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    rows = []
    for item in gold:
        relevant = {str(k): int(v) for k, v in item["relevant"].items()}
        ranked = rank(item["query"])
        pair = (ndcg_at_k(ranked, relevant), recall_at_k(ranked, relevant))
        per_kind[item.get("kind", "")].append(pair)
        rows.append(pair)
    return {
        "ndcg@10": _mean(p[0] for p in rows),
        "recall@10": _mean(p[1] for p in rows),
        "kinds": {
            kind: {
                "queries": len(pairs),
                "ndcg@10": _mean(p[0] for p in pairs),
                "recall@10": _mean(p[1] for p in pairs),
            }
            for kind, pairs in sorted(per_kind.items())
        },
    }


def _mean(values: Iterator[float] | Any) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def evaluate(data_dir: str | Path = DEFAULT_DATA) -> dict[str, Any]:
    """nDCG@10 and recall@10 of akhbar and of the baseline, overall and per query kind."""
    data_dir = Path(data_dir)
    articles, gold = load_articles(data_dir), load_gold(data_dir)
    akhbar, _now = akhbar_ranker(articles)
    ours, theirs = score(akhbar, gold), score(baseline_ranker(articles), gold)
    result: dict[str, Any] = {
        "articles": len(articles),
        "queries": len(gold),
        "akhbar": ours,
        "baseline": theirs,
    }
    ndcg, base = ours["ndcg@10"], theirs["ndcg@10"]
    result["target_met"] = ndcg >= TARGET_NDCG and ndcg - base >= TARGET_MARGIN
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", nargs="?", default=str(DEFAULT_DATA))
    args = parser.parse_args(argv)
    result = evaluate(args.data_dir)
    print(f"search evaluation: {result['queries']} queries over {result['articles']} articles")
    print(f"{'system':<10} {'kind':<16} {'queries':>7} {'nDCG@10':>8} {'recall@10':>9}")
    for system in ("akhbar", "baseline"):
        s = result[system]
        print(
            f"{system:<10} {'(all)':<16} {result['queries']:>7} {s['ndcg@10']:>8.3f}"
            f" {s['recall@10']:>9.3f}"
        )
        for kind, k in s["kinds"].items():
            print(
                f"{'':<10} {kind or '-':<16} {k['queries']:>7} {k['ndcg@10']:>8.3f}"
                f" {k['recall@10']:>9.3f}"
            )
    met = "met" if result["target_met"] else "NOT met"
    print(f"target nDCG@10 ≥ {TARGET_NDCG} and ≥ baseline + {TARGET_MARGIN}: {met}")
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
