"""Import of a large generated JSON Lines file through `akhbar import` (a child process).

Target (issue 2): ≥ 2,000 articles/s on 2 cores with peak RSS under 300 MB, on a ≥ 1 GB file.
"""

from __future__ import annotations

import resource
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


def run(scale: str) -> list[Row]:
    target = 1_100 * 1024 * 1024 if scale == "full" else 40 * 1024 * 1024
    data = WORK / f"import-{scale}.jsonl"
    count = make_jsonl(data, target_bytes=target)
    db = WORK / f"import-{scale}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "akhbar", "--db", str(db), "import", "-q", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"import failed: {proc.stderr[-2000:]}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = count / wall
    size_mb = data.stat().st_size / 1024 / 1024
    name = "import (JSON Lines)"
    return [
        Row(name, "input", f"{size_mb:,.0f} MiB, {count:,} articles"),
        Row(name, "articles/s", f"{rate:,.0f}", "≥ 2,000", rate >= 2000),
        Row(name, "wall time", f"{wall:,.1f} s"),
        Row(name, "peak RSS", f"{rss:,.0f} MiB", "< 300 MiB", rss < 300),
        Row(name, "store size", f"{db.stat().st_size / 1024 / 1024:,.0f} MiB"),
    ]
