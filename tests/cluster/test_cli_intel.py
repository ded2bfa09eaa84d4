from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from akhbar import cli_intel
from akhbar.config import load_settings
from tests.cluster.corpus import IntelStore, ingest_stream


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
