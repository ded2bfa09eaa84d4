"""OPML: nested folders, Arabic titles, skipped outlines with reasons, hostile and broken XML."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from akhbar.errors import FormatError
from akhbar.sources import OpmlFeed, parse_opml, read_opml, write_opml

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "reader_export.opml"


def test_nested_folders_become_slash_joined_categories() -> None:
    feeds = parse_opml(EXPORT.read_bytes(), path=str(EXPORT))
    by_url = {f.xml_url: f for f in feeds}
    youm7 = by_url["https://www.youm7.com/rss/SectionRss?SectionID=65"]
    assert youm7 == OpmlFeed(
        title="اليوم السابع - عاجل",
        xml_url="https://www.youm7.com/rss/SectionRss?SectionID=65",
        html_url="https://www.youm7.com",
        category="أخبار عربية/مصر",
    )
    assert by_url["https://www.aljazeera.net/aljazeerarss/alarabic.xml"].category == "أخبار عربية"


def test_category_attribute_used_when_feed_is_not_in_a_folder() -> None:
    feeds = parse_opml(EXPORT.read_bytes())
    bbc = next(f for f in feeds if "bbci" in f.xml_url)
    assert bbc.title == "BBC News Arabic"  # from `title` when `text` is missing
    assert bbc.category == "International/Broadcasters"


def test_feeds_keep_document_order_and_percent_encoded_urls_verbatim() -> None:
    feeds = parse_opml(EXPORT.read_bytes())
    assert [f.title for f in feeds] == [
        "اليوم السابع - عاجل",
        "مصراوي",
        "الجزيرة نت",
        "BBC News Arabic",
    ]
    assert feeds[1].xml_url.endswith("/25/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1")


def test_unusable_outlines_are_skipped_with_a_reason() -> None:
    document = read_opml(EXPORT.read_bytes())
    assert document.title == "اشتراكاتي"
    reasons = [(s.title, s.reason) for s in document.skipped]
    assert reasons == [
        ("صفحة بلا رابط", "missing_xml_url"),
        ("Local file", "invalid_xml_url"),
        ("الجزيرة مرة ثانية", "duplicate"),
    ]
    assert document.skipped[1].xml_url == "file:///etc/passwd"


def test_parse_opml_logs_each_skipped_outline(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="akhbar.sources.opml"):
        parse_opml(EXPORT.read_bytes(), path="subs.opml")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert "reason=missing_xml_url" in messages[0]
    assert "path=subs.opml" in messages[0]


def test_round_trip_keeps_titles_urls_and_categories() -> None:
    feeds = [
        OpmlFeed("اليوم السابع", "https://www.youm7.com/rss/SectionRss?SectionID=65",
                 "https://www.youm7.com", "أخبار/مصر"),
        OpmlFeed("عكاظ", "https://www.okaz.com.sa/rssFeed/0", "", "أخبار/الخليج"),
        OpmlFeed("UN News", "https://news.un.org/feed/subscribe/ar/news/all/rss.xml?a=1&b=2"),
        OpmlFeed("المصري اليوم", "https://www.almasryalyoum.com/rss/rssfeeds", "", "أخبار/مصر"),
    ]  # fmt: skip
    again = parse_opml(write_opml(feeds, title="akhbar"))
    assert sorted(again, key=lambda f: f.xml_url) == sorted(feeds, key=lambda f: f.xml_url)


def test_written_opml_groups_by_category_and_is_utf8() -> None:
    feeds = [
        OpmlFeed("أ", "https://a.example/feed", category="مصر"),
        OpmlFeed("ب", "https://b.example/feed", category="الخليج"),
        OpmlFeed("ج", "https://c.example/feed", category="مصر"),
    ]
    data = write_opml(feeds, title="اشتراكات")
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert "اشتراكات".encode() in data
    document = read_opml(data)
    assert document.title == "اشتراكات"
    # Feeds of one category are written together, folders in first-seen order.
    assert [f.title for f in document.feeds] == ["أ", "ج", "ب"]
    assert b'version="2.0"' in data


def test_written_opml_drops_characters_xml_cannot_hold() -> None:
    data = write_opml([OpmlFeed("عنوان\x0b\x01", "https://a.example/feed")], title="t\x00")
    assert parse_opml(data) == [OpmlFeed("عنوان", "https://a.example/feed")]


def test_windows_1256_opml_is_decoded_from_its_declaration() -> None:
    document = read_opml((DATA / "windows1256.opml").read_bytes())
    assert document.title == "أخبار"
    assert document.feeds == [OpmlFeed("الشروق", "https://www.shorouknews.com/rss/main")]


def test_malformed_xml_raises_format_error_with_path_and_line() -> None:
    data = b'<?xml version="1.0"?>\n<opml version="2.0">\n<body>\n<outline text="x">\n</opml>'
    with pytest.raises(FormatError) as info:
        parse_opml(data, path="broken.opml")
    assert info.value.path == "broken.opml"
    assert info.value.line == 5
    assert str(info.value).startswith("broken.opml:5: not well-formed XML")


def test_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://a.example/"/></body></opml>'
    )
    with pytest.raises(FormatError, match="refused XML feature"):
        parse_opml(bomb, path="bomb.opml")


def test_external_entity_is_refused() -> None:
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/"/></body></opml>'
    )
    with pytest.raises(FormatError):
        parse_opml(xxe)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss><channel/></rss>", "root element is <rss>"),
        (b'<opml version="2.0"><head/></opml>', "no <body>"),
        (b"", "not well-formed"),
    ],
)
def test_documents_that_are_not_opml_are_rejected(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_opml(data, path="x.opml")


def test_namespaced_opml_and_unnamed_folders_are_read() -> None:
    data = (
        '<opml xmlns="http://example.org/opml" version="2.0"><body>'
        '<outline><outline text="عاجل" xmlUrl="https://a.example/rss"/></outline>'
        "</body></opml>"
    ).encode()
    assert parse_opml(data) == [OpmlFeed("عاجل", "https://a.example/rss")]
