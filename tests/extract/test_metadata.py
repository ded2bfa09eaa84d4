"""Keyword splitting, timestamps, boilerplate rules and metadata on small literal pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import html as lxml_html

from akhbar.extract import article, metadata
from akhbar.extract.metadata import parse_timestamp, read_metadata, split_keywords


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a, b، c", ["a", "b", "c"]),
        ("مصر, الأردن، غزة", ["مصر", "الأردن", "غزة"]),
        ("صحة؛ لقاحات; طب | علوم", ["صحة", "لقاحات", "طب", "علوم"]),
        (" مصر ،، مصر , MISR, misr ", ["مصر", "MISR"]),
        ("", []),
        ("#غزة, 'القدس'", ["غزة", "القدس"]),
    ],
)
def test_split_keywords(value: str, expected: list[str]) -> None:
    assert split_keywords(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-12T14:35:00+03:00", datetime(2023, 10, 12, 11, 35, tzinfo=UTC)),
        ("2024-03-15T20:45:00Z", datetime(2024, 3, 15, 20, 45, tzinfo=UTC)),
        ("2023-11-20 18:00:00+03:00", datetime(2023, 11, 20, 15, 0, tzinfo=UTC)),
        ("  ", None),
    ],
)
def test_parse_timestamp_fast_path(text: str, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected


def test_parse_timestamp_hands_other_text_to_the_arabic_date_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def fake(text: str) -> datetime:
        seen.append(text)
        return datetime(2023, 10, 12, 14, 10, tzinfo=UTC)

    monkeypatch.setattr(metadata, "_parse_date", fake)
    assert parse_timestamp("الخميس، 12 أكتوبر 2023") == datetime(2023, 10, 12, 14, 10, tzinfo=UTC)
    assert seen == ["الخميس، 12 أكتوبر 2023"]


def test_parse_timestamp_without_date_module_reads_naive_iso_as_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(metadata, "_parse_date", None)
    assert parse_timestamp("2024-01-12") == datetime(2024, 1, 12, tzinfo=UTC)
    assert parse_timestamp("الخميس") is None


@pytest.mark.parametrize(
    "label",
    ["اقرأ أيضاً", "اقرأ أيضا:", "إقرأ أيضًا", "اقْرَأْ أَيْضًا", "مواضيع ذات صلة", "شارك", "Read also"],
)
def test_box_labels_are_recognised_in_any_spelling(label: str) -> None:
    assert article.is_box_label(label)


def test_filter_paragraphs_keeps_prose_that_mentions_a_label() -> None:
    prose = (
        "وقال الكاتب إن عبارة اقرأ أيضاً صارت تملأ المواقع الإخبارية حتى لم يعد القارئ يلتفت "
        "إليها، وإن التحرير الجيد لا يحتاج إلى هذه الروابط الكثيرة التي تشتت الانتباه."
    )
    lines = ["اقرأ أيضاً: عنوان خبر آخر", prose, "  ", "شارك", "أخبار ذات صلة"]
    assert article.filter_paragraphs(lines) == [prose]


def _tree(head: str, body: str = "<p>نص</p>") -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_title_suffix_kept_when_it_is_part_of_the_headline() -> None:
    # " - " inside an Arabic headline is not a site separator unless the tail is the site name.
    tree = _tree("<title>مصر - الأردن: قمة ثنائية في عمّان اليوم</title>")
    assert read_metadata(tree, url="https://x.example/").title == (
        "مصر - الأردن: قمة ثنائية في عمّان اليوم"
    )


def test_title_suffix_removed_when_it_is_the_site_name() -> None:
    tree = _tree(
        '<meta property="og:site_name" content="الموقع الأول">'
        "<title>خبر مهم عن الطقس - الموقع الأول</title>"
    )
    assert read_metadata(tree, url="https://x.example/").title == "خبر مهم عن الطقس"


def test_author_url_is_not_a_name() -> None:
    tree = _tree('<meta property="article:author" content="https://facebook.com/someone">')
    assert read_metadata(tree, url="https://x.example/").author == ""


def test_json_ld_types_given_as_a_list_and_inside_graph() -> None:
    ld = (
        '{"@graph": [{"@type": "WebPage", "datePublished": "2001-01-01T00:00:00Z"},'
        ' {"@type": ["ReportageNewsArticle"], "datePublished": "2024-06-01T10:00:00+01:00",'
        ' "headline": "عنوان"}]}'
    )
    tree = _tree(f'<script type="application/ld+json">{ld}</script>')
    meta = read_metadata(tree, url="https://x.example/")
    assert meta.published_at == datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    assert meta.title == "عنوان"


def test_prune_keeps_a_container_holding_most_of_the_text() -> None:
    words = "كلمة " * 200
    tree = _tree("", f'<div class="post has-comments"><p>{words}</p></div><p>تذييل</p>')
    article.prune_boilerplate(tree)
    assert "كلمة" in tree.text_content()


def test_prune_removes_a_link_only_paragraph_but_keeps_its_neighbours() -> None:
    tree = _tree(
        "", '<div><p>فقرة أولى</p><p><a href="/x">عنوان آخر</a></p><p>فقرة ثانية</p></div>'
    )
    article.prune_boilerplate(tree)
    text = tree.text_content()
    assert "عنوان آخر" not in text
    assert "فقرة أولى" in text and "فقرة ثانية" in text
