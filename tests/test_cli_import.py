"""The dump-import commands end to end: import, export, show, stats, exit codes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import orjson
from click.testing import CliRunner

from akhbar.cli import cli
from tests.conftest import DATA

SEED_LIKE = DATA / "pages" / "seed_like.txt"


def _export(runner: CliRunner, db: str) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["--db", db, "export", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_seed_like_page_gives_one_clean_article_and_one_appended(
    runner: CliRunner, db_path: str
) -> None:
    result = runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    assert result.exit_code == 0, result.output
    assert "imported 1, duplicate 0, failed 0 (appended articles: 1)" in result.output
    page, appended = _export(runner, db_path)
    assert (
        page["title"] == "ماكرون: المحادثات بين فرنسا والجزائر تفتح صفحة جديدة في التعاون الاقتصادي"
    )
    assert page["published_at"] == "2024-03-05T00:00:00Z"
    assert page["source"] == "الشروق"
    # The tag line's four tags, ماكرون as its canonical entity name (the spelling kept as an
    # alias); the tagger may add tags the text is about, never a weekday or a month word.
    tags = [str(t) for t in page["tags"]]  # type: ignore[attr-defined]
    assert tags[:4] == ["فرنسا", "الجزائر", "إيمانويل ماكرون", "عبد المجيد تبون"]
    assert not {"الثلاثاء", "الأسبوع", "اليوم"} & set(tags)
    body = str(page["body"])
    for leaked in ("المصدر", "كلمات دلالية", "إقرأ أيضاً", "المفوضية الأوروبية", "تاريخ النشر"):
        assert leaked not in body
    assert body.count("\n\n") == 5  # six paragraphs kept
    assert appended["title"] == "المفوضية الأوروبية: نتابع باهتمام مشاريع الطاقة في شمال أفريقيا"
    assert appended["published_at"] is None
    assert page["related"] == [
        {"id": appended["id"], "kind": "appended-to", "title": appended["title"]}
    ]


def test_persian_spelling_of_a_tag_is_kept_as_an_alias(runner: CliRunner, db_path: str) -> None:
    runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    from akhbar.store import open_store

    with open_store(db_path) as store:
        tag = store.tag_info("ماكرون")
    assert tag.display == "إيمانويل ماكرون"
    assert {"ماکرون", "ماكرون"} <= set(tag.aliases)


def test_importing_twice_adds_nothing(runner: CliRunner, db_path: str) -> None:
    first = runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    # The new articles' read-also lists wait for their full ranking, and the user is told so.
    assert "lists queued for ranking" in first.output and "akhbar relate" in first.output
    before = _export(runner, db_path)  # export ranked them first
    result = runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    assert result.exit_code == 0
    assert "imported 0, duplicate 1, failed 0" in result.output
    assert "queued for ranking" not in result.output  # nothing new, nothing queued
    assert _export(runner, db_path) == before


def test_bad_items_are_named_and_the_rest_is_imported(
    runner: CliRunner, db_path: str, tmp_path: Path
) -> None:
    good = {"title": "خبر سليم", "body": "نص خبر سليم تماما.", "source": "عكاظ"}
    lines = [
        json.dumps(good, ensure_ascii=False),
        "[1, 2, 3]",
        "{not json",
        json.dumps({**good, "title": "خبر ثان", "body": "نص ثان."}, ensure_ascii=False),
    ]
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 40)
    gz = tmp_path / "cut.jsonl.gz"
    gz.write_bytes(gzip.compress((json.dumps(good, ensure_ascii=False) + "\n").encode() * 50)[:-30])
    result = runner.invoke(
        cli,
        [
            "--db",
            db_path,
            "import",
            "-q",
            str(jsonl),
            str(tmp_path / "empty.txt"),
            str(tmp_path / "blob.txt"),
            str(gz),
        ],
    )
    assert result.exit_code == 1
    assert f"{jsonl}:2" in result.output and f"{jsonl}:3" in result.output
    assert (
        "empty.txt" in result.output
        and "blob.txt" in result.output
        and "cut.jsonl.gz" in result.output
    )
    titles = sorted(str(a["title"]) for a in _export(runner, db_path))
    assert titles == ["خبر ثان", "خبر سليم"]


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["import"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--format", "xml"]).exit_code == 2


def test_show_json_has_the_export_keys(runner: CliRunner, db_path: str) -> None:
    runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    result = runner.invoke(cli, ["--db", db_path, "show", "1", "--json"])
    assert result.exit_code == 0
    data = orjson.loads(result.output)
    assert {
        "id",
        "url",
        "title",
        "body",
        "published_at",
        "source",
        "tags",
        "language",
        "related",
        "origin",
    } <= set(data)
    assert data["origin"].endswith("seed_like.txt:1")
    missing = runner.invoke(cli, ["--db", db_path, "show", "999"])
    assert missing.exit_code == 1 and "no article with id 999" in missing.output


def test_show_prints_original_text_for_readers(runner: CliRunner, db_path: str) -> None:
    runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    result = runner.invoke(cli, ["--db", db_path, "show", "1"])
    assert "الرئيس الجزائرى" in result.output  # as published, not normalised
    assert "كلمات دلالية: فرنسا · الجزائر · إيمانويل ماكرون · عبد المجيد تبون" in result.output


def test_export_csv_and_filters(runner: CliRunner, db_path: str, tmp_path: Path) -> None:
    rows = [
        {"title": "أ", "body": "نص أ.", "source": "عكاظ", "published_at": "2024-01-02T10:00:00Z"},
        {"title": "ب", "body": "نص ب.", "source": "الخليج", "published_at": "2024-02-02T10:00:00Z"},
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    runner.invoke(cli, ["--db", db_path, "import", "-q", str(path)])
    since = runner.invoke(cli, ["--db", db_path, "export", "--since", "2024-02-01"])
    assert [orjson.loads(x)["title"] for x in since.stdout.splitlines()] == ["ب"]
    by_source = runner.invoke(cli, ["--db", db_path, "export", "--source", "عكاظ"])
    assert [orjson.loads(x)["title"] for x in by_source.stdout.splitlines()] == ["أ"]
    csv_out = runner.invoke(cli, ["--db", db_path, "export", "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("id,url,canonical_url,title,body")
    bad = runner.invoke(cli, ["--db", db_path, "export", "--since", "قريبا"])
    assert bad.exit_code == 2


def test_export_round_trips_through_import(runner: CliRunner, db_path: str, tmp_path: Path) -> None:
    runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    dump = tmp_path / "export.jsonl"
    dump.write_text(runner.invoke(cli, ["--db", db_path, "export"]).stdout, encoding="utf-8")
    other = str(tmp_path / "other.db")
    result = runner.invoke(cli, ["--db", other, "import", "-q", str(dump)])
    assert result.exit_code == 0, result.output
    originals = {a["title"]: a["tags"] for a in _export(runner, db_path)}
    copies = {a["title"]: a["tags"] for a in _export(runner, other)}
    assert copies == originals


def test_stats_counts_sources_days_and_tags(runner: CliRunner, db_path: str) -> None:
    runner.invoke(cli, ["--db", db_path, "import", "-q", str(SEED_LIKE)])
    result = runner.invoke(cli, ["--db", db_path, "stats", "--json"])
    data = orjson.loads(result.output)
    assert data["articles"] == 2
    assert ["الشروق", 1] in data["per_source"]
    assert ["2024-03-05", 1] in data["per_day"]
    assert ["عبد المجيد تبون", 1] in data["per_tag"]
    # The new articles' read-also lists wait for their ranking; after `relate`, none do.
    assert data["read_also_queued"] >= 1
    runner.invoke(cli, ["--db", db_path, "relate", "-q"])
    after = orjson.loads(runner.invoke(cli, ["--db", db_path, "stats", "--json"]).output)
    assert after["read_also_queued"] == 0 and after["read_also_stories_queued"] == 0
    text = runner.invoke(cli, ["--db", db_path, "stats"]).output
    assert "read-also lists queued for ranking: 0" in text


def test_db_option_defaults_to_data_folder_and_env(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0
    assert (tmp_path / "data" / "akhbar.db").exists()
    result = runner.invoke(cli, ["init"], env={"AKHBAR_DB": str(tmp_path / "env.db")})
    assert (tmp_path / "env.db").exists()
