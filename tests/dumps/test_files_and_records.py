"""Input files, JSON Lines, CSV and the bad inputs each must survive."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import orjson

from akhbar.dumps import iter_dump_items
from akhbar.dumps.files import MAX_LINE_BYTES, iter_input_files
from akhbar.errors import DecodeError, InputError, TooLargeError
from akhbar.models import RawArticle

TITLE = "افتتاح معرض الكتاب الدولي في دورته الجديدة"
BODY = "افتتح وزير الثقافة معرض الكتاب بمشاركة ألف دار نشر من ثلاثين دولة عربية وأجنبية."


def _record(n: int, **extra: object) -> bytes:
    return orjson.dumps({"title": f"{TITLE} {n}", "body": BODY, **extra})


def _split(items: list[RawArticle | InputError]) -> tuple[list[RawArticle], list[InputError]]:
    articles = [i for i in items if isinstance(i, RawArticle)]
    return articles, [i for i in items if isinstance(i, InputError)]


def test_jsonl_fields_are_mapped_and_export_keys_ignored(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    line = _record(
        1, id=7, related=[], origin="x", url="https://e.example/1", source="الأهرام",
        published_at="2024-05-12T10:00:00Z", tags="ثقافة، كتب | معارض", author="سارة علي",
        language="ar", image_url="https://e.example/1.jpg",
    )  # fmt: skip
    path.write_bytes(b"\n" + line + b"\n\n" + _record(2, tags=["أدب", "أدب"]) + b"\n")
    first, second = list(iter_dump_items([str(path)]))
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert first.origin.line == 2 and second.origin.line == 4
    assert first.source_name == "الأهرام" and first.published_text == "2024-05-12T10:00:00Z"
    assert first.tags == ["ثقافة", "كتب", "معارض"] and second.tags == ["أدب"]
    assert first.author == "سارة علي" and first.url == "https://e.example/1"
    assert first.encoding == "utf-8"


def test_jsonl_bad_lines_are_errors_with_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    lines = [_record(1), b"[1, 2]", b"{not json", b'{"title": "x"}', b'{"title": "x", "body": 5}',
             orjson.dumps({"title": "x", "body": "y", "tags": [1]}), _record(7)]  # fmt: skip
    path.write_bytes(b"\n".join(lines))
    articles, errors = _split(list(iter_dump_items([str(path)])))
    assert [a.origin.line for a in articles] == [1, 7]
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert "not a JSON object" in str(errors[0]) and "invalid JSON" in str(errors[1])
    assert "missing 'body'" in str(errors[2]) and "'body' must be a string" in str(errors[3])
    assert "tags" in str(errors[4]) and errors[0].path == str(path)


def test_csv_with_multiline_body_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    text = (
        "title,body,tags,source\n"
        f'{TITLE},"{BODY}\n\nفقرة ثانية من الخبر.",ثقافة|كتب،معارض,الأهرام\n'
        f"{TITLE},{BODY}\n"
        f'"",{BODY},,\n'
        f"عنوان آخر,{BODY},أدب,\n"
    )
    path.write_bytes(text.encode("windows-1256"))
    articles, errors = _split(list(iter_dump_items([str(path)])))
    assert [a.origin.line for a in articles] == [2, 7]
    assert (
        articles[0].body.endswith("فقرة ثانية من الخبر.") and articles[0].encoding == "windows-1256"
    )
    assert articles[0].tags == ["ثقافة", "كتب", "معارض"] and articles[0].source_name == "الأهرام"
    assert [(e.line, "missing columns" in e.message) for e in errors] == [(5, True), (6, False)]
    assert "empty 'title'" in errors[1].message


def test_csv_header_without_body_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("title;summary\nعنوان;ملخص\nعنوان;ملخص\n", encoding="utf-8")
    (error,) = list(iter_dump_items([str(path)]))
    assert isinstance(error, InputError) and "no body column" in error.message


def test_empty_and_binary_and_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "empty.txt").write_bytes(b"\n \n")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "photo.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "notes.docx").write_bytes(b"PK")
    # Inside a folder a file of another type is not an input (a README beside the dumps) ...
    items = list(iter_dump_items([str(tmp_path)]))
    assert "notes.docx" not in {Path(i.path or "").name for i in items if isinstance(i, InputError)}
    # ... but named explicitly it is reported.
    items += list(iter_dump_items([str(tmp_path / "notes.docx")]))
    assert all(isinstance(i, InputError) for i in items)
    by_name = {Path(i.path or "").name: i for i in items if isinstance(i, InputError)}
    for name in ("empty.jsonl", "empty.txt", "empty.csv"):
        assert by_name[name].message == "empty file", name
    assert isinstance(by_name["photo.txt"], DecodeError)
    assert "unsupported file type (.docx)" in by_name["notes.docx"].message


def test_missing_path_glob_and_folder_expansion(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b.jsonl", "a.jsonl", "sub/c.jsonl", ".hidden/d.jsonl", ".e.jsonl"):
        (tmp_path / name).write_bytes(_record(1))
    found = list(iter_input_files([str(tmp_path), str(tmp_path / "*.jsonl"), "/nope/x.jsonl",
                                   str(tmp_path / "*.csv")]))  # fmt: skip
    names = [p.name if isinstance(p, Path) else p.path for p in found]
    assert names == ["a.jsonl", "b.jsonl", "c.jsonl", "a.jsonl", "b.jsonl", "/nope/x.jsonl",
                     str(tmp_path / "*.csv")]  # fmt: skip
    errors = [p for p in found if isinstance(p, InputError)]
    assert "no such file" in errors[0].message and "no file matches" in errors[1].message


def test_gzip_is_read_and_truncation_reported_after_good_lines(tmp_path: Path) -> None:
    lines = b"\n".join(_record(n) for n in range(1, 401)) + b"\n"
    whole = gzip.compress(lines)
    (tmp_path / "ok.jsonl.gz").write_bytes(whole)
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    ok = list(iter_dump_items([str(tmp_path / "ok.jsonl.gz")]))
    assert len(ok) == 400 and all(isinstance(i, RawArticle) for i in ok)
    cut = list(iter_dump_items([str(tmp_path / "cut.jsonl.gz")]))
    articles, errors = _split(cut)
    assert len(articles) > 10 and cut[-1] is errors[-1] and len(errors) == 1
    assert [a.origin.line for a in articles] == list(range(1, len(articles) + 1))
    assert "truncated or corrupt gzip" in str(errors[0]) and "cut.jsonl.gz" in str(errors[0])
    assert errors[0].line == len(articles) + 1


def test_fifty_megabyte_line_is_skipped_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    chunk = b"x" * (1024 * 1024)
    with open(path, "wb") as out:
        out.write(_record(1) + b"\n" + b'{"title": "')
        for _ in range(50):
            out.write(chunk)
        out.write(b'"}\n' + _record(3) + b"\n")
    tracemalloc.start()
    items = list(iter_dump_items([str(path)]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 * MAX_LINE_BYTES + 4 * 1024 * 1024
    first, error, third = items
    assert isinstance(first, RawArticle) and isinstance(third, RawArticle)
    assert isinstance(error, TooLargeError) and error.line == 2 and error.path == str(path)
    assert third.origin.line == 3
