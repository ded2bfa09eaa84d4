"""The web reader under load: uvicorn (one worker) in a child process, wrk -t1 -c16 -d10s.

Targets (issue "The reader"): article page ≥ 1,000 requests/s with p95 ≤ 25 ms, home page
≥ 500 requests/s. The store is built through the pipeline's Ingestor (N generated articles:
5k quick, 100k full), through the same steps as an import (tags, duplicates, stories, "read
also"), and the article page is requested with random ids (a wrk Lua script).
"""

from __future__ import annotations

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


def parse_wrk(text: str) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, non-2xx + socket errors) from `wrk --latency` output."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.MULTILINE)
        if m is None:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return float(m.group(1)) * scale

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    # wrk prints 50/75/90/99; p95 is interpolated between 90 and 99 (wrk has no 95 line).
    p90, p99 = pct("90"), pct("99")
    return rate, pct("50"), p90 + (p99 - p90) * (5 / 9), errors


def run_wrk(url: str, script: Path | None, seconds: int) -> tuple[float, float, float, int]:
    cmd = ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def run(scale: str) -> list[Row]:
    name = "web (1 uvicorn worker, wrk -c16)"
    if shutil.which("wrk") is None:
        return [Row(name, "skipped", "wrk is not installed (apt-get install wrk)")]
    n = SIZES["full" if scale == "full" else "quick"]
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"web-{scale}.db"
    start = time.perf_counter()
    build_store(db, n)
    rows = [Row(name, "store", f"{n:,} articles (built in {time.perf_counter() - start:,.0f} s)")]
    script = WORK / "random_article.lua"
    script.write_text(RANDOM_ID_LUA.replace("{n}", str(n)), encoding="utf-8")
    port = free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for label, url, lua, target_rate in (
            ("article page", f"{base}/", script, 1000.0),
            ("home page", f"{base}/", None, 500.0),
            ("API article detail", f"{base}/api/v1/articles/1", None, 1000.0),
        ):
            if label == "API article detail":
                api_script = WORK / "random_api.lua"
                api_script.write_text(
                    RANDOM_ID_LUA.replace("/articles/", "/api/v1/articles/").replace("{n}", str(n)),
                    encoding="utf-8",
                )
                lua = api_script
            run_wrk(url, lua, 2)  # warm up
            rate, p50, p95, errors = run_wrk(url, lua, 10)
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
                    f"{label} p50 / p95",
                    f"{p50:.2f} / {p95:.2f} ms",
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
