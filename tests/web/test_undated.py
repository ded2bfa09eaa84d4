"""An article that printed no date never gets a publication time on the home page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from akhbar.config import Settings
from akhbar.models import Origin, RawArticle
from akhbar.pipeline.steps import open_ingestor
from akhbar.store import open_store
from akhbar.web import create_app
from tests.web.conftest import NOW, TestClient


def test_undated_story_shows_unknown_date_not_a_relative_time(
    tmp_path: Path, settings_for: Callable[..., Settings]
) -> None:
    db = str(tmp_path / "undated.db")
    raw = RawArticle(
        title="افتتاح حديقة عامة جديدة في وسط المدينة",
        body="افتتحت البلدية حديقة عامة جديدة تضم مساحات خضراء وممرات للمشي وملاعب للأطفال.",
        origin=Origin(path="page.txt", line=1),
        source_name="صحيفة المدينة",
    )
    with open_store(db) as store, open_ingestor(store) as ingestor:
        ingestor.ingest([raw])
    app = create_app(settings_for(db), now=lambda: NOW)
    with TestClient(app, base_url="http://testserver") as client:
        page = client.get("/").text
        entries = client.get("/api/v1/stories").json()
    assert "افتتاح حديقة عامة جديدة" in page
    assert "تاريخ النشر غير معروف" in page
    assert "منذ" not in page
    (story,) = [e for e in entries["items"] if e.get("type") == "story"]
    assert story["last_at"] is None
