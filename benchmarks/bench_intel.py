"""Tags + near-duplicates + stories + "read also" through the real ingest steps (those of
`akhbar import` without the search index, with its worker process), on a growing store.

Generated articles (benchmarks/generate.py) with planted near-copies: every 10th article
republishes one of the 200 before it from another outlet, with another title, an added intro
sentence, its last paragraph cut and other punctuation. One temp-file store grows through the
sizes, each segment fed by one streaming `ingest` call from a file generated beforehand; at
each checkpoint we report the rate over the last segment (flat = the cost per article
does not grow with the store), peak RSS, recall of the planted copies, and the latency of
`related_articles` on a sample of stored articles and how many "read also" lists are queued
(articles and stories); at the end, how fast the first 1,000 of them are ranked and stored,
as `akhbar run` does between polls.

Targets (issue "republished copies, stories, read also, trends"): ≥ 500 articles/s on 2 cores
with flat per-article cost; peak RSS ≤ 1 GB at 1 M articles (extrapolated from the slope
here); related < 20 ms per article.
"""

from __future__ import annotations

import itertools
import pickle
import random
import statistics
import tempfile
import time
from collections.abc import Generator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from akhbar.cluster.related import related_articles
from akhbar.models import Origin, RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.intel_step import intel_steps
from akhbar.pipeline.relate import rank_queued
from akhbar.pipeline.steps import worker_processes
from akhbar.pipeline.tag_step import TagStep
from akhbar.store import SQLiteStore
from benchmarks.common import Row, cpu_seconds, peak_rss_mib
from benchmarks.generate import ArticleGenerator

NAME = "intel (tags+dedup+stories+related)"
SIZES = {"quick": (2_000, 5_000), "full": (10_000, 50_000, 100_000)}
COPY_EVERY = 10
CHUNK = 2_000
#: Queued "read also" lists ranked (newest first) after each segment, timed: the background
#: work `akhbar run` does between polls (akhbar/pipeline/relate.py).
RANKED_SAMPLE = 1_000
INTROS = ("أفادت مصادر مطلعة صباح اليوم بما يلي.", "نقلت وكالات الأنباء التفاصيل التالية.")


IntelStore = SQLiteStore  # SQLiteStore has the intel queries (IntelQueries) as a base


