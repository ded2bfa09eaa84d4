"""Normalising in a worker process gives exactly what normalising inline gives."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np

from akhbar.dumps import iter_dump_items
from akhbar.errors import InputError
from akhbar.export import article_to_dict
from akhbar.models import RawArticle
from akhbar.pipeline.ingest import BATCH_SIZE, PreparedArticle, prepare_batch
from akhbar.pipeline.intel_step import CopyKeys
from akhbar.pipeline.steps import open_ingestor
from akhbar.store import open_store
from tests.cluster.corpus import ARTICLES


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


def test_prepared_batch_survives_pickling_unchanged(tmp_path: Path) -> None:
    """What a worker sends back (prepared articles and the compact forms of the steps'
    analyses) unpickles to the same values the store process would have computed itself."""
    store = open_store(str(tmp_path / "p.db"))
    with open_ingestor(store, search=False) as ingestor:
        items: list[RawArticle | InputError] = [a.raw(name) for name, a in ARTICLES.items()]
        prepared = prepare_batch(ingestor._jobs(items), ingestor.analyzers())
        back = pickle.loads(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
    assert any(isinstance(p, PreparedArticle) and p.analyses["dedup"] for p in prepared)
    for sent, got in zip(prepared, back, strict=True):
        assert isinstance(sent, PreparedArticle) and isinstance(got, PreparedArticle)
        assert (got.raw, got.title, got.body, got.tags) == (
            sent.raw,
            sent.title,
            sent.body,
            sent.tags,
        )
        assert (got.title_norm, got.body_norm, got.fingerprint) == (
            sent.title_norm,
            sent.body_norm,
            sent.fingerprint,
        )
        assert got.published_at == sent.published_at
        assert got.analyses["tags"] == sent.analyses["tags"]
        assert got.analyses["stories"] == sent.analyses["stories"]
        keys, sent_keys = got.analyses["dedup"], sent.analyses["dedup"]
        if sent_keys is None:
            assert keys is None
            continue
        assert isinstance(keys, CopyKeys) and isinstance(sent_keys, CopyKeys)
        assert keys.bands == sent_keys.bands
        assert np.array_equal(keys.shingles, sent_keys.shingles)
        assert keys.shingles.dtype == sent_keys.shingles.dtype
        assert np.array_equal(keys.signature, sent_keys.signature)
        assert keys.signature.dtype == sent_keys.signature.dtype
    store.close()
