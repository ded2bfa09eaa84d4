"""Page dumps: title, metadata labels in every spelling, body, read-also articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.dumps import iter_dump_items, parse_page_dump
from akhbar.dumps.pagedump import read_label
from akhbar.errors import FormatError
from akhbar.models import RawArticle

DATA = Path(__file__).parent.parent / "data" / "dumps"
BODY = (
    "قال المتحدث باسم الحكومة إن مجلس الوزراء وافق على مشروع قانون جديد للاستثمار يمنح "
    "المستثمرين إعفاءات ضريبية لمدة خمس سنوات."
)


def test_parse_page_dump_reads_title_metadata_body_and_appended_articles() -> None:
    path = DATA / "page_ar.txt"
    article = parse_page_dump(path.read_text(encoding="utf-8"), path=str(path))
    assert article.title == "وزير الري: خطة جديدة لتحلية مياه البحر في المدن الساحلية"
    assert article.published_text == "3 مارس 2024 - 10:15 ص"
    assert article.source_name == "وكالة الأنباء الوطنية"
    assert article.tags == ["تحلية المياه", "الإسكندرية", "البنك الدولي"]
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("أعلن وزير الموارد المائية")
    assert "المصدر" not in article.body and "الدلالية" not in article.body
    assert "منسوب" not in article.body  # the read-also part is not this article
    assert article.origin.path == str(path) and article.origin.line == 1

    first, second = article.appended
    assert first.title == "ارتفاع منسوب نهر النيل بعد أمطار غزيرة في الهضبة الإثيوبية"
    assert first.origin.line == 9 and first.published_text == ""
    assert first.body.count("\n\n") == 1 and first.source_name == "" and first.tags == []
    assert second.title == "افتتاح أكبر مزرعة للطاقة الشمسية في الصعيد"
    assert second.origin.line == 12 and second.published_text == "1 مارس 2024"
    assert second.body.startswith("افتتح رئيس الوزراء") and "نشر في" not in second.body


def _page(*lines: str) -> str:
    return "\n".join(("عنوان الخبر عن الاستثمار", *lines))


@pytest.mark.parametrize(
    "label",
    ["تاريخ النشر:", "تاريخ النشر", "نشر في:", "نُشر في", "نشر بتاريخ:", "بتاريخ", "آخر تحديث:",
     "اخر تحديث"],
)  # fmt: skip
def test_date_label_spellings(label: str) -> None:
    article = parse_page_dump(_page(f"{label} 12 مايو 2024", BODY))
    assert article.published_text == "12 مايو 2024"
    assert article.body == BODY


@pytest.mark.parametrize("label", ["المصدر:", "المصدر", "مصدر الخبر:", "مَصدر الخبر :"])
def test_source_label_spellings(label: str) -> None:
    article = parse_page_dump(_page(BODY, f"{label} صحيفة الشروق"))
    assert article.source_name == "صحيفة الشروق"
    assert article.body == BODY


@pytest.mark.parametrize(
    "label",
    ["كلمات دلالية:", "الكلمات الدلالية:", "كلمات مفتاحية:", "الكلمات المفتاحية", "وسوم:",
     "الوسوم :"],
)  # fmt: skip
def test_tag_label_spellings(label: str) -> None:
    article = parse_page_dump(_page(BODY, f"{label} الاستثمار، مجلس الوزراء"))
    assert article.tags == ["الاستثمار", "مجلس الوزراء"]
    assert article.body == BODY


@pytest.mark.parametrize(
    "label",
    ["إقرأ أيضاً:", "اقرأ أيضا", "اقرأ ايضا:", "إقرأ أيضا", "اقرأ أيضًا:", "شاهد أيضا:",
     "شاهد أيضاً", "اقرأ المزيد:", "مواضيع ذات صلة", "اقـرأ أيضاً"],
)  # fmt: skip
def test_read_also_label_spellings(label: str) -> None:
    appended_body = "أكدت الوزارة أن الامتحانات ستبدأ في موعدها المحدد دون أي تأجيل هذا العام."
    article = parse_page_dump(_page(BODY, label, "موعد امتحانات الثانوية العامة", appended_body))
    assert article.body == BODY
    assert [a.title for a in article.appended] == ["موعد امتحانات الثانوية العامة"]
    assert article.appended[0].body == appended_body


def test_read_also_headlines_without_body_are_not_articles() -> None:
    article = parse_page_dump(_page(BODY, "مواضيع ذات صلة:", "عنوان أول", "عنوان ثان"))
    assert article.appended == []


def test_paragraph_starting_like_a_label_stays_in_body() -> None:
    prose = "المصدر نفسه أكد أن المفاوضات ستستأنف الأسبوع المقبل في القاهرة بحضور وفود من عدة دول."
    article = parse_page_dump(_page(prose, BODY))
    assert article.source_name == ""
    assert article.body == f"{prose}\n\n{BODY}"


def test_read_label_ignores_prose() -> None:
    assert read_label("بتاريخ طويل من النضال قدم الحزب مرشحه") is None
    meta = read_label("نشر بتاريخ: الخميس 5 سبتمبر")
    assert meta is not None and meta.kind == "published" and meta.value == "الخميس 5 سبتمبر"


def test_body_is_cleaned_but_keeps_original_letters() -> None:
    article = parse_page_dump(_page("  أعلنت\u200f الهيئة   إطلاق قمرٍ صناعي جديد إلى المدار.  "))
    assert article.body == "أعلنت الهيئة إطلاق قمرٍ صناعي جديد إلى المدار."


def test_page_without_body_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="no body"):
        parse_page_dump("عنوان وحيد\nالمصدر: وكالة", path="x.txt")


def test_iter_dump_items_reads_page_dump_with_its_encoding(tmp_path: Path) -> None:
    page = tmp_path / "one.page"
    page.write_bytes(_page(BODY).encode("windows-1256"))
    (item,) = list(iter_dump_items([str(page)]))
    assert isinstance(item, RawArticle)
    assert item.encoding == "windows-1256" and item.body == BODY
    assert item.origin.line == 1 and item.origin.path == str(page)
