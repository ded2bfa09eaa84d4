"""Search at scale: build rate, index size, query latency with snippets (1 and 8 clients).

    .venv/bin/python -m benchmarks.run search          # quick: 20k articles
    .venv/bin/python -m benchmarks.run --full search   # 1,000,000 articles (≈ 6 min, and
                                                       # longer the first time: the text
                                                       # store is generated once and kept)

Generated articles (≈ 280 words, 7 paragraphs, words drawn with the real frequencies of the
50,000 commonest Arabic words: benchmarks/generate.py, vocabulary "wordfreq") are analysed by
the same code as the real path (akhbar.search.analysis) in worker processes and indexed by the
same engine; the original text
goes to an on-disk SQLite table, from which every query loads its page of hits and cuts the
snippets, as `akhbar.search.search` does on the real store (it is the function timed here).
Before timing queries the process does what the reader does at start-up (`like_the_reader`:
search's tables loaded, then frozen out of the garbage collector's full collections).
Targets at 1M on 2 cores: build ≥ 3,000 articles/s, p95 ≤ 25 ms and p99 ≤ 60 ms with
snippets, index ≤ 3× the raw text.
"""

from __future__ import annotations

import gc
import multiprocessing
import random
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from akhbar.arabic import stem
from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword
from akhbar.search import analysis, prepare_search, search, snippets
from akhbar.search.analysis import IndexDoc, analyze_document, prepare_analysis
from akhbar.search.engine import SearchEngine, open_index
from akhbar.store.search_outbox import SearchRow
from benchmarks.common import Row, peak_rss_mib
from benchmarks.generate import NAMES, ArticleGenerator, Vocabulary

WORK = Path(__file__).parent / "work"
SIZES = {"quick": 20_000, "full": 1_000_000}
CHUNK = 250
WORKERS = 2
CLIENTS = 8
QUERIES_PER_KIND = 40
#: Real word frequencies (benchmarks.generate): the stems' spread decides how long the posting
#: lists a query walks are; the "written" vocabulary puts every stem in ~40 % of the articles.
VOCABULARY: Vocabulary = "wordfreq"
NAME = "search (tantivy)"


# --- building ----------------------------------------------------------------------------------


def _generate_chunk(start: int) -> list[tuple[int, str, str, str, str, str, str]]:
    """Articles [start, start + CHUNK) as text-table rows."""
    gen = ArticleGenerator(1 + start, vocabulary=VOCABULARY)
    rows = []
    for i in range(start, start + CHUNK):
        a = gen.article(i)
        tags = "\n".join(a["tags"])
        rows.append((i + 1, a["title"], a["body"], a["url"], a["source"], a["published_at"], tags))
    return rows


def generate(n: int, db: Path) -> None:
    """The on-disk text store of n generated articles (kept between runs: not timed)."""
    if db.exists():
        with sqlite3.connect(db) as con:
            if con.execute("SELECT count(*) FROM articles").fetchone()[0] == n:
                return
        db.unlink()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT,"
        " url TEXT, source TEXT, published_at TEXT, tags TEXT)"
    )
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        for rows in pool.imap(_generate_chunk, range(0, n, CHUNK)):
            con.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()


def _analyze_chunk(rows: list[tuple[Any, ...]]) -> list[IndexDoc]:
    return [
        analyze_document(
            r[0],
            r[1],
            r[2],
            source=r[4],
            tags=r[6].split("\n"),
            published_at=datetime.fromisoformat(r[5]),
        )
        for r in rows
    ]


def _read_chunks(db: Path) -> Iterator[list[tuple[Any, ...]]]:
    con = sqlite3.connect(db)
    last = 0
    while rows := con.execute(
        "SELECT id, title, body, url, source, published_at, tags FROM articles WHERE id > ?"
        " ORDER BY id LIMIT ?",
        (last, CHUNK),
    ).fetchall():
        yield rows
        last = rows[-1][0]
    con.close()


