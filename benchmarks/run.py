"""Run akhbar's benchmarks and print one table.

.venv/bin/python -m benchmarks.run            # quick sizes, a smoke run (about a minute)
.venv/bin/python -m benchmarks.run --full     # the sizes the targets name (long)
.venv/bin/python -m benchmarks.run import     # only the named benchmarks
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Row

BENCHMARKS = {
    "text": "benchmarks.bench_text",
    "dates": "benchmarks.bench_dates",
    "import": "benchmarks.bench_import",
    "extract": "benchmarks.bench_extract",
    "poll": "benchmarks.bench_poll",
    "search": "benchmarks.bench_search",
    "tags": "benchmarks.bench_tags",
    "intel": "benchmarks.bench_intel",
    "web": "benchmarks.bench_web",
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def render(rows: list[Row]) -> str:
    header = ("benchmark", "measure", "value", "target", "met")
    table = [header] + [
        (
            r.benchmark,
            r.measure,
            r.value,
            r.target,
            "" if r.met is None else ("yes" if r.met else "NO"),
        )
        for r in rows
    ]
    lines = ["| " + " | ".join(cells) + " |" for cells in table]
    lines.insert(1, "|" + "---|" * len(header))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--full", action="store_true", help="full sizes (as the targets name)")
    parser.add_argument(
        "--write", action="store_true", help="also record the table in benchmarks/RESULTS.md"
    )
    args = parser.parse_args(argv)
    scale = "full" if args.full else "quick"
    names = args.names or list(BENCHMARKS)
    rows: list[Row] = []
    for name in names:
        if name not in BENCHMARKS:
            parser.error(f"unknown benchmark {name!r}")
        start = time.perf_counter()
        module = importlib.import_module(BENCHMARKS[name])
        rows.extend(module.run(scale))
        print(f"# {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    header = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()} · scale {scale}"
    print(f"{header}\n")
    print(render(rows))
    if args.write:
        record(header, names, render(rows))
    return 0


RESULTS = Path(__file__).parent / "RESULTS.md"


def record(header: str, names: list[str], table: str) -> None:
    """Replace (or add) the section for these benchmarks in RESULTS.md."""
    title = f"## {', '.join(names)}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    sections = text.split("\n## ")
    kept = [sections[0]] + [s for s in sections[1:] if not s.startswith(title[3:] + "\n")]
    body = "\n## ".join(kept).rstrip()
    RESULTS.write_text(f"{body}\n\n{title}\n\n{header}\n\n{table}\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
