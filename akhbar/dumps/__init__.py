"""Reading dumps of already-scraped articles (page dumps, JSON Lines, CSV) into RawArticles.

`iter_dump_items` is the one entry point: it expands paths, picks the reader by extension
(after stripping .gz) and streams RawArticle records. Problems are *yielded* as InputError
values, never raised, so the caller logs each one with its file and line and goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from pathlib import Path

from akhbar.decode import decode_bytes
from akhbar.dumps.csvfile import iter_csv
from akhbar.dumps.files import iter_input_files, read_page_bytes, strip_gz
from akhbar.dumps.jsonl import iter_jsonl
from akhbar.dumps.pagedump import parse_page_dump
from akhbar.dumps.tagline import split_tag_line
from akhbar.errors import FormatError, InputError
from akhbar.models import RawArticle

__all__ = ["PAGE_SUFFIXES", "iter_dump_items", "parse_page_dump", "split_tag_line"]

PAGE_SUFFIXES = (".txt", ".text", ".page")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv",)

Reader = Callable[[Path, Container[str]], Iterator[RawArticle | InputError]]


def _iter_page(path: Path, vocabulary: Container[str]) -> Iterator[RawArticle | InputError]:
    data = read_page_bytes(path)
    if isinstance(data, InputError):
        yield data
        return
    if not data.strip():
        yield FormatError("empty file", path=str(path))
        return
    try:
        text, encoding = decode_bytes(data, path=str(path))
        article = parse_page_dump(text, path=str(path), vocabulary=vocabulary)
    except InputError as exc:
        yield exc
        return
    article.encoding = encoding
    for appended in article.appended:
        appended.encoding = encoding
    yield article


def _reader_for(path: Path) -> Reader | None:
    name = strip_gz(path)
    if name.endswith(PAGE_SUFFIXES):
        return _iter_page
    if name.endswith(JSONL_SUFFIXES):
        return lambda p, _vocabulary: iter_jsonl(p)
    if name.endswith(CSV_SUFFIXES):
        return lambda p, _vocabulary: iter_csv(p)
    return None


def iter_dump_items(
    paths: Sequence[str], *, vocabulary: Container[str] = frozenset()
) -> Iterator[RawArticle | InputError]:
    """Stream every article of every dump under `paths` (files, folders, globs).

    `vocabulary` holds known tags (normalize_for_match'ed) that help split page tag lines.
    """
    for item in iter_input_files(paths, accept=lambda path: _reader_for(path) is not None):
        if isinstance(item, InputError):
            yield item
            continue
        reader = _reader_for(item)
        if reader is None:
            suffix = "".join(item.suffixes) or "no extension"
            supported = ", ".join((*PAGE_SUFFIXES, *JSONL_SUFFIXES, *CSV_SUFFIXES))
            message = f"unsupported file type ({suffix}); expected {supported}, optionally .gz"
            yield InputError(message, path=str(item))
            continue
        yield from reader(item, vocabulary)