def build(db: Path) -> tuple[SearchEngine, float, int]:
    """Index the text store from scratch, as a rebuild does: read rows, analyse them in worker
    processes, add them to tantivy, commit and wait for merges; (engine, seconds, raw bytes)."""
    shutil.rmtree(Path(f"{db}.tantivy"), ignore_errors=True)
    engine = open_index(str(db), heap_bytes=400_000_000, threads=2)
    raw_bytes = 0
    started = time.perf_counter()

    def counted() -> Iterator[list[tuple[Any, ...]]]:
        nonlocal raw_bytes
        for rows in _read_chunks(db):
            raw_bytes += sum(len(r[1].encode()) + len(r[2].encode()) for r in rows)
            yield rows

    prepare_analysis()  # before forking: the workers inherit it
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        for docs in pool.imap(_analyze_chunk, counted()):
            engine.add(docs, replace=False)
    engine.commit()
    engine.close()  # waits for the merges: part of the build
    seconds = time.perf_counter() - started
    return open_index(str(db)), seconds, raw_bytes


# --- the store side of a query -----------------------------------------------------------------


class TextStore:
    """The two reads `search` needs, over the benchmark's text table (one per thread)."""

    def __init__(self, db: Path) -> None:
        self.db = sqlite3.connect(db, check_same_thread=False)

    def search_rows(self, ids: Sequence[int], *, with_tags: bool = False) -> list[SearchRow]:
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            "SELECT id, title, body, url, source, published_at FROM articles"
            f" WHERE id IN ({marks})",
            list(ids),
        ).fetchall()
        return [SearchRow(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5])) for r in rows]

    def tag_alias_keys(self, key: str) -> list[str]:
        return [key] if key in _TAG_KEYS else []


_TAG_KEYS = frozenset(n for n in NAMES)


# --- queries -----------------------------------------------------------------------------------


def make_queries(seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query): common and rare words, AND, phrases, OR, filters.

    Words by frequency rank among the vocabulary's non-stopwords, as the anchors chose them on
    real text: common 10-300, mid 300-5,000 (AND, OR, filters), rare 20,000-50,000.
    """
    rng = random.Random(seed)
    gen = ArticleGenerator(1, vocabulary=VOCABULARY)
    vocab = [w for w in gen.vocab if not is_stopword(normalize_for_match(w))]
    common, mid, rare = vocab[10:300], vocab[300:5000], vocab[20000:50000]
    sample = [gen.article(i)["body"].split() for i in range(200)]
    out: list[tuple[str, str]] = []
    for _ in range(QUERIES_PER_KIND):
        words = rng.choice(sample)
        at = rng.randrange(len(words) - 1)
        out += [
            ("common", rng.choice(common)),
            ("rare", rng.choice(rare)),
            ("and2", f"{rng.choice(mid)} {rng.choice(mid)}"),
            ("phrase", '"{} {}"'.format(*(w.strip("،.؛") for w in words[at : at + 2]))),
            ("or2", f"{rng.choice(mid)} OR {rng.choice(mid)}"),
            (
                "filter",
                f'{rng.choice(mid)} source:"{rng.choice(ArticleGenerator.OUTLETS)}"'
                f" from:2023-03-01 to:2024-06-30",
            ),
        ]
    return out


def time_queries(
    engine: SearchEngine, db: Path, queries: list[tuple[str, str]]
) -> dict[str, list[float]]:
    store = TextStore(db)
    by_kind: dict[str, list[float]] = {}
    for kind, query in queries:
        started = time.perf_counter()
        search(store, engine, query, limit=20)
        by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return by_kind


def time_concurrent(
    engine: SearchEngine, db: Path, queries: list[tuple[str, str]], clients: int
) -> tuple[list[float], float]:
    """Latencies (ms) of every query run by `clients` threads at once, and queries/s."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        store = TextStore(db)
        mine = queries[offset:] + queries[:offset]
        for _, query in mine:
            started = time.perf_counter()
            search(store, engine, query, limit=20)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, len(latencies) / (time.perf_counter() - started)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def forget_queries(db: Path) -> SearchEngine:
    """Empty the caches of this process that the queries timed so far filled (word and chunk
    analyses, offsets, stems) and reopen the index: the second timing starts where the first
    did, but for the OS page cache."""
    analysis._chunks.clear()
    snippets._chunk_offsets.clear()
    stem._cache.clear()
    for cached in (analysis.query_word_stem, analysis.clitic_forms, analysis.name_key):
        cached.cache_clear()
    prepare_analysis()
    return open_index(str(db))


