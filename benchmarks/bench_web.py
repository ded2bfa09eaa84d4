"""The web reader under load: uvicorn (one worker) in a child process, wrk -t1 -c16 -d10s.

Targets (issue "The reader"): article page ≥ 1,000 requests/s with p95 ≤ 25 ms, home page
≥ 500 requests/s. The store is built through the pipeline's Ingestor (N generated articles:
5k quick, 100k full), through the same steps as an import (tags, duplicates, stories, "read
also"), and the article page is requested with random ids (a wrk Lua script).

Percentiles are wrk's own (a Lua `done` hook prints p95 and p99; `--latency` prints only
50/75/90/99, and p95 interpolated between p90 and p99 overstated it whenever a few requests
were slow). The store file is read once before the server starts, so the figures measure a
server whose store is in the OS page cache, as a running one's is, not the disk: on this
machine cold pages are reclaimed within minutes, and a cold 100k store halved the first run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from akhbar.models import Origin, RawArticle
from akhbar.pipeline.steps import open_ingestor
from akhbar.store import open_store
from benchmarks.common import Row
from benchmarks.generate import ArticleGenerator

WORK = Path(__file__).parent / "work"
SIZES = {"quick": 5_000, "full": 100_000}
RANDOM_ID_LUA = """
math.randomseed(42)
request = function()
  return wrk.format("GET", "/articles/" .. math.random(1, {n}))
end
"""
#: Appended to every script: wrk's exact latency percentiles, in microseconds.
PERCENTILES_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("percentiles_us %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
"""


def build_store(path: Path, n: int) -> None:
    if path.exists():
        store = open_store(str(path))
        try:
            # A store from before stories existed (no story rows) is rebuilt: the pages now
            # read stories, tags and "read also", and must be measured with them.
            stories = store.db.execute("SELECT count(*) FROM stories").fetchone()[0]
            if store.article_count() >= n and stories:
                return
        finally:
            store.close()
        path.unlink()
        # The old search index described the old articles: the server rebuilds it on start.
        shutil.rmtree(path.with_name(path.name + ".tantivy"), ignore_errors=True)
    store = open_store(str(path))
    try:
        generator = ArticleGenerator(seed=7)
        raws = (
            RawArticle(
                title=d["title"],
                body=d["body"],
                origin=Origin(url=d["url"]),
                url=d["url"],
                source_name=d["source"],
                published_at=datetime.fromisoformat(d["published_at"]),
                tags=d["tags"],
            )
            for d in (generator.article(i) for i in range(n))
        )
        # The real pipeline (tags, duplicates, stories, stored "read also"), so the pages
        # read what a deployed store holds; the search index is built by the server itself.
        with open_ingestor(store, search=False) as ingestor:
            ingestor.ingest(raws)
    finally:
        store.close()


def server_stack() -> str:
    """What uvicorn's "auto" settings pick here (the C parser and loop when installed): the
    figures depend on it, h11 and asyncio cost ~15 % more CPU per article page."""
    import uvicorn

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"uvicorn {uvicorn.__version__} ({http}, {loop})"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AKHBAR_DB": str(db), "AKHBAR_CONFIG": "/nonexistent"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "akhbar.web.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120  # a first start may build the search index
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError as exc:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"server exited: {err[-2000:]}") from exc
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def parse_wrk(text: str) -> tuple[float, float, float, float, int]:
    """(requests/s, p50, p95, p99 in ms, non-2xx + socket errors) from wrk's output with
    PERCENTILES_LUA's line."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    m = re.search(r"^percentiles_us (\d+) (\d+) (\d+)$", text, re.MULTILINE)
    if m is None:
        raise RuntimeError(f"wrk printed no percentiles:\n{text}")
    p50, p95, p99 = (int(v) / 1000 for v in m.groups())
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return rate, p50, p95, p99, errors


def run_wrk(url: str, script: Path, seconds: int) -> tuple[float, float, float, float, int]:
    cmd = ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def warm_page_cache(path: Path) -> None:
    """Read the store file once, so the OS holds it in memory as it would a running
    server's (see the module docstring)."""
    with open(path, "rb") as f:
        while f.read(1 << 22):
            pass


def run(scale: str) -> list[Row]:
    name = "web (1 uvicorn worker, wrk -c16)"
    if shutil.which("wrk") is None:
        return [Row(name, "skipped", "wrk is not installed (apt-get install wrk)")]
    n = SIZES["full" if scale == "full" else "quick"]
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"web-{scale}.db"
    start = time.perf_counter()
    build_store(db, n)
    rows = [
        Row(name, "store", f"{n:,} articles (built in {time.perf_counter() - start:,.0f} s)"),
        Row(name, "server", server_stack()),
    ]
    scripts = {
        "article": RANDOM_ID_LUA.replace("{n}", str(n)),
        "home": "",
        "api": RANDOM_ID_LUA.replace("/articles/", "/api/v1/articles/").replace("{n}", str(n)),
    }
    for key, text in scripts.items():
        (WORK / f"wrk_{key}.lua").write_text(text + PERCENTILES_LUA, encoding="utf-8")
    warm_page_cache(db)
    port = free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for label, key, target_rate in (
            ("article page", "article", 1000.0),
            ("home page", "home", 500.0),
            ("API article detail", "api", 1000.0),
        ):
            lua = WORK / f"wrk_{key}.lua"
            run_wrk(f"{base}/", lua, 2)  # warm up
            rate, p50, p95, p99, errors = run_wrk(f"{base}/", lua, 10)
            rows.append(
                Row(
                    name,
                    f"{label} req/s",
                    f"{rate:,.0f}",
                    f"≥ {target_rate:,.0f}",
                    rate >= target_rate,
                )
            )
            p95_ok = p95 <= 25.0 if label == "article page" else None
            rows.append(
                Row(
                    name,
                    f"{label} p50 / p95 (p99)",
                    f"{p50:.2f} / {p95:.2f} ms ({p99:.1f})",
                    "p95 ≤ 25 ms" if p95_ok is not None else "",
                    p95_ok,
                )
            )
            if errors:
                rows.append(Row(name, f"{label} errors", str(errors), "0", False))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return rows


if __name__ == "__main__":
    for row in run(sys.argv[1] if len(sys.argv) > 1 else "quick"):
        print(f"{row.measure:32} {row.value:28} {row.target:14} {row.met}")
