"""extract_article on the page fixtures in tests/data/pages (Arabic text written for the tests)."""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.errors import ExtractionRejected
from akhbar.extract import ExtractedArticle, extract_article

PAGES = Path(__file__).parents[1] / "data" / "pages"
ARTICLE_PAGES = ("diplomacy", "economy", "health", "sport", "culture", "tech")


def page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def extract(name: str, **kwargs: str) -> ExtractedArticle:
    return extract_article(page(name), url=f"https://news.example/{name}", **kwargs)


# Text that sits in each page's menus, boxes, share bars, comments and footers.
BOILERPLATE = {
    "diplomacy": [
        "الرئيسية", "عاجل", "فيسبوك", "شارك", "قافلة مساعدات", "قمة ثلاثية", "مجلس الأمن",
        "الوسوم", "نتمنى أن تنجح", "أفعالاً لا تصريحات", "جميع الحقوق", "سياسة الخصوصية",
    ],
    "economy": [
        "بورصة", "اقرأ أيضاً", "نمو القروض", "المؤشر الرئيسي", "مشاركة", "الأكثر قراءة",
        "أسعار الذهب", "جميع الحقوق",
    ],
    "health": [
        "منوعات", "اقرأ أيضا", "موسم الإنفلونزا", "مواضيع ذات صلة", "خمس خرافات",
        "وجبات مدرسية", "الأسئلة الأكثر شيوعاً", "لا يغني عن استشارة",
    ],
    "sport": ["كرة السلة", "شارك الخبر", "الأكثر قراءة", "قائمة المعسكر", "موقع رياضي"],
    "culture": [
        "سينما", "شارك:", "تابعونا", "جائزة الرواية", "معرض رائع", "قائمة دور النشر",
        "التنظيم ممتازاً", "مجلة إلكترونية",
    ],
    "tech": ["هواتف", "الوسوم", "تشريعات", "كل ما يهمك"],
}  # fmt: skip
FIRST_AND_LAST = {
    "diplomacy": ("التقى وزير الخارجية المصري", "على نتائج المشاورات."),
    "economy": ("قررت لجنة السياسة النقدية", "من بنوك الاستثمار."),
    "health": ("أطلقت وزارة الصحة", "متابعة الجرعة الثانية."),
    "sport": ("انتهت مباراة القمة", "خلال الأسبوعين المقبلين."),
    "culture": ("افتتح معرض الكتاب الدولي", "طوال أيام المعرض."),
    "tech": ("أقرّ البرلمان بأغلبية كبيرة", "الابتكار في القطاع."),
}


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_boilerplate_never_reaches_the_body(name: str) -> None:
    body = extract(name).body
    leaked = [text for text in BOILERPLATE[name] if text in body]
    assert leaked == []


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_body_keeps_every_article_paragraph_separated_by_blank_lines(name: str) -> None:
    article = extract(name)
    paragraphs = article.body.split("\n\n")
    first, last = FIRST_AND_LAST[name]
    assert paragraphs[0].startswith(first)
    assert paragraphs[-1].endswith(last)
    assert all(p and "\n" not in p for p in paragraphs)
    assert len(paragraphs) >= 4


@pytest.mark.parametrize("name", ("economy", "sport", "tech"))
def test_article_laid_out_in_table_rows_is_still_extracted(name: str) -> None:
    # trafilatura's main extractor finds nothing in <tr><td> rows; its fallback extractors,
    # which extract_article skips on ordinary pages, must still rescue such a page.
    html = re.sub(rb"<p\b[^>]*>(.*?)</p>", rb"<tr><td>\1</td></tr>", page(name), flags=re.S)
    article = extract_article(html, url=f"https://news.example/{name}")
    first, last = FIRST_AND_LAST[name]
    assert first in article.body
    assert last in article.body


@pytest.mark.parametrize("name", ARTICLE_PAGES)
def test_title_is_not_repeated_as_first_paragraph(name: str) -> None:
    article = extract(name)
    assert article.title
    assert not article.body.startswith(article.title)


def test_title_loses_the_site_suffix() -> None:
    assert extract("diplomacy").title == "وزيرا خارجية مصر والأردن يبحثان في عمّان مسار التهدئة"


def test_title_falls_back_to_h1_when_no_og_title() -> None:
    assert extract("health").title == "حملة وطنية لتطعيم الأطفال ضد الحصبة تنطلق في المدارس"


def test_published_keeps_the_time_of_day_and_raw_text() -> None:
    article = extract("diplomacy")
    assert article.published_at == datetime(2023, 10, 12, 11, 35, tzinfo=UTC)
    assert article.published_text == "2023-10-12T14:35:00+03:00"
    assert article.updated_at == datetime(2023, 10, 12, 13, 5, tzinfo=UTC)


def test_json_ld_graph_article_dates_win_over_the_webpage_node() -> None:
    article = extract("economy")
    assert article.published_at == datetime(2024, 1, 18, 17, 20, tzinfo=UTC)
    assert article.updated_at == datetime(2024, 1, 19, 6, 0, tzinfo=UTC)


