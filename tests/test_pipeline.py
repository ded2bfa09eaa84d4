from __future__ import annotations

from datetime import UTC, datetime

from akhbar.errors import FormatError
from akhbar.models import Origin, RawArticle
from akhbar.pipeline import ingest
from akhbar.store import SQLiteStore

BODY = (
    "أعلنت وزارة النقل المصرية اليوم عن افتتاح خط جديد للقطار الكهربائي يربط القاهرة بالعاصمة"
    " الإدارية.\n\nوقال المتحدث باسم الوزارة إن الخط سيخدم آلاف الركاب يوميا."
)


def raw(title: str = "افتتاح خط القطار الكهربائي", body: str = BODY, **kw: object) -> RawArticle:
    kw.setdefault("origin", Origin(path="in.jsonl", line=1))
    return RawArticle(title=title, body=body, **kw)  # type: ignore[arg-type]


def test_same_item_twice_is_stored_once_and_reported_duplicate(store: SQLiteStore) -> None:
    first = ingest(store, [raw(source_name="الأهرام")])
    second = ingest(store, [raw(source_name="الأهرام")])
    assert (first.imported, first.duplicates) == (1, 0)
    assert (second.imported, second.duplicates) == (0, 1)
    assert store.article_count() == 1


def test_same_url_is_the_same_article_even_when_text_changes(store: SQLiteStore) -> None:
    ingest(store, [raw(url="https://example.org/a/1")])
    report = ingest(store, [raw(body=BODY + "\n\nتحديث.", url="https://example.org/a/1")])
    assert report.duplicates == 1
    assert store.article_count() == 1


def test_exact_copy_from_another_outlet_is_linked_duplicate_of_the_first(
    store: SQLiteStore,
) -> None:
    ingest(store, [raw(source_name="الأهرام"), raw(source_name="الشروق")])
    first, second = store.iter_articles()
    assert [(r.kind, r.id) for r in second.related] == [("duplicate-of", first.id)]
    assert (first.source, second.source) == ("الأهرام", "الشروق")


def test_copy_without_url_of_a_stored_article_with_url_is_a_duplicate(store: SQLiteStore) -> None:
    ingest(store, [raw(source_name="الأهرام", url="https://ahram.example/1")])
    report = ingest(store, [raw(source_name="الاهرام")])  # same outlet, spelt without hamza
    assert report.duplicates == 1
    assert store.article_count() == 1


def test_appended_article_becomes_its_own_record_linked_to_the_page(store: SQLiteStore) -> None:
    extra = raw(
        title="مقال ملحق",
        body="نص المقال الملحق الذي ظهر تحت اقرأ أيضا.",
        origin=Origin(path="p.txt", line=12),
    )
    page1 = raw(source_name="الشروق", appended=[extra])
    page2 = raw(
        title="صفحة أخرى",
        body="نص صفحة أخرى مختلفة تماما.",
        source_name="الشروق",
        appended=[raw(title="مقال ملحق", body="نص المقال الملحق الذي ظهر تحت اقرأ أيضا.")],
    )
    report = ingest(store, [page1, page2])
    assert (report.imported, report.appended) == (2, 1)
    appended = [a for a in store.iter_articles() if a.title == "مقال ملحق"]
    assert len(appended) == 1
    assert sorted(r.kind for r in appended[0].related) == ["appended-to", "appended-to"]
    assert appended[0].published_at is None
    assert appended[0].source == ""


def test_publisher_tags_merge_spellings_into_one_tag_with_aliases(store: SQLiteStore) -> None:
    ingest(
        store, [raw(tags=["كيم جونج أون", "روسيا"], tag_aliases={"كيم جونج أون": ["کیم جونج أون"]})]
    )
    ingest(store, [raw(title="خبر آخر", body="نص آخر عن الزعيم.", tags=["کیم جونج أون"])])
    articles = list(store.iter_articles())
    assert [t.display for t in articles[0].tags] == ["كيم جونج أون", "روسيا"]
    assert [t.display for t in articles[1].tags] == ["كيم جونج أون"]
    assert "کیم جونج أون" in store.tag_info("كيم جونج اون").aliases


def test_bad_items_are_logged_and_the_rest_goes_on(store: SQLiteStore) -> None:
    bad = FormatError("not a JSON object", path="in.jsonl", line=2)
    report = ingest(store, [raw(), bad, raw(title="ثالث", body="نص ثالث مختلف.")])
    assert (report.imported, report.failed) == (2, 1)
    assert report.errors == ["in.jsonl:2: not a JSON object"]
    assert store.stats()["ingest"] == {"imported": 2, "failed": 1}


def test_empty_body_after_cleaning_fails_with_its_origin(store: SQLiteStore) -> None:
    report = ingest(store, [raw(body=" \u200f \n ")])
    assert report.failed == 1
    assert report.errors[0].startswith("in.jsonl:1: empty body")


def test_printed_date_is_read_in_utc_and_kept_as_printed(store: SQLiteStore) -> None:
    ingest(store, [raw(published_text="12th, October 2023 GMT")])
    (article,) = store.iter_articles()
    assert article.published_at == datetime(2023, 10, 12, tzinfo=UTC)


def test_unreadable_date_is_stored_as_unknown_never_guessed(store: SQLiteStore) -> None:
    ingest(store, [raw(published_text="في وقت ما من الشهر")])
    (article,) = store.iter_articles()
    assert article.published_at is None


def test_original_letters_are_stored_not_the_normalised_form(store: SQLiteStore) -> None:
    ingest(store, [raw(title="الرئيس الكورى الشمالى", body="مُحَمَّدٌ يكتب إلى أصدقائه.")])
    (article,) = store.iter_articles()
    assert article.title == "الرئيس الكورى الشمالى"
    assert article.body == "مُحَمَّدٌ يكتب إلى أصدقائه."
