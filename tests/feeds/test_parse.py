"""parse_feed on the feed fixtures in tests/data/feeds (Arabic text written for these tests)."""

from __future__ import annotations

import importlib.util
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.errors import FormatError
from akhbar.extract import metadata
from akhbar.feeds import ParsedFeed, parse_feed

FEEDS = Path(__file__).parents[1] / "data" / "feeds"


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def parse(name: str, content_type: str = "") -> ParsedFeed:
    return parse_feed(feed(name), url=f"https://feeds.example/{name}", content_type=content_type)


# --- RSS 2.0 -------------------------------------------------------------------------------------


def test_rss2_channel_and_items() -> None:
    parsed = parse("rss2.xml")
    assert (parsed.kind, parsed.title, parsed.link, parsed.language) == (
        "rss",
        "صحيفة الأفق - آخر الأخبار",
        "https://alofok.example/",
        "ar",
    )
    assert [item.title for item in parsed.items] == [
        "وزيرا خارجية مصر والأردن يبحثان في عمّان مسار التهدئة",
        "البنك المركزي يثبّت أسعار الفائدة",
        "انطلاق معرض الكتاب بمشاركة أربعمئة دار نشر",
    ]


def test_rss2_item_fields() -> None:
    item = parse("rss2.xml").items[0]
    assert item.url == "https://alofok.example/politics/2023/10/12/amman-talks"
    assert item.guid == "alofok-88231"
    assert item.author == "أحمد محمود"
    assert item.published == datetime(2023, 10, 12, 11, 35, tzinfo=UTC)
    assert item.published_text == "Thu, 12 Oct 2023 14:35:00 +0300"
    assert item.summary == "بحث الوزيران في لقاء مطوّل سبل تثبيت التهدئة وإدخال المساعدات."
    assert "<p>التقى وزير الخارجية" in item.content_html
    assert item.image_url == "https://alofok.example/media/2023/10/amman-meeting.jpg"


def test_rss2_categories_are_split_on_both_commas() -> None:
    assert parse("rss2.xml").items[0].tags == ["سياسة", "مصر", "الأردن", "غزة"]


def test_relative_item_link_resolved_against_feed_url_and_enclosure_image() -> None:
    item = parse("rss2.xml").items[1]
    assert item.url == "https://feeds.example/economy/2023/10/12/rates"
    assert item.image_url == "https://alofok.example/media/bank.jpg"


def test_arabic_pubdate_keeps_raw_text_and_goes_to_the_date_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def fake(text: str) -> datetime:
        seen.append(text)
        return datetime(2023, 10, 12, 14, 10, tzinfo=UTC)

    monkeypatch.setattr(metadata, "_parse_date", fake)
    item = parse("rss2.xml").items[1]
    assert item.published_text == "الخميس، 12 أكتوبر 2023 - 05:10 م"
    assert item.published == datetime(2023, 10, 12, 14, 10, tzinfo=UTC)
    assert seen == ["الخميس، 12 أكتوبر 2023 - 05:10 م"]


def test_arabic_pubdate_without_a_date_parser_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "_parse_date", None)
    item = parse("rss2.xml").items[1]
    assert item.published is None
    assert item.published_text == "الخميس، 12 أكتوبر 2023 - 05:10 م"


@pytest.mark.skipif(
    importlib.util.find_spec("akhbar.arabic.dates") is None, reason="akhbar.arabic.dates not yet"
)
def test_arabic_pubdate_read_by_the_real_date_parser() -> None:
    published = parse("rss2.xml").items[1].published
    assert published is not None
    assert published.tzinfo is not None
    assert (published.year, published.month) == (2023, 10)
    assert published.day in (12, 13)  # 17:10 on the 12th in whatever zone the parser assumes


def _rss_as_cp1256(declaration: str) -> bytes:
    text = feed("rss2.xml").decode("utf-8")
    return text.replace('<?xml version="1.0" encoding="utf-8"?>', declaration).encode("cp1256")


@pytest.mark.parametrize(
    ("declaration", "content_type"),
    [
        ('<?xml version="1.0" encoding="windows-1256"?>', ""),
        ('<?xml version="1.0"?>', "application/rss+xml; charset=windows-1256"),
        ('<?xml version="1.0"?>', ""),  # undeclared: feedparser needs cchardet for this one
    ],
)
def test_windows_1256_feeds_decode(declaration: str, content_type: str) -> None:
    parsed = parse_feed(
        _rss_as_cp1256(declaration), url="https://feeds.example/rss", content_type=content_type
    )
    assert parsed.title == "صحيفة الأفق - آخر الأخبار"
    assert parsed.items[0].tags == ["سياسة", "مصر", "الأردن", "غزة"]
    assert parsed.items[2].title == "انطلاق معرض الكتاب بمشاركة أربعمئة دار نشر"


