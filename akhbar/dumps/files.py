"""Finding input files and reading them as bounded lines, gzip or not.

Everything here *yields* problems as `InputError` values instead of raising them: one bad file,
or one bad line, must not stop an import of a hundred thousand articles. Memory stays bounded
by `MAX_LINE_BYTES` whatever the input (a 50 MB line is skipped while it is read, never held).
"""

from __future__ import annotations

import glob
import gzip
import io
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, NamedTuple, cast

from akhbar.decode import decode_bytes, repair_mojibake
from akhbar.errors import DecodeError, FormatError, InputError, TooLargeError

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_PAGE_BYTES",
    "Line",
    "iter_input_files",
    "iter_raw_lines",
    "iter_text_lines",
    "open_binary",
    "read_page_bytes",
    "strip_gz",
]

MAX_LINE_BYTES = 8 * 1024 * 1024
#: A page dump is one article; anything bigger is not a page.
MAX_PAGE_BYTES = 8 * 1024 * 1024
# How much of a file decides its encoding (then every line is decoded the same way).
_SNIFF_BYTES = 64 * 1024
_SKIP_CHUNK = 1024 * 1024
_GLOB_CHARS = frozenset("*?[")
# What a damaged gzip stream raises: truncated (EOFError), bad header, bad deflate data.
_GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def strip_gz(path: Path | str) -> str:
    """The file name without a trailing .gz, lower-cased (for dispatch by extension)."""
    name = Path(path).name.lower()
    return name[:-3] if name.endswith(".gz") else name


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _expand_folder(root: Path, accept: Callable[[Path], bool]) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not _is_hidden(path, root) and accept(path):
            yield path


def iter_input_files(
    paths: Sequence[str], *, accept: Callable[[Path], bool] = lambda _path: True
) -> Iterator[Path | InputError]:
    """Expand files, folders (recursive, sorted, hidden files skipped) and globs, in order.

    Inside a folder only files that `accept` takes are listed (a README beside the dumps is
    not an input); a file named explicitly is always listed, so an unsupported one is reported.
    A path that matches nothing yields an InputError naming it; the others go on.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _expand_folder(path, accept)
        elif path.is_file():
            yield path
        elif _GLOB_CHARS & set(raw):
            # glob.glob, not Path.glob: the pattern may be absolute (/data/*.jsonl).
            matches = sorted(glob.glob(raw, recursive=True))  # noqa: PTH207
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                yield InputError("no file matches this pattern", path=raw)
            yield from files
        else:
            yield InputError("no such file or directory", path=raw)


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes; `.gz` files are decompressed on the fly."""
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def _damaged_gzip(path: Path, line: int, exc: BaseException) -> FormatError:
    return FormatError(
        f"truncated or corrupt gzip data ({exc}); lines before this one were read",
        path=str(path),
        line=line,
    )


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    """Read past the end of an over-long line in bounded chunks."""
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def iter_raw_lines(
    path: Path, *, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes] | InputError]:
    """Yield (line number, bytes without the line break) or an InputError, streaming.

    An over-long line yields TooLargeError and reading goes on with the next line; a damaged
    gzip stream yields one error at the line reached, after the good lines.
    """
    number = 0
    try:
        with open_binary(path) as stream:
            while True:
                number += 1
                data = stream.readline(max_line_bytes + 1)
                if not data:
                    return
                if len(data) > max_line_bytes and not data.endswith(b"\n"):
                    _skip_rest_of_line(stream)
                    limit = f"{max_line_bytes // (1024 * 1024)} MiB"
                    yield TooLargeError(
                        f"line longer than {limit}; skipped", path=str(path), line=number
                    )
                    continue
                yield number, data.rstrip(b"\r\n")
    except _GZIP_ERRORS as exc:
        yield _damaged_gzip(path, number, exc)
    except OSError as exc:
        yield InputError(f"cannot read: {exc.strerror or exc}", path=str(path))


def _first_bytes(path: Path) -> bytes | InputError:
    try:
        with open_binary(path) as stream:
            return stream.read(4)
    except _GZIP_ERRORS as exc:
        return _damaged_gzip(path, 1, exc)
    except OSError as exc:
        return InputError(f"cannot read: {exc.strerror or exc}", path=str(path))


