from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from akhbar import cli_intel
from akhbar.config import load_settings
from tests.cluster.corpus import ARTICLES, IntelStore, ingest_stream


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, int]]:
    path = str(tmp_path / "intel.db")
    store = IntelStore(path)
    ids = ingest_stream(store)
    store.close()
    # The commands open the store through open_store; until SQLiteStore has the intel queries
    # as a base, hand them the subclass.
    return path, ids


def invoke(path: str, *args: str) -> tuple[int, str]:
    settings = load_settings({"db": path})
    command = {
        "stories": cli_intel.stories_command,
        "related": cli_intel.related_command,
        "trends": cli_intel.trends_command,
    }[args[0]]
    result = CliRunner().invoke(command, list(args[1:]), obj=settings)
    return result.exit_code, result.output


def test_stories_json_lists_ids_outlets_and_span(db: tuple[str, dict[str, int]]) -> None:
    path, ids = db
    code, out = invoke(path, "stories", "--json", "--limit", "50")
    assert code == 0
    stories = orjson.loads(out)
    quake = next(s for s in stories if ids["quake_1"] in s["article_ids"])
    assert quake["outlet_count"] == 3 and quake["first_at"] < quake["last_at"]
    assert set(quake) >= {"id", "title", "article_ids", "outlets", "first_at", "last_at"}


def test_stories_show_prints_members_and_copies(db: tuple[str, dict[str, int]]) -> None:
    path, ids = db
    code, out = invoke(path, "stories", "--json")
    story_id = next(s["id"] for s in orjson.loads(out) if ids["train_wire"] in s["article_ids"])
    code, out = invoke(path, "stories", "show", str(story_id), "--json")
    members = {m["id"]: m for m in orjson.loads(out)["articles"]}
    assert members[ids["train_copy"]]["duplicate_of"] == ids["train_wire"]
    code, out = invoke(path, "stories", "show", str(story_id))
    assert code == 0 and "الشروق" in out
    code, out = invoke(path, "stories", "show", "999")
    assert code == 1 and "no story with id 999" in out


def test_related_command(db: tuple[str, dict[str, int]]) -> None:
    path, ids = db
    code, out = invoke(path, "related", str(ids["train_next_year"]), "--json")
    assert code == 0
    rows = orjson.loads(out)
    assert rows and {"id", "title", "score", "days_apart"} <= set(rows[0])
    code, out = invoke(path, "related", "9999")
    assert code == 1 and "no article" in out


def test_trends_command(db: tuple[str, dict[str, int]]) -> None:
    path, _ = db
    code, out = invoke(path, "trends", "زلزال", "--days", "3", "--json")
    assert code == 0
    data = orjson.loads(out)
    assert data["total"] == 3 and len(data["per_day"]) == 3
    code, out = invoke(path, "trends", "زلزال")
    assert code == 0 and "المغرب" in out
    code, out = invoke(path, "trends", "غير موجود")
    assert code == 1 and "no tag" in out


def test_relate_ranks_the_queued_lists_and_export_ranks_before_writing(
    db: tuple[str, dict[str, int]],
) -> None:
    from akhbar.cli import cli

    path, ids = db
    runner = CliRunner()
    # export --no-rank writes the provisional lists and leaves the queue as it was
    plain = runner.invoke(cli, ["--db", path, "export", "--no-rank"])
    assert plain.exit_code == 0 and "ranked" not in plain.stderr
    partly = runner.invoke(cli, ["--db", path, "relate", "-q", "--limit", "2"])
    assert partly.exit_code == 0, partly.output
    assert "ranked 2 read-also lists" in partly.stdout and "still queued" in partly.stdout
    exported = runner.invoke(cli, ["--db", path, "export"])
    assert exported.exit_code == 0, exported.output
    assert "queued read-also lists first" in exported.stderr
    rows = {r["id"]: r for r in map(orjson.loads, exported.stdout.splitlines())}
    assert set(rows) == set(ids.values())
    store = IntelStore(path)
    try:
        assert store.related_queue_size() == (0, 0)
        for article_id in ids.values():
            listed = [r["id"] for r in rows[article_id]["related"] if r["kind"] == "related"]
            assert sorted(listed) == sorted(store.relation_ids(article_id, "related"))
    finally:
        store.close()
    again = runner.invoke(cli, ["--db", path, "relate", "-q"])
    assert "ranked 0 read-also lists" in again.stdout and "0 articles still queued" in again.stdout


def test_export_of_one_outlet_ranks_only_that_outlets_lists(
    db: tuple[str, dict[str, int]],
) -> None:
    from akhbar.cli import cli

    path, ids = db
    ahram = {ids[k] for k, item in ARTICLES.items() if item.source == "الأهرام" and k in ids}
    exported = CliRunner().invoke(cli, ["--db", path, "export", "--source", "الأهرام"])
    assert exported.exit_code == 0, exported.output
    assert {r["id"] for r in map(orjson.loads, exported.stdout.splitlines())} == ahram
    store = IntelStore(path)
    try:
        left = {a for a, _ in store.queued_related(1000)}
    finally:
        store.close()
    assert not left & ahram  # the outlet's lists were ranked before they were written
    assert left  # the other outlets' lists wait for `akhbar relate` or `akhbar run`
