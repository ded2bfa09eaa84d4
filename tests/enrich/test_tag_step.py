"""The tag step in the ingest pipeline: entity tags reconciled with publisher tags, learned
names, remembered merges."""

from __future__ import annotations

import pytest

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
    # The body writes كيم جونج أون (twice in Arabic letters, once with Persian ones): the tag
    # reads as the text spells it, not as the gazetteer's canonical كيم جونغ أون.
    assert {"روسيا", "كوريا الشمالية", "كيم جونج أون"} <= displays
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
    _ingest(tag_store, _raw(1, "رئيس روسيا يتحدث", FILLER, tags=("سيد الكرملين", "بوتين")))
    tag_store.merge_tags("فلاديمير بوتين", "سيد الكرملين")
    _ingest(tag_store, _raw(2, "فلاديمير بوتين في موسكو", FILLER, source="عكاظ"))
    target = tag_store.tag_info("سيد الكرملين")
    assert target.entity_id == "vladimir-putin"
    assert target.article_count == 2
    # Merging into a tag chose its name: the spelling counts of later articles do not change it.
    assert target.pinned
    assert ("سيد الكرملين", "extracted") in _article_tags(tag_store, 2)
    assert tag_store.tag_info("بوتين").id == target.id


def test_publisher_title_tag_names_the_person(tag_store: SQLiteStore) -> None:
    _ingest(tag_store, _raw(1, "رئيس روسيا يتحدث", FILLER, tags=("الرئيس بوتين",)))
    putin = tag_store.tag_info("فلاديمير بوتين")
    assert putin.entity_id == "vladimir-putin"
    assert tag_store.tag_info("الرئيس بوتين").id == putin.id


# --- the display is the spelling the corpus uses ------------------------------------------------

KIM_JUNG = "كيم جونج أون"
KIM_GHUNG = "كيم جونغ أون"


def _kim(n: int, spelling: str, source: str = "الشروق") -> RawArticle:
    body = f"وصل الزعيم الكوري الشمالي {spelling} إلى موسكو.\n\nوقال {spelling} إن {FILLER}"
    # The article number in the text keeps the store from taking two of them for duplicates.
    return _raw(n, f"{spelling} في زيارة إلى روسيا رقم {n}", body, source=source)


def test_display_is_the_spelling_of_the_body_then_follows_the_majority(
    tag_store: SQLiteStore,
) -> None:
    step = _ingest(tag_store, _kim(1, KIM_JUNG))
    kim = tag_store.tag_info(KIM_GHUNG)  # any spelling finds the tag
    assert kim.entity_id == "kim-jong-un"
    assert kim.display == KIM_JUNG
    assert (KIM_JUNG, "extracted") in _article_tags(tag_store, 1)
    canonical = kim.canonical
    # One article the other way is not yet a majority (3 mentions each way is a tie: the
    # gazetteer's spelling breaks it), a second one is.
    Ingestor(tag_store, steps=[step]).ingest([_kim(2, KIM_GHUNG, "عكاظ")])
    assert tag_store.tag_info(KIM_JUNG).display == KIM_GHUNG
    Ingestor(tag_store, steps=[step]).ingest([_kim(3, KIM_JUNG), _kim(4, KIM_JUNG, "عكاظ")])
    kim = tag_store.tag_info(KIM_GHUNG)
    assert kim.display == KIM_JUNG
    assert dict(kim.spellings) == {KIM_JUNG: 9, KIM_GHUNG: 3}
    # The key and the names that find the tag never move with the display.
    assert kim.canonical == canonical
    assert tag_store.tag_info(KIM_GHUNG).id == tag_store.tag_info(KIM_JUNG).id == kim.id


def test_renamed_tag_keeps_its_name_whatever_the_counts(tag_store: SQLiteStore) -> None:
    step = _ingest(tag_store, _kim(1, KIM_JUNG))
    tag_store.rename_tag(KIM_JUNG, "كيم جونغ-أون")
    Ingestor(tag_store, steps=[step]).ingest(
        [_kim(2, KIM_JUNG, "عكاظ"), _kim(3, KIM_GHUNG, "الخليج"), _kim(4, KIM_JUNG)]
    )
    kim = tag_store.tag_info(KIM_JUNG)
    assert kim.display == "كيم جونغ-أون" and kim.pinned
    assert kim.article_count == 4
    # Unpinned, the counts choose again.
    assert tag_store.unpin_tag(KIM_JUNG).display == KIM_JUNG


def test_a_name_learned_mid_batch_tags_the_rest_of_that_batch(
    tag_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's readings are made before it is stored (in a worker, when there is one),
    with the learned names of that moment: an article naming a name learned since is read
    again, and only such an article."""
    from akhbar.pipeline.ingest import PreparedArticle
    from akhbar.pipeline.tag_step import TagAnalyzer, TagReading

    reads: list[str] = []
    analyze = TagAnalyzer.analyze

    def counted(self: TagAnalyzer, prepared: PreparedArticle) -> TagReading:
        reads.append(prepared.title)
        return analyze(self, prepared)

    monkeypatch.setattr(TagAnalyzer, "analyze", counted)
    sentence = "وقال وزير النقل الفلاني سامر الخطيب إن الخط الجديد جاهز."
    body = f"{FILLER}\n\n{FILLER} {sentence}"
    step = _ingest(
        tag_store,
        _raw(1, "خط جديد", body),
        _raw(2, "افتتاح خط", body + " وأكد أن"),
        _raw(3, "محطات جديدة", body + " وأضاف أن", source="عكاظ"),
        _raw(4, "سامر الخطيب يتفقد المحطات", FILLER, source="الخليج"),
        _raw(5, "أمطار في عمان", FILLER, source="الخليج"),
    )
    assert "سامر الخطيب" in step.learned
    assert ("سامر الخطيب", "extracted") in _article_tags(tag_store, 4)
    # Five readings in the batch, and one more for the article naming the new name.
    named = "سامر الخطيب يتفقد المحطات"
    assert sorted(reads) == sorted(
        ["خط جديد", "افتتاح خط", "محطات جديدة", named, named, "أمطار في عمان"]
    )


def test_after_a_failed_batch_the_same_ingestor_tags_the_next_one(tag_store: SQLiteStore) -> None:
    """A batch that fails rolls back the tags it created; the step must not reuse their ids."""

    class BrokenOnce:
        name = "broken"
        broken = True

        def on_new_article(self, article_id: int, prepared: object, source: object) -> None:
            if self.broken:
                self.broken = False
                raise RuntimeError("disk full")

        def flush(self) -> None: ...

    ingestor = Ingestor(tag_store, steps=[TagStep(tag_store), BrokenOnce()])
    article = _raw(1, "بوتين يزور الصين", FILLER, tags=("بوتين",))
    with pytest.raises(RuntimeError, match="disk full"):
        ingestor.ingest([article])
    assert tag_store.article_count() == 0 and ingestor.report.imported == 0
    report = ingestor.ingest([article])
    assert report.imported == 1 and report.new_ids == [report.new_ids[0]]
    assert ("فلاديمير بوتين", "extracted") in _article_tags(tag_store, report.new_ids[0])
