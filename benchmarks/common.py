"""What every benchmark returns: rows of one table (benchmark, measure, value, target, met?).

Each benchmark module under benchmarks/ exposes `run(scale: str) -> list[Row]`, where scale is
"quick" (seconds, for a smoke run) or "full" (the sizes the targets name). `benchmarks/run.py`
runs them and prints the table.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    benchmark: str
    measure: str
    value: str
    target: str = ""
    met: bool | None = None


def peak_rss_mib() -> float:
    """Peak resident set size of this process (and reaped children) so far, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024.0