def test_broken_feed_with_entries_is_accepted() -> None:
    text = feed("rss2.xml").decode("utf-8")
    cut = text[: text.index("<title>انطلاق معرض")] + "<title>عنوان مقطو"
    parsed = parse_feed(cut.encode("utf-8"), url="https://feeds.example/cut.xml")
    assert [item.title for item in parsed.items][:2] == [
        "وزيرا خارجية مصر والأردن يبحثان في عمّان مسار التهدئة",
        "البنك المركزي يثبّت أسعار الفائدة",
    ]


def test_empty_but_well_formed_feed_is_not_an_error() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    parsed = parse_feed(data, url="https://feeds.example/empty")
    assert (parsed.kind, parsed.items) == ("rss", [])


# --- Atom and RSS 1.0 ----------------------------------------------------------------------------


def test_atom_entries() -> None:
    parsed = parse("atom.xml")
    assert (parsed.kind, parsed.title, parsed.language) == ("atom", "مدار الثقافة", "ar")
    first, second = parsed.items
    assert first.published == datetime(2023, 11, 20, 15, 0, tzinfo=UTC)
    assert first.updated == datetime(2023, 11, 21, 6, 30, tzinfo=UTC)
    assert first.author == "نور الهدى"
    assert first.tags == ["معرض الكتاب", "النشر"]
    assert first.summary == "افتتح المعرض دورته الجديدة بمشاركة عشرين دولة."
    assert first.content_html == "<p>افتتح معرض الكتاب الدولي دورته الجديدة مساء الإثنين.</p>"
    assert first.guid == "tag:madar.example,2023:fair-2023"
    # An entry with only <updated> is dated by it; its relative link uses the feed URL.
    assert second.published == datetime(2023, 11, 19, 12, 0, tzinfo=UTC)
    assert second.url == "https://feeds.example/books/prize-longlist"


def test_rss1_rdf_items() -> None:
    parsed = parse("rdf.xml")
    assert (parsed.kind, parsed.title, parsed.language) == ("rss", "نبض الصحة", "ar")
    item = parsed.items[0]
    assert item.url == "https://nabd.example/health/measles-campaign"
    assert item.published == datetime(2024, 2, 3, 7, 15, tzinfo=UTC)
    assert item.tags == ["صحة", "لقاحات"]
    assert item.author == "فريق التحرير"


# --- JSON Feed -----------------------------------------------------------------------------------


def test_json_feed() -> None:
    parsed = parse("feed.json")
    assert (parsed.kind, parsed.title, parsed.link, parsed.language) == (
        "jsonfeed",
        "تقنية",
        "https://taqniya.example/",
        "ar",
    )
    first, second = parsed.items
    assert first.tags == ["الذكاء الاصطناعي", "تشريعات", "برلمان"]
    assert first.published == datetime(2024, 5, 7, 7, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 5, 7, 9, 30, tzinfo=UTC)
    assert first.author == "سارة الخطيب"
    assert first.image_url == "https://taqniya.example/img/ai-law.jpg"
    # JSON Feed 1.0 style: one `author`, an external_url, content_text only.
    assert (second.url, second.guid, second.author) == (
        "https://partner.example/phones/review",
        "42",
        "عمر يوسف",
    )
    assert second.summary == "هاتف متوسط السعر ببطارية تدوم يومين كاملين."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"title": "x", "items": []}', "not a feed"),
        (b'{"version": "https://example.com/version/1", "items": []}', "not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "malformed JSON"),
    ],
)
def test_json_that_is_not_a_json_feed(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_feed(data, url="https://feeds.example/api")


# --- not feeds -----------------------------------------------------------------------------------


def test_html_page_served_as_a_feed_is_named() -> None:
    with pytest.raises(FormatError) as caught:
        parse("html_as_feed.html")
    assert "looks like an HTML page" in str(caught.value)
    assert caught.value.path == "https://feeds.example/html_as_feed.html"


def test_html_without_doctype_is_also_recognised() -> None:
    with pytest.raises(FormatError, match="HTML page"):
        parse_feed(b"\n  <html><body><p>x</p></body></html>", url="https://feeds.example/x")


def test_malformed_xml_without_entries_is_an_error() -> None:
    with pytest.raises(FormatError, match="malformed XML"):
        parse("malformed.xml")


def test_xml_of_another_kind_is_not_a_feed() -> None:
    with pytest.raises(FormatError, match="not a feed"):
        parse_feed(b"<?xml version='1.0'?><config><a>1</a></config>", url="https://x.example/c")


def test_billion_laughs_rss_is_refused_before_parsing() -> None:
    laughs = feed("billion_laughs.xml").decode("utf-8")
    rss = laughs.replace("DOCTYPE urlset", "DOCTYPE rss").split("<urlset")[0] + (
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title></item></channel></rss>"
    )
    started = time.perf_counter()
    with pytest.raises(FormatError, match="entity"):
        parse_feed(rss.encode("utf-8"), url="https://feeds.example/laughs")
    assert time.perf_counter() - started < 0.5
