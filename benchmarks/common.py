"""What every benchmark returns: rows of one table (benchmark, measure, value, target, met?).

Each benchmark module under benchmarks/ exposes `run(scale: str) -> list[Row]`, where scale is
"quick" (seconds, for a smoke run) or "full" (the sizes the targets name). `benchmarks/run.py`
runs them and prints the table.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path


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


def _stat_fields(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int | None = None) -> tuple[float, float]:
    """(CPU seconds of the process, CPU seconds of its children: live ones and those waited
    for), user + system, from /proc. CPU time is what a loaded machine distorts least: wall
    time on 2 shared cores can double while the work done stays the same."""
    pid = pid or os.getpid()
    tick = os.sysconf("SC_CLK_TCK")
    fields = _stat_fields(pid)
    own = (int(fields[11]) + int(fields[12])) / tick
    children = (int(fields[13]) + int(fields[14])) / tick
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            child = _stat_fields(entry.name)
        except OSError:
            continue  # gone meanwhile
        if int(child[1]) == pid:  # field 4, the parent pid
            children += sum(cpu_seconds(int(entry.name)))
    return own, children