def like_the_reader() -> None:
    """What the reader does at start-up before its first query (akhbar/web/app.py): load what
    search needs, then freeze what is loaded, so that the garbage collector's full collections
    do not walk it (here that also covers the benchmark's own vocabulary and query sample,
    which a server does not hold)."""
    gc.unfreeze()
    prepare_search()
    gc.freeze()


def read_through(paths: Sequence[Path]) -> None:
    """Read each file once, so that the OS page cache holds it."""
    for path in paths:
        if path.is_file():
            with path.open("rb") as f:
                while f.read(1 << 24):
                    pass


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- the benchmark -----------------------------------------------------------------------------


def run(scale: str) -> list[Row]:
    n = SIZES["full" if scale == "full" else "quick"]
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"search-{scale}-{VOCABULARY}.db"
    generate(n, db)
    engine, seconds, raw_bytes = build(db)
    index_bytes = _dir_bytes(Path(f"{db}.tantivy"))
    queries = make_queries()
    like_the_reader()
    time_queries(engine, db, queries[:30])  # warm the caches
    after_build = time_queries(engine, db, queries)
    cold = [ms for values in after_build.values() for ms in values]
    # A server that has been answering for a while has its index and text in the OS page
    # cache; right after the build they are partly out of it (this VM keeps the cache small),
    # which the first figure includes. Both are reported.
    read_through([db, *Path(f"{db}.tantivy").iterdir()])
    engine = forget_queries(db)
    like_the_reader()
    time_queries(engine, db, queries[:30])
    by_kind = time_queries(engine, db, queries)
    single = [ms for values in by_kind.values() for ms in values]
    many, qps = time_concurrent(engine, db, queries, CLIENTS)
    rate, ratio = n / seconds, index_bytes / raw_bytes
    p95, p99 = _pct(single, 95), _pct(single, 99)
    rows = [
        Row(
            NAME,
            f"build {n:,} articles (read + analyse + index + merge)",
            f"{seconds:.1f} s, {rate:,.0f} articles/s",
            "≥ 3,000 articles/s",
            rate >= 3000,
        ),
        Row(
            NAME,
            "index size / raw text",
            f"{index_bytes / 2**20:,.0f} MiB / {raw_bytes / 2**20:,.0f} MiB = {ratio:.2f}×",
            "≤ 3×",
            ratio <= 3,
        ),
        Row(
            NAME,
            "query p50 / p95 / p99, 1 client, with snippets, right after the build",
            f"{_pct(cold, 50):.1f} / {_pct(cold, 95):.1f} / {_pct(cold, 99):.1f} ms",
            "p95 ≤ 25, p99 ≤ 60 ms",
            _pct(cold, 95) <= 25 and _pct(cold, 99) <= 60,
        ),
        Row(
            NAME,
            "query p50 / p95 / p99, 1 client, with snippets, files in the OS page cache",
            f"{_pct(single, 50):.1f} / {p95:.1f} / {p99:.1f} ms",
            "p95 ≤ 25, p99 ≤ 60 ms",
            p95 <= 25 and p99 <= 60,
        ),
        Row(
            NAME,
            f"query p50 / p95 / p99, {CLIENTS} clients, files in the OS page cache",
            f"{_pct(many, 50):.1f} / {_pct(many, 95):.1f} / {_pct(many, 99):.1f} ms,"
            f" {qps:,.0f} queries/s",
        ),
    ]
    rows += [
        Row(NAME, f"  {kind} (page cache): p50 / p95", f"{_pct(v, 50):.1f} / {_pct(v, 95):.1f} ms")
        for kind, v in by_kind.items()
    ]
    rows.append(Row(NAME, "peak RSS", f"{peak_rss_mib():,.0f} MiB"))
    return rows


def _rows_text(rows: list[Row]) -> Iterator[str]:
    for r in rows:
        yield f"{r.measure}: {r.value}" + (f"  (target {r.target})" if r.target else "")


def main(argv: list[str] | None = None) -> None:
    import sys

    scale = (argv if argv is not None else sys.argv[1:] or ["quick"])[0]
    for line in _rows_text(run(scale)):
        print(line, flush=True)


if __name__ == "__main__":
    main()


__all__: list[Any] = ["make_queries", "run"]
