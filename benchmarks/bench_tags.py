"""Tagging throughput: `tag_article` over generated articles (gazetteer + candidates, no yake),
and the yake keyphrases alone on a sample.

Target (tags issue): ≥ 1,500 articles/s for tagging alone on 2 cores (one process here: the
pipeline tags in the ingest process).
"""

from __future__ import annotations

import time

from akhbar.enrich import load_gazetteer, tag_article
from akhbar.enrich.keyphrases import topic_keyphrases
from benchmarks.common import Row, peak_rss_mib
from benchmarks.generate import ArticleGenerator

NAME = "tags"
TARGET = 1500.0


def run(scale: str) -> list[Row]:
    count = 20_000 if scale == "full" else 2_000
    gen = ArticleGenerator(7)
    articles = [gen.article(i) for i in range(count)]
    gazetteer = load_gazetteer()
    tag_article("تمهيد", "تمهيد", publisher_tags=(), gazetteer=gazetteer)  # build the indexes
    start = time.perf_counter()
    tags = 0
    for a in articles:
        tags += len(
            tag_article(a["title"], a["body"], publisher_tags=a["tags"], gazetteer=gazetteer)
        )
    rate = count / (time.perf_counter() - start)
    sample = articles[:100]
    start = time.perf_counter()
    for a in sample:
        topic_keyphrases(a["title"], a["body"], limit=2)
    yake_ms = (time.perf_counter() - start) / len(sample) * 1000
    return [
        Row(
            NAME,
            f"tagging, {count} articles",
            f"{rate:,.0f} articles/s",
            f"≥ {TARGET:,.0f}",
            rate >= TARGET,
        ),
        Row(NAME, "tags per article", f"{tags / count:.1f}"),
        Row(
            NAME,
            "yake keyphrases (optional)",
            f"{yake_ms:.1f} ms/article",
            "≤ 5 ms to be on",
            yake_ms <= 5,
        ),
        Row(NAME, "peak RSS", f"{peak_rss_mib():.0f} MiB"),
    ]