def test_time_element_gives_the_date_when_no_meta_has_one() -> None:
    assert extract("health").published_at == datetime(2024, 2, 3, 7, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sport", datetime(2024, 3, 15, 20, 45, tzinfo=UTC)),  # <meta name="pubdate">
        ("culture", datetime(2023, 11, 20, 15, 0, tzinfo=UTC)),  # <meta name="date">, space
    ],
)
def test_date_from_other_meta_names(name: str, expected: datetime) -> None:
    assert extract(name).published_at == expected


def test_tags_split_on_latin_and_arabic_commas_and_merged_without_repeats() -> None:
    assert extract("diplomacy").tags == [
        "مصر", "الأردن", "غزة", "وقف إطلاق النار", "الدبلوماسية", "عمان", "سامح شكري",
    ]  # fmt: skip


def test_tags_from_news_keywords_article_tag_and_json_ld_string() -> None:
    assert extract("sport").tags == [
        "الأهلي", "الزمالك", "الدوري المصري", "القمة", "كرة القدم", "القاهرة",
    ]  # fmt: skip


def test_tags_from_json_ld_keyword_list_and_rel_tag_links() -> None:
    assert extract("economy").tags == ["البنك المركزي", "أسعار الفائدة", "التضخم", "الجنيه"]
    assert extract("tech").tags == ["الذكاء الاصطناعي", "تشريعات"]


def test_author_byline_prefix_is_removed() -> None:
    assert extract("tech").author == "سارة الخطيب"


def test_json_ld_co_authors_are_all_kept() -> None:
    assert extract("sport").author == "محمد سالم, هدى كامل"


def test_canonical_and_image_are_absolute() -> None:
    tech = extract("tech")
    assert tech.canonical_url == "https://taqniya.example/tech/2024/05/ai-law"
    diplomacy = extract("diplomacy")
    assert diplomacy.image_url == "https://news.example/media/2023/10/amman-meeting.jpg"
    assert extract("sport").image_url == "https://malaeb.example/img/derby.jpg"


def test_canonical_defaults_to_the_fetched_url() -> None:
    assert extract("health").canonical_url == "https://news.example/health"


@pytest.mark.parametrize(("name", "site"), [("diplomacy", "صحيفة الأفق"), ("tech", "تقنية")])
def test_site_name(name: str, site: str) -> None:
    # tech.html's JSON-LD is broken JSON: the publisher is then taken from trafilatura.
    assert extract(name).site_name == site


def test_language_from_html_lang_region_dropped() -> None:
    assert extract("sport").language == "ar"


def test_language_detected_from_body_when_page_declares_none() -> None:
    assert b"lang=" not in page("health")
    assert extract("health").language == "ar"


# --- encodings ---------------------------------------------------------------------------------


def variant(name: str, how: str) -> tuple[bytes, str]:
    """The fixture re-encoded: (bytes, content_type)."""
    text = page(name).decode("utf-8")
    meta = '<meta charset="utf-8">'
    assert meta in text
    if how == "utf-8":
        return text.encode("utf-8"), "text/html; charset=utf-8"
    if how == "cp1256-declared":
        return text.replace(meta, '<meta charset="windows-1256">').encode("cp1256"), "text/html"
    if how == "cp1256-undeclared":
        return text.replace(meta, "").encode("cp1256"), "text/html"
    wrong = '<meta charset="iso-8859-1">'
    return text.replace(meta, wrong).encode("cp1256"), "text/html; charset=iso-8859-1"


@pytest.mark.parametrize("name", ["diplomacy", "economy", "sport"])
@pytest.mark.parametrize(
    ("how", "codec"),
    [
        ("utf-8", "utf-8"),
        ("cp1256-declared", "cp1256"),
        ("cp1256-undeclared", "cp1256"),
        ("cp1256-wrongly-declared-latin1", "cp1256"),
    ],
)
def test_every_encoding_gives_the_same_article(name: str, how: str, codec: str) -> None:
    reference = extract(name)
    data, content_type = variant(name, how)
    article = extract_article(data, url=f"https://news.example/{name}", content_type=content_type)
    assert codecs.lookup(article.encoding).name == codec
    assert (article.title, article.body, article.tags, article.author) == (
        reference.title,
        reference.body,
        reference.tags,
        reference.author,
    )


# --- rejections ----------------------------------------------------------------------------------


def test_short_page_is_rejected_with_its_length() -> None:
    with pytest.raises(ExtractionRejected) as caught:
        extract("short")
    assert caught.value.reason == "too_short"
    assert caught.value.context["url"] == "https://news.example/short"
    assert 0 < int(str(caught.value.context["length"])) < 200


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7 binary", ""),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ""),
        (b"<html><body><p>x</p></body></html>", "application/pdf"),
        (b"just some plain words without any markup at all", ""),
    ],
)
def test_non_html_is_rejected(data: bytes, content_type: str) -> None:
    with pytest.raises(ExtractionRejected) as caught:
        extract_article(data, url="https://news.example/file", content_type=content_type)
    assert caught.value.reason == "not_html"


def test_page_without_text_is_rejected_as_no_content() -> None:
    data = b"<html><head><title>x</title></head><body><div><img src='a.jpg'></div></body></html>"
    with pytest.raises(ExtractionRejected) as caught:
        extract_article(data, url="https://news.example/empty")
    assert caught.value.reason in {"no_content", "too_short"}
