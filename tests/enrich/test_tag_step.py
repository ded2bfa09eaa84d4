"""The tag step in the ingest pipeline: entity tags reconciled with publisher tags, learned
names, remembered merges."""

from __future__ import annotations

from akhbar.models import Origin, RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.tag_step import TagStep
from akhbar.store import SQLiteStore

FILLER = "وتناول الاجتماع عددا من الملفات الاقتصادية والتنموية ذات الاهتمام المشترك."


def _ingest(store: SQLiteStore, *articles: RawArticle) -> TagStep:
    step = TagStep(store)
    Ingestor(store, steps=[step]).ingest(articles)
    return step


def _raw(
    n: int, title: str, body: str, source: str = "الشروق", tags: tuple[str, ...] = ()
) -> RawArticle:
    return RawArticle(
        title=title,
        body=body,
        origin=Origin(path="t", line=n),
        source_name=source,
        url=f"https://x.example/{n}",
        tags=list(tags),
    )


def _article_tags(store: SQLiteStore, article_id: int) -> set[tuple[str, str]]:
    rows = store.db.execute(
        "SELECT t.display, at.origin FROM article_tags at JOIN tags t ON t.id = at.tag_id"
        " WHERE at.article_id = ?",
        (article_id,),
    )
    return {(r[0], r[1]) for r in rows}


def test_seed_page_publisher_tag_becomes_the_entity_tag(
    tag_store: SQLiteStore, seed_page: RawArticle
) -> None:
    _ingest(tag_store, seed_page)
    putin = tag_store.tag_info("بوتين")
    assert (putin.display, putin.entity_id, putin.type) == (
        "فلاديمير بوتين",
        "vladimir-putin",
        "person",
    )
    assert {"بوتين", "فلاديمير بوتين"} <= set(putin.aliases)
    assert tag_store.tag_info("فلاديمير بوتين").id == putin.id
    tags = _article_tags(tag_store, 1)
    assert {("فلاديمير بوتين", "publisher"), ("فلاديمير بوتين", "extracted")} <= tags
    displays = {d for d, _ in tags}
    assert {"روسيا", "كوريا الشمالية", "كيم جونغ أون"} <= displays
    assert not displays & {"الخميس", "الشهر"}


def test_later_articles_reuse_the_entity_tag(tag_store: SQLiteStore) -> None:
    _ingest(
        tag_store,
        _raw(1, "بوتين يزور الصين", FILLER, tags=("بوتين",)),
        _raw(2, "فلاديمير بوتين في بكين", FILLER, source="عكاظ"),
    )
    putin = tag_store.tag_info("بوتين")
    assert putin.article_count == 2
    count = tag_store.db.execute(
        "SELECT count(*) FROM tags WHERE display LIKE '%بوتين%'"
    ).fetchone()
    assert count[0] == 1


def test_titled_name_is_learned_after_three_articles_from_two_outlets(
    tag_store: SQLiteStore,
) -> None:
    sentence = "وقال وزير النقل الفلاني سامر الخطيب إن الخط الجديد جاهز."
    body = f"{FILLER}\n\n{FILLER} {sentence}"
    step = _ingest(
        tag_store,
        _raw(1, "خط جديد", body),
        _raw(2, "افتتاح خط", body + " وأكد أن"),
    )
    assert "سامر الخطيب" not in step.learned
    step = _ingest(tag_store, _raw(3, "محطات جديدة", body + " وأضاف أن", source="عكاظ"))
    assert "سامر الخطيب" in step.learned
    row = tag_store.db.execute(
        "SELECT articles, outlets, tag_id FROM candidate_entities WHERE name_key = 'سامر الخطيب'"
    ).fetchone()
    assert row[0] == 3 and row[1] == 2 and row[2] is not None
    _ingest(tag_store, _raw(4, "سامر الخطيب يتفقد المحطات", FILLER, source="الخليج"))
    assert ("سامر الخطيب", "extracted") in _article_tags(tag_store, 4)


def test_merge_is_remembered_for_later_articles(tag_store: SQLiteStore) -> None:
    _ingest(tag_store, _raw(1, "رئيس روسيا يتحدث", FILLER, tags=("الرئيس بوتين", "بوتين")))
    tag_store.merge_tags("فلاديمير بوتين", "الرئيس بوتين")
    _ingest(tag_store, _raw(2, "بوتين في موسكو", FILLER, source="عكاظ", tags=("فلاديمير بوتين",)))
    target = tag_store.tag_info("الرئيس بوتين")
    assert target.entity_id == "vladimir-putin"
    assert target.article_count == 2
    assert ("الرئيس بوتين", "extracted") in _article_tags(tag_store, 2)
    assert tag_store.tag_info("بوتين").id == target.id
