"""`akhbar tags list|show|merge|alias|rename` over a store tagged by the pipeline."""

from __future__ import annotations

import json

from click.testing import CliRunner

from akhbar.cli_tags import tags_group
from akhbar.config import load_settings
from akhbar.models import RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.tag_step import TagStep
from akhbar.store import SQLiteStore, open_store


def _invoke(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(tags_group, list(args), obj=load_settings({"db": db}))
    return result.exit_code, result.output


def _seeded(db: str, seed_page: RawArticle) -> None:
    store = open_store(db)
    try:
        Ingestor(store, steps=[TagStep(store)]).ingest([seed_page])
    finally:
        store.close()


def test_show_prints_the_entity_tag_with_aliases(
    tag_store: SQLiteStore, db_path: str, seed_page: RawArticle
) -> None:
    _seeded(db_path, seed_page)
    code, out = _invoke(db_path, "show", "بوتين", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["display"] == "فلاديمير بوتين" and data["qid"] == "Q7747"
    assert "بوتين" in data["aliases"] and data["article_count"] == 1


def test_list_merge_alias_rename(
    tag_store: SQLiteStore, db_path: str, seed_page: RawArticle
) -> None:
    _seeded(db_path, seed_page)
    code, out = _invoke(db_path, "list", "--json", "--limit", "3")
    assert code == 0 and len(json.loads(out)) == 3
    assert _invoke(db_path, "alias", "روسيا", "روسيا الاتحادية الكبرى")[0] == 0
    assert (
        json.loads(_invoke(db_path, "show", "روسيا الاتحادية الكبرى", "--json")[1])["entity_id"]
        == "russia"
    )
    assert _invoke(db_path, "rename", "روسيا", "روسيا الاتحادية")[0] == 0
    shown = json.loads(_invoke(db_path, "show", "روسيا", "--json")[1])
    assert shown["display"] == "روسيا الاتحادية" and shown["pinned"]
    assert shown["spellings"] == [["روسيا", 2]]  # the seed page spells it twice
    code, out = _invoke(db_path, "unpin", "روسيا")
    assert code == 0 and json.loads(_invoke(db_path, "show", "روسيا", "--json")[1])["display"] == (
        "روسيا"
    )
    code, out = _invoke(db_path, "merge", "فلاديفوستوك", "روسيا")
    assert code == 0
    assert json.loads(_invoke(db_path, "show", "فلاديفوستوك", "--json")[1])["entity_id"] == "russia"


def test_unknown_tag_and_conflicting_alias_fail_cleanly(
    tag_store: SQLiteStore, db_path: str, seed_page: RawArticle
) -> None:
    _seeded(db_path, seed_page)
    code, out = _invoke(db_path, "show", "لا يوجد")
    assert code == 1 and "no tag" in out
    code, out = _invoke(db_path, "alias", "روسيا", "بوتين")
    assert code == 1 and "merge" in out
