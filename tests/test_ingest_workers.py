"""Normalising in a worker process gives exactly what normalising inline gives."""

from __future__ import annotations

import json
from pathlib import Path

from akhbar.dumps import iter_dump_items
from akhbar.export import article_to_dict
from akhbar.pipeline.ingest import BATCH_SIZE
from akhbar.pipeline.steps import open_ingestor
from akhbar.store import open_store


def _export(db: str) -> list[dict[str, object]]:
    with open_store(db) as store:
        rows = [article_to_dict(a) for a in store.iter_articles()]
    for row in rows:
        row.pop("imported_at")
    return rows


def test_worker_normalising_matches_inline(tmp_path: Path) -> None:
    lines = []
    for i in range(BATCH_SIZE * 2 + 7):
        lines.append(json.dumps({
            "title": f"عنوان الخبر رقم {i}",
            "body": f"نص الخبر رقم {i} عن مُحَمَّد في القاهرة.\n\nفقرة ثانية {i % 5}.",
            "source": ["الأهرام", "عكاظ", "الخليج"][i % 3],
            "published_at": f"2024-02-{1 + i % 28:02d}T10:00:00+03:00",
            "tags": ["مصر", "القاهرة"],
        }, ensure_ascii=False))  # fmt: skip
    lines.insert(3, "[not an object]")
    data = tmp_path / "many.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = []
    for workers in (0, 1):
        db = str(tmp_path / f"w{workers}.db")
        with open_store(db) as store, open_ingestor(store, search=False, workers=workers) as ing:
            report = ing.ingest(iter_dump_items([str(data)], vocabulary=ing.vocabulary))
        assert (report.imported, report.failed) == (len(lines) - 1, 1)
        results.append(_export(db))
    assert results[0] == results[1]