def republish(article: dict[str, Any], rng: random.Random, outlet: str) -> dict[str, Any]:
    """A wire copy as another outlet prints it: new title, intro added, ending cut, ، → ,"""
    paragraphs = article["body"].split("\n\n")
    body = "\n\n".join([rng.choice(INTROS), *paragraphs[:-1]]).replace("،", ",")
    return article | {
        "title": "عاجل: " + article["title"][: len(article["title"]) // 2],
        "body": body,
        "source": outlet,
        "url": article["url"] + "/copy",
    }


def stream(count: int, planted: list[tuple[str, str]]) -> Iterator[RawArticle]:
    """`count` articles; every COPY_EVERY-th is a near-copy (url pairs go to `planted`)."""
    gen = ArticleGenerator(7)
    rng = random.Random(11)
    recent: list[dict[str, Any]] = []
    for i in range(count):
        article = gen.article(i)
        if i % COPY_EVERY == COPY_EVERY - 1 and recent:
            source = rng.choice(recent)
            outlets = [o for o in ArticleGenerator.OUTLETS if o != source["source"]]
            article = republish(source, rng, rng.choice(outlets)) | {
                "published_at": article["published_at"]
            }
            planted.append((source["url"], article["url"]))
        else:
            recent = [*recent[-199:], article]
        yield RawArticle(
            title=article["title"],
            body=article["body"],
            origin=Origin(path="bench", line=i),
            url=article["url"],
            source_name=article["source"],
            published_at=datetime.fromisoformat(article["published_at"]),
            tags=article["tags"],
        )


def planted_recall(store: IntelStore, planted: list[tuple[str, str]]) -> float:
    found = 0
    for original_url, copy_url in planted:
        original = store.article_id_by_dedup_key(f"url:{original_url}")
        copy = store.article_id_by_dedup_key(f"url:{copy_url}")
        if original is not None and copy is not None:
            found += store.duplicate_root(copy) == store.duplicate_root(original)
    return found / len(planted) if planted else 1.0


def related_latency(store: IntelStore, samples: int = 300) -> tuple[float, float]:
    """p50 and p95 of `related_articles(k=5)` in ms, over random stored articles."""
    rng = random.Random(3)
    total = store.article_count()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        related_articles(store, rng.randint(1, total), 5)
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return cuts[9], cuts[18]


def pregenerate(count: int, path: Path) -> list[tuple[int, tuple[str, str]]]:
    """Write `count` articles to `path` as pickled chunks (generating text is not ours to
    time); each planted (original, copy) url pair with the copy's position in the stream."""
    planted: list[tuple[str, str]] = []
    at: list[tuple[int, tuple[str, str]]] = []
    articles = stream(count, planted)
    with path.open("wb") as out:
        for start in range(0, count, CHUNK):
            chunk = []
            for i, article in zip(range(start, min(count, start + CHUNK)), articles, strict=False):
                chunk.append(article)
                if len(planted) > len(at):
                    at.append((i, planted[-1]))
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
    return at


def read_articles(path: Path) -> Generator[RawArticle]:
    """The articles of a `pregenerate` file, one chunk in memory at a time."""
    with path.open("rb") as file:
        while True:
            try:
                chunk: list[RawArticle] = pickle.load(file)
            except EOFError:
                return
            yield from chunk


def run(scale: str) -> list[Row]:
    sizes = SIZES["full" if scale == "full" else "quick"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        planted = pregenerate(sizes[-1], Path(tmp) / "articles.pickle")
        store = IntelStore(str(Path(tmp) / "intel.db"))
        steps = [TagStep(store), *intel_steps(store)]
        ingestor = Ingestor(store, steps=steps, workers=worker_processes())
        articles = read_articles(Path(tmp) / "articles.pickle")
        done, rates = 0, []
        for size in sizes:
            # One ingest call a segment, streaming, as `akhbar import` reads a file: the worker
            # prepares batch k+1 while batch k is stored. (Calls of 2,000 articles each, as
            # before 2026-11-29 16:30, left the store idle while the worker prepared the first
            # batch of every call: ~15 % of the wall time.)
            start, before = time.perf_counter(), cpu_seconds()
            ingestor.ingest(itertools.islice(articles, size - done))
            elapsed = time.perf_counter() - start
            cpu = [b - a for a, b in zip(before, cpu_seconds(), strict=True)]
            rate = (size - done) / elapsed
            store_ms, worker_ms = (1000 * c / (size - done) for c in cpu)
            rates.append(rate)
            segment, done = f"{done:,}→{size:,}", size
            p50, p95 = related_latency(store)
            queued = sum(store.related_queue_size())
            rss = peak_rss_mib()
            recall = planted_recall(store, [pair for i, pair in planted if i < size])
            rows += [
                Row(NAME, f"articles/s, {segment}", f"{rate:,.0f}", "≥ 500", rate >= 500),
                Row(
                    NAME,
                    f"CPU per article, store process / worker, {segment}",
                    f"{store_ms:.2f} / {worker_ms:.2f} ms",
                ),
                Row(
                    NAME, f"peak RSS at {size:,}", f"{rss:,.0f} MiB", "≤ 1 GiB at 1 M", rss <= 1024
                ),
                Row(
                    NAME,
                    f"planted copies found at {size:,}",
                    f"{recall:.3f}",
                    "≥ 0.90",
                    recall >= 0.9,
                ),
                Row(
                    NAME,
                    f"related p50 / p95 at {size:,}",
                    f"{p50:.1f} / {p95:.1f} ms",
                    "< 20 ms",
                    p95 < 20,
                ),
                Row(
                    NAME, f"read-also lists queued at {size:,} (articles + stories)", f"{queued:,}"
                ),
            ]
        ingestor.close()
        articles.close()
        # After the last segment, not between segments: ranking reads and writes enough of the
        # store to change what the next segment finds in the page cache.
        ranking = rank_queued(store, limit=RANKED_SAMPLE)
        rows.append(
            Row(
                NAME,
                f"read-also lists ranked and stored per s at {done:,} (first {RANKED_SAMPLE:,})",
                f"{ranking.ranked / ranking.seconds:,.0f}",
            )
        )
        db_mib = (
            sum(p.stat().st_size for p in Path(tmp).iterdir() if p.name.startswith("intel.db"))
            / 1024
            / 1024
        )
        rows.append(Row(NAME, f"store size at {done:,}", f"{db_mib:,.0f} MiB"))
        rows.append(
            Row(
                NAME,
                "rate last / first segment",
                f"{rates[-1] / rates[0]:.2f}",
                "≥ 0.8 (flat)",
                rates[-1] / rates[0] >= 0.8,
            )
        )
        store.close()
    return rows
