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
        f"/stories/{corpus.ids['story_fair']}",
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


def test_home_lists_latest_stories_with_outlet_counts(client: TestClient, corpus: Corpus) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "آخر الأخبار" in r.text
    links = re.findall(r'class="card-title" href="/(stories|articles)/(\d+)" dir="auto"', r.text)
    # The book fair's story is the newest (its copy came last), listed once for 4 articles.
    assert links[0] == ("stories", str(corpus.ids["story_fair"]))
    assert [kind for kind, _ in links].count("stories") == 4
    first = r.text.split('class="card story-card"', 2)[1]
    assert "افتتاح معرض الرياض الدولي للكتاب" in first  # the lead's title
    assert "عدد المصادر: ٤" in first and "عدد المقالات: ٤" in first
    assert "منذ ساعة" in first  # its latest article, 50 minutes after the lead
    assert 'class="tag-list card-tags"' in first and ">ثقافة</a>" in first
    # The filler weather story: 45 articles from one outlet, one card.
    assert "عدد المقالات: ٤٥" in r.text and "عدد المصادر: ١<" in r.text
    assert "عدد المقالات: ١<" not in r.text  # a lone report shows no counts
    # Articles in no story still appear, as article cards.
    assert ("articles", str(corpus.ids["markup"])) in links
    assert ("articles", str(corpus.ids["rain"])) == links[-1]


def test_home_cursor_pagination_visits_every_entry_once(client: TestClient) -> None:
    seen: list[tuple[str, str]] = []
    url: str | None = "/?limit=2"
    while url:
        page = client.get(url).text
        seen += re.findall(r'class="card-title" href="/(stories|articles)/(\d+)"', page)
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == len(set(seen)) == 6  # 4 stories, 2 articles in no story
    assert seen == re.findall(
        r'class="card-title" href="/(stories|articles)/(\d+)"', client.get("/").text
    )


def test_home_filters_by_country_and_tag(client: TestClient, corpus: Corpus) -> None:
    r = client.get("/?country=EG")
    links = re.findall(r'class="card-title" href="/(stories|articles)/(\d+)"', r.text)
    assert len(links) == 1 and links[0][0] == "stories" and "مترو القاهرة" in r.text
    r = client.get("/?tag=" + quote("النقل"))
    assert "مترو القاهرة" in r.text and "معرض الرياض" not in r.text
    r = client.get("/?country=SA")  # a story matches when one of its outlets does
    assert "معرض الرياض" in r.text and "مترو القاهرة" not in r.text


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
    same = text.split('class="same-story"', 1)[1].split("</section>", 1)[0]
    assert "التغطية نفسها في مصادر أخرى" in same
    assert "انطلاق معرض الرياض" in same and ">العربية</a>" in same and ">سبق</a>" in same
    assert f'href="/stories/{corpus.ids["story_fair"]}"' in same
    assert "عكاظ" not in same  # the copy is «نُشر أيضاً في», not another report
    also = text.split('class="read-also"', 1)[1].split("</section>", 1)[0]
    assert "اقرأ أيضاً" in also and "مكتبة الملك فهد" in also
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


def test_story_page_lists_every_member_and_folds_copies(client: TestClient, corpus: Corpus) -> None:
    r = client.get(f"/stories/{corpus.ids['story_fair']}")
    assert r.status_code == 200
    assert "عدد المصادر: ٤" in r.text and "عدد المقالات: ٤" in r.text
    for name in ("العربية", "الشرق الأوسط", "سبق", "عكاظ"):
        assert name in r.text
    for key in ("fair", "fair_other", "fair_third"):
        assert f'href="/articles/{corpus.ids[key]}"' in r.text
    # The copy is folded into its original.
    assert f'href="/articles/{corpus.ids["fair_copy"]}"' not in r.text
    assert 'نُشر أيضاً في: <span dir="auto">عكاظ</span>' in r.text


def test_article_in_no_story_falls_back_to_links(client: TestClient, corpus: Corpus) -> None:
    r = client.get(f"/articles/{corpus.ids['rain']}")
    assert r.status_code == 200
    same = r.text.split('class="same-story"', 1)[1].split("</section>", 1)[0]
    assert f'href="/articles/{corpus.ids["markup"]}"' in same
    assert 'href="/stories/' not in same  # no story to link to


def test_read_also_computed_once_is_stored(
    client: TestClient, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    from akhbar.web import views
    from akhbar.web.store import open_web_store

    monkeypatch.setattr(views, "CACHE_RELATED_MS", -1.0)  # always slow enough to store
    store = open_web_store(corpus.path)
    try:
        # As in a store from before the stories step stored links: none for this article.
        store.db.execute(
            "DELETE FROM article_relations WHERE kind = 'related' AND ? IN (article_id, other_id)",
            (corpus.ids["fair"],),
        )
        assert store.relation_ids(corpus.ids["fair"], "related") == []
        first = client.get(f"/api/v1/articles/{corpus.ids['fair']}").json()
        assert [c["id"] for c in first["read_also"]] == [corpus.ids["library"]]
        assert store.relation_ids(corpus.ids["fair"], "related") == [corpus.ids["library"]]
    finally:
        store.close()
    # Later requests read the stored link: same list, and the response already said so.
    again = client.get(f"/api/v1/articles/{corpus.ids['fair']}").json()
    assert again == first
    assert {"id": corpus.ids["library"], "kind": "related"}.items() <= next(
        r for r in again["related"] if r["kind"] == "related"
    ).items()


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
