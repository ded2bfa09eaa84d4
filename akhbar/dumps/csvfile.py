"""CSV dumps: a header row naming the columns (as `akhbar export --format csv` writes them),
then one article per record. Records may span lines (quoted bodies with paragraphs).

The encoding is chosen once on the first 64 KiB (`iter_text_lines`), so a windows-1256 CSV
saved by Excel reads as well as a UTF-8 one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from akhbar.dumps.files import MAX_LINE_BYTES, iter_text_lines
from akhbar.dumps.jsonl import article_from_record
from akhbar.errors import FormatError, InputError
from akhbar.models import RawArticle

__all__ = ["iter_csv"]

_REQUIRED = ("title", "body")
_DELIMITERS = (",", ";", "\t")


@dataclass(slots=True)
class _Feed:
    """Feeds decoded lines to csv.reader and remembers where each record started.

    Read errors cannot travel through csv.reader, so they wait in `errors` until the
    record being read is finished.
    """

    path: Path
    first_line: int | None = None
    last_line: int = 0
    encoding: str = "utf-8"
    errors: list[InputError] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        for item in iter_text_lines(self.path):
            if isinstance(item, InputError):
                self.errors.append(item)
                continue
            if self.first_line is None:
                self.first_line = item.number
            self.last_line = item.number
            self.encoding = item.encoding
            yield item.text + "\n"

    def start_record(self) -> None:
        self.first_line = None


def _delimiter(header_line: str) -> str:
    # Excel in Arabic locales writes ';' or tabs; the header tells which one this file uses.
    return max(_DELIMITERS, key=header_line.count)


def _read_header(lines: Iterator[str]) -> tuple[list[str], str] | None:
    """(lower-cased column names, delimiter) from the first non-blank line, or None."""
    for line in lines:
        if line.strip():
            delimiter = _delimiter(line)
            header = next(csv.reader([line], delimiter=delimiter))
            return [name.strip().lstrip("\ufeff").lower() for name in header], delimiter
    return None


def _row_to_article(
    row: list[str], columns: list[str], feed: _Feed, line: int
) -> RawArticle | InputError:
    path = str(feed.path)
    if len(row) != len(columns):
        what = "missing columns" if len(row) < len(columns) else "too many columns"
        return FormatError(
            f"{what}: {len(row)} fields, the header has {len(columns)}", path=path, line=line
        )
    record = dict(zip(columns, row, strict=True))
    return article_from_record(record, path=path, line=line, encoding=feed.encoding)


def iter_csv(path: Path) -> Iterator[RawArticle | InputError]:
    """Stream a CSV file with a header: one RawArticle or InputError per record."""
    # Bodies are long; the default 128 KiB field limit would reject real articles.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
    feed = _Feed(path)
    lines = feed.lines()
    header = _read_header(lines)
    yield from feed.errors
    feed.errors.clear()
    if header is None:
        yield FormatError("empty file", path=str(path))
        return
    columns, delimiter = header
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        names = ", ".join(missing)
        yield FormatError(f"the header has no {names} column", path=str(path), line=feed.last_line)
        return
    # The reader goes on with the same line iterator, just after the header.
    yield from _iter_records(csv.reader(lines, delimiter=delimiter), columns, feed)


def _iter_records(
    reader: Iterator[list[str]], columns: list[str], feed: _Feed
) -> Iterator[RawArticle | InputError]:
    while True:
        feed.start_record()
        try:
            row = next(reader, None)
        except csv.Error as exc:
            yield from feed.errors
            yield FormatError(f"malformed CSV: {exc}", path=str(feed.path), line=feed.last_line)
            return
        yield from feed.errors
        feed.errors.clear()
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue  # a blank line between records
        yield _row_to_article(row, columns, feed, feed.first_line or feed.last_line)
