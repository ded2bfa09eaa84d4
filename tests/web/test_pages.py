"""Reader pages over HTTP: content, right-to-left markup, headers, errors, pagination."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.web.conftest import Corpus, TestClient

PAGES = [
    "/",
    "/tags/ثقافة",
    "/sources",
    "/search",
    "/search?q=معرض",
    "/api/v1/docs",
    "/admin/sources",
]


def article_url(corpus: Corpus, key: str) -> str:
    return f"/articles/{corpus.ids[key]}"


def all_pages(corpus: Corpus) -> list[str]:
    return [
        *PAGES,
        article_url(corpus, "fair"),
        f"/stories/{corpus.ids['fair']}",
        f"/sources/{corpus.ids['source_saudi']}",
    ]


def test_every_page_is_rtl_arabic_with_csp_and_no_inline_script(
    client: TestClient, corpus: Corpus
) -> None:
    for path in all_pages(corpus):
        r = client.get(path)
        assert r.status_code in (200, 401), path
        assert '<html lang="ar" dir="rtl"' in r.text, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "referrer-policy" in r.headers
        # Scripts only by src, no inline <script> body, no style attributes or <style> blocks.
        for script in re.findall(r"<script[^>]*>(.*?)</script>", r.text, re.DOTALL):
            assert script.strip() == "", path
        assert "<script>" not in r.text
        assert " style=" not in r.text and "<style" not in r.text, path
        assert re.search(r"\son[a-z]+=", r.text) is None, path


def test_english_ui_switch_by_query_and_cookie(client: TestClient) -> None:
    r = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr"' in r.text and "Latest news" in r.text
    client.cookies.set("lang", "en")
    assert "Latest news" in client.get("/").text
    client.cookies.clear()


def test_home_lists_latest_articles_newest_first_with_dir_auto(
    client: TestClient, corpus: Corpus
) -> None:
    r = client.get("/")
    assert r.status_code == 200
    titles = re.findall(r'class="card-title" href="/articles/(\d+)" dir="auto"', r.text)
    assert len(titles) == 20
    assert int(titles[0]) == corpus.ids["fair_copy"]  # the newest
    assert "آخر الأخبار" in r.text


def test_home_cursor_pagination_visits_every_article_once(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/"
    while url:
        page = client.get(url).text
        seen += re.findall(r'class="card-title" href="/articles/(\d+)"', page)
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == len(set(seen)) == 52  # 7 written + 45 fillers; undated ones last


def test_home_filters_by_country_and_tag(client: TestClient, corpus: Corpus) -> None:
    r = client.get("/?country=EG")
    assert re.findall(r'href="/articles/(\d+)"', r.text) == [str(corpus.ids["metro"])]
    r = client.get("/?tag=" + quote("النقل"))
    assert "مترو القاهرة" in r.text and "معرض الرياض" not in r.text


def test_article_page_shows_dates_body_links_and_sections(
    client: TestClient, corpus: Corpus
) -> None:
    r = client.get(article_url(corpus, "fair"))
    text = r.text
    assert r.status_code == 200
    assert "منذ ساعتين" in text
    assert "١٢ أكتوبر ٢٠٢٣" in text and "ربيع الأول ١٤٤٥ هـ" in text
    assert "بتوقيت غرينتش" in text
    assert '<h1 dir="auto">افتتاح معرض الرياض الدولي للكتاب' in text
    assert text.count("<p>") >= 3  # three paragraphs of the body
    assert 'href="https://aawsat.example/fair" rel="noopener noreferrer nofollow"' in text
    assert "التغطية نفسها في مصادر أخرى" in text and "انطلاق معرض الرياض" in text
    assert "اقرأ أيضاً" in text and "مكتبة الملك فهد" in text
    assert "نُشر أيضاً في:" in text and "عكاظ" in text
    # Tags link by canonical name, show the original spelling (never the normalised one).
    assert f'href="/tags/{quote("السعوديه")}"' in text
    assert ">السعودية</a>" in text and ">السعوديه<" not in text


def test_article_page_in_readers_zone(client: TestClient, corpus: Corpus) -> None:
    r = client.get(article_url(corpus, "fair") + "?tz=Asia/Riyadh")
    assert "١٤:٣٥ بتوقيت مكة المكرمة" in r.text


def test_feed_markup_is_escaped_and_javascript_urls_dropped(
    client: TestClient, corpus: Corpus
) -> None:
    r = client.get(article_url(corpus, "markup"))
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert "&lt;" in r.text
    assert "javascript:" not in r.text


def test_undated_article_says_so(client: TestClient, corpus: Corpus) -> None:
    assert "تاريخ النشر غير معروف" in client.get(article_url(corpus, "rain")).text


def test_tag_page_has_svg_chart_and_co_tags(client: TestClient) -> None:
    r = client.get("/tags/" + quote("ثقافة"))
    assert r.status_code == 200
    assert "<svg" in r.text and 'class="bar"' in r.text
    assert r.text.count("<rect") == 30
    assert "وسوم تظهر معه" in r.text and ">السعودية</a>" in r.text


def test_tag_page_finds_a_tag_by_any_spelling(client: TestClient) -> None:
    assert client.get("/tags/" + quote("السعوديه")).status_code == 200
    assert client.get("/tags/" + quote("السعودية")).status_code == 200


def test_story_page_lists_outlets(client: TestClient, corpus: Corpus) -> None:
    r = client.get(f"/stories/{corpus.ids['fair']}")
    assert "العربية" in r.text and "الشرق الأوسط" in r.text
    assert "انطلاق معرض الرياض" in r.text


def test_source_page_shows_feed_health(client: TestClient, corpus: Corpus) -> None:
    r = client.get(f"/sources/{corpus.ids['source_saudi']}")
    assert "https://aawsat.example/feed.xml" in r.text and "حالة الخلاصات" in r.text


def test_search_page_highlights_and_shows_query_errors(client: TestClient) -> None:
    r = client.get("/search?q=" + quote("معرض"))
    assert r.status_code == 200 and "<mark>" in r.text
    bad = client.get("/search?q=" + quote('"معرض'))
    assert bad.status_code == 400
    assert 'class="error"' in bad.text and "quote" in bad.text


def test_search_page_filters_by_source(client: TestClient) -> None:
    r = client.get("/search?q=" + quote("معرض") + "&source=" + quote("العربية"))
    assert "انطلاق" in r.text  # the title is highlighted: <mark> splits the phrase
    assert "افتتاح" not in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/articles/999999",
        "/tags/nothing-here",
        "/stories/999999",
        "/sources/999999",
        "/no/such/page",
    ],
)
def test_missing_pages_are_html_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="ar" dir="rtl"' in r.text


def test_bad_cursor_is_400_not_500(client: TestClient) -> None:
    assert client.get("/?after=garbage").status_code == 400


def test_prefs_sets_cookie_and_refuses_open_redirect(client: TestClient) -> None:
    r = client.get("/prefs?theme=dark&next=/sources", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sources"
    assert "theme=dark" in r.headers["set-cookie"]
    r = client.get("/prefs?theme=dark&next=//evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"
    client.cookies.set("theme", "dark")
    assert 'data-theme="dark"' in client.get("/").text
    client.cookies.clear()


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/akhbar.css").status_code == 200
    assert client.get("/static/theme.js").status_code == 200
    font = client.get("/static/fonts/NotoNaskhArabic-Regular.woff2")
    assert font.status_code == 200 and font.content[:4] == b"wOF2"
