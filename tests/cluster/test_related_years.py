"""A 2023 page that carries a 2024 article under "read also" (the seed situation): the reader
of the 2023 page should be offered the close 2023 article on the same topic first, and the
other year's article only when nothing comparable is close."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from akhbar.cluster.related import related_articles
from akhbar.models import Origin, RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.intel_step import intel_steps
from akhbar.pipeline.relate import rank_queued
from tests.cluster.corpus import IntelStore

FAIR_TAGS = ("معرض القاهرة الدولي للكتاب", "ثقافة")


def raw(
    key: str, title: str, body: str, source: str, when: datetime, tags: tuple[str, ...] = FAIR_TAGS
) -> RawArticle:
    url = f"https://example.org/{key}"
    return RawArticle(
        title=title,
        body=body,
        origin=Origin(url=url),
        url=url,
        source_name=source,
        published_at=when,
        tags=list(tags),
    )


PAGE_2023 = raw(
    "fair-2023-opens",
    "افتتاح الدورة الرابعة والخمسين لمعرض القاهرة الدولي للكتاب",
    "افتتح رئيس الوزراء صباح اليوم الدورة الرابعة والخمسين لمعرض القاهرة الدولي للكتاب في"
    " مركز مصر للمعارض الدولية بمشاركة ألف دار نشر من ثلاث وخمسين دولة.\n\nوقالت وزيرة"
    " الثقافة إن المعرض يستقبل الزوار يوميا حتى السادس من فبراير وإن الأردن ضيف الشرف.",
    "الأهرام",
    datetime(2023, 1, 25, 9, tzinfo=UTC),
)
APPENDED_2024 = raw(
    "fair-2024-opens",
    "افتتاح الدورة الخامسة والخمسين لمعرض القاهرة الدولي للكتاب",
    "افتتح رئيس الوزراء الدورة الخامسة والخمسين لمعرض القاهرة الدولي للكتاب في مركز مصر"
    " للمعارض الدولية بمشاركة دور نشر من سبعين دولة.\n\nوقالت وزيرة الثقافة إن المعرض"
    " يستقبل الزوار حتى السادس من فبراير وإن النرويج ضيف الشرف هذا العام.",
    "الأهرام",
    datetime(2024, 1, 24, 9, tzinfo=UTC),
)
CLOSE_2023 = raw(
    "fair-2023-closes",
    "معرض القاهرة الدولي للكتاب يختتم دورته الرابعة والخمسين",
    "اختتم معرض القاهرة الدولي للكتاب دورته الرابعة والخمسين في مركز مصر للمعارض الدولية"
    " بعد أن استقبل أكثر من ثلاثة ملايين زائر.\n\nوقالت وزيرة الثقافة إن دور النشر المشاركة"
    " باعت مئات الآلاف من الكتب وإن الأردن ضيف الشرف قدم برنامجا ثقافيا حافلا.",
    "الشروق",
    datetime(2023, 2, 6, 18, tzinfo=UTC),
)
#: Other topics, so that IDF separates the book fair from the words every article shares.
OTHERS = [
    raw(
        f"other-{n}",
        title,
        body,
        "المصري اليوم",
        datetime(2023, month, 10, tzinfo=UTC),
        (),
    )
    for n, (month, title, body) in enumerate(
        [
            (
                1,
                "البنك المركزي يرفع أسعار الفائدة",
                "قررت لجنة السياسة النقدية في البنك المركزي المصري رفع أسعار الفائدة مئتي نقطة"
                " أساس لمواجهة التضخم الذي بلغ أعلى مستوياته منذ خمس سنوات.",
            ),
            (
                2,
                "ارتفاع درجات الحرارة على القاهرة الكبرى",
                "توقعت هيئة الأرصاد الجوية ارتفاع درجات الحرارة على القاهرة الكبرى والوجه البحري"
                " خلال الأيام المقبلة مع نشاط للرياح على السواحل الشمالية.",
            ),
            (
                3,
                "الأهلي يفوز على الزمالك في الدوري",
                "فاز الأهلي على الزمالك بهدفين مقابل هدف في قمة الدوري المصري الممتاز على ستاد"
                " القاهرة الدولي أمام خمسين ألف متفرج.",
            ),
        ]
    )
]


def ingest(store: IntelStore, articles: list[RawArticle]) -> dict[str, int]:
    """Ingest through the real steps; url key → stored article id."""
    Ingestor(store, steps=intel_steps(store)).ingest(articles)
    rows = store.db.execute("SELECT id, url FROM articles").fetchall()
    return {url.rsplit("/", 1)[1]: int(i) for i, url in rows}


@pytest.fixture
def store() -> Iterator[IntelStore]:
    opened = IntelStore(":memory:")
    yield opened
    opened.close()


def page_with_appended() -> RawArticle:
    page = raw(
        "fair-2023-opens",
        PAGE_2023.title,
        PAGE_2023.body,
        "الأهرام",
        datetime(2023, 1, 25, 9, tzinfo=UTC),
    )
    page.appended = [APPENDED_2024]
    return page


def test_the_close_article_of_the_same_year_comes_first_and_the_appended_one_is_left_out(
    store: IntelStore,
) -> None:
    ids = ingest(store, [*OTHERS, page_with_appended(), CLOSE_2023])
    page, appended, close = ids["fair-2023-opens"], ids["fair-2024-opens"], ids["fair-2023-closes"]
    assert ("appended-to", page) in {(r.kind, r.id) for r in store.get_article(appended).related}
    found = [r.id for r in related_articles(store, page, 5)]
    assert found and found[0] == close
    assert appended not in found


def test_the_other_years_article_is_offered_when_nothing_close_exists(store: IntelStore) -> None:
    # The control of the test above: without the close article, the 2024 one is the best there
    # is, so leaving it out above is the time rule at work, not a failure to find it.
    ids = ingest(store, [*OTHERS, page_with_appended()])
    found = [r.id for r in related_articles(store, ids["fair-2023-opens"], 5)]
    assert found and found[0] == ids["fair-2024-opens"]


def test_stored_list_of_an_early_article_is_ranked_again_when_a_better_match_arrives(
    store: IntelStore,
) -> None:
    ids = ingest(store, [*OTHERS, page_with_appended()])
    rank_queued(store)
    page = ids["fair-2023-opens"]

    def stored(article_id: int) -> list[int]:
        return store.relation_ids(article_id, "related")

    assert stored(page)[0] == ids["fair-2024-opens"]
    before = stored(page)
    ids = ingest(store, [CLOSE_2023])
    # Until ranked, the page's list is what it was ...
    assert stored(page) == before
    # ... and the article's arrival queued the page's story, so its list: ranked again, the
    # close article is in and the far one yields to it.
    with store.transaction():
        store.expand_related_stories(per_story=8, limit=100)
    assert page in {a for a, _ in store.queued_related(100)}
    rank_queued(store)
    assert stored(page)[0] == ids["fair-2023-closes"]
    assert ids["fair-2024-opens"] not in stored(page)