class Line(NamedTuple):
    """One decoded line: its number (from 1), its text without the line break, its encoding."""

    number: int
    text: str
    encoding: str


def _iter_wide_lines(path: Path, encoding: str) -> Iterator[Line | InputError]:
    """UTF-16/32 lines: a byte split on b'\\n' would cut characters in half, so decode first."""
    limit = max_chars = MAX_LINE_BYTES // 2
    number = 0
    try:
        with open_binary(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
            while True:
                number += 1
                line = text.readline(max_chars + 1)
                if not line:
                    return
                if len(line) > limit and not line.endswith("\n"):
                    while (rest := text.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
                        pass
                    yield TooLargeError("line too long; skipped", path=str(path), line=number)
                    continue
                yield Line(number, line.rstrip("\r\n"), encoding)
    except _GZIP_ERRORS as exc:
        yield _damaged_gzip(path, number, exc)
    except UnicodeDecodeError as exc:
        yield DecodeError(f"invalid {encoding}: {exc.reason}", path=str(path), line=number)


def _wide_encoding(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 2 and b"\x00" in head:
        # No BOM: the NUL sits after the ASCII byte (LE) or before it (BE).
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    return None


def _sniff(held: list[tuple[int, bytes] | InputError], path: Path) -> str | DecodeError:
    sample = b"\n".join(item[1] for item in held if not isinstance(item, InputError))
    if not sample:
        return "utf-8"  # only errors or blank lines so far: nothing to decode
    try:
        return decode_bytes(sample, path=str(path))[1]
    except DecodeError as exc:
        return exc


def _decode_line(data: bytes, encoding: str, path: Path, number: int) -> Line | InputError:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        # One line in another encoding (files concatenated from several exports): decide anew.
        try:
            text, line_encoding = decode_bytes(data, path=str(path))
        except DecodeError as exc:
            exc.line = number
            return exc
        return Line(number, text, line_encoding)
    return Line(number, repair_mojibake(text), encoding)


def _replay(
    held: list[tuple[int, bytes] | InputError], encoding: str, path: Path
) -> Iterator[Line | InputError]:
    for item in held:
        yield (
            item if isinstance(item, InputError) else _decode_line(item[1], encoding, path, item[0])
        )


def iter_text_lines(path: Path) -> Iterator[Line | InputError]:
    """Yield (line number, text) or InputError, in file order.

    The encoding is chosen once, on the first 64 KiB of lines, then used for every line.
    """
    head = _first_bytes(path)
    if isinstance(head, InputError):
        yield head
        return
    wide = _wide_encoding(head)
    if wide is not None:
        yield from _iter_wide_lines(path, wide)
        return
    # Lines (and errors, to keep the order) are held back until the encoding is known.
    held: list[tuple[int, bytes] | InputError] = []
    size = 0
    encoding = ""
    for item in iter_raw_lines(path):
        if encoding:
            yield (
                item
                if isinstance(item, InputError)
                else _decode_line(item[1], encoding, path, item[0])
            )
            continue
        held.append(item)
        size += 0 if isinstance(item, InputError) else len(item[1])
        if size >= _SNIFF_BYTES:
            chosen = _sniff(held, path)
            if isinstance(chosen, DecodeError):
                yield chosen
                return
            encoding = chosen
            yield from _replay(held, encoding, path)
    if not encoding and held:
        chosen = _sniff(held, path)
        if isinstance(chosen, DecodeError):
            yield chosen
            return
        yield from _replay(held, chosen, path)


def read_page_bytes(path: Path) -> bytes | InputError:
    """The whole file (a page dump), at most MAX_PAGE_BYTES."""
    try:
        with open_binary(path) as stream:
            data = stream.read(MAX_PAGE_BYTES + 1)
    except _GZIP_ERRORS as exc:
        return _damaged_gzip(path, 1, exc)
    except OSError as exc:
        return InputError(f"cannot read: {exc.strerror or exc}", path=str(path))
    if len(data) > MAX_PAGE_BYTES:
        return TooLargeError(
            f"page larger than {MAX_PAGE_BYTES // (1024 * 1024)} MiB", path=str(path)
        )
    return data
