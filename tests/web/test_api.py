"""The JSON API: shapes, cursors, ETags, problem details, the OpenAPI document."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.routing import Route

from akhbar.export import article_to_dict
from akhbar.web.routes import api
from akhbar.web.store import open_web_store
from tests.web.conftest import Corpus, TestClient


def test_article_detail_is_the_export_shape_plus_extras(client: TestClient, corpus: Corpus) -> None:
    r = client.get(f"/api/v1/articles/{corpus.ids['fair']}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    store = open_web_store(corpus.path)
    try:
        expected = article_to_dict(store.get_article(corpus.ids["fair"]))
    finally:
        store.close()
    assert {k: data[k] for k in expected} == expected
    # The other outlets' reports of its story, earliest first; the copy is not one of them.
    assert [c["id"] for c in data["same_story"]] == [
        corpus.ids["fair_other"],
        corpus.ids["fair_third"],
    ]
    assert data["story_id"] == corpus.ids["story_fair"]
    assert [c["id"] for c in data["read_also"]] == [corpus.ids["library"]]
    assert data["also_published_in"] == ["عكاظ"]
    assert {t["display"] for t in data["tag_refs"]} >= {"السعودية", "ثقافة"}


def test_article_list_cursor_pagination(client: TestClient) -> None:
    ids: list[int] = []
    cursor = None
    while True:
        url = "/api/v1/articles?limit=15" + (f"&after={quote(cursor)}" if cursor else "")
        data = client.get(url).json()
        ids += [item["id"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == len(set(ids)) == 53


def test_etag_and_304(client: TestClient, corpus: Corpus) -> None:
    url = f"/api/v1/articles/{corpus.ids['fair']}"
    first = client.get(url)
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_problem_details_for_404_and_bad_input(client: TestClient) -> None:
    for url, status in [
        ("/api/v1/articles/999999", 404),
        ("/api/v1/tags/nothing-here", 404),
        ("/api/v1/articles?after=garbage", 400),
        ("/api/v1/articles?limit=5000", 400),
        ("/api/v1/nothing", 404),
    ]:
        r = client.get(url)
        assert r.status_code == status, url
        assert r.headers["content-type"] == "application/problem+json", url
        body = r.json()
        assert {"type", "title", "status", "detail"} <= set(body)
        assert body["status"] == status


def test_search_bad_query_is_a_400_problem(client: TestClient) -> None:
    r = client.get("/api/v1/search?q=" + quote('"مفتوح'))
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/bad-query")
    assert "Traceback" not in r.text


def test_search_returns_hits_with_marked_snippets(client: TestClient) -> None:
    data = client.get("/api/v1/search?q=" + quote("معرض الرياض")).json()
    assert data["total"] >= 2
    assert all("<mark>" in h["snippet"] for h in data["hits"])


def test_related_trends_tags_sources_story(client: TestClient, corpus: Corpus) -> None:
    related = client.get(f"/api/v1/articles/{corpus.ids['fair']}/related").json()
    assert [i["id"] for i in related["items"]] == [corpus.ids["library"]]
    trends = client.get("/api/v1/tags/" + quote("ثقافة") + "/trends").json()
    assert len(trends["per_day"]) == 30 and trends["per_day"][-1]["articles"] == 2
    assert trends["per_day"][-2]["articles"] == 1  # the library, a day earlier
    assert "السعودية" in [c["tag"] for c in trends["co_occurring"]]
    assert (
        len(client.get("/api/v1/tags/" + quote("ثقافة") + "/trends?days=7").json()["per_day"]) == 7
    )
    tags = client.get("/api/v1/tags").json()["items"]
    assert tags[0]["display"] == "طقس"
    sources = client.get("/api/v1/sources").json()["items"]
    assert any(s["name"] == "الشرق الأوسط" and s["feeds"] == 1 for s in sources)
    story = client.get(f"/api/v1/stories/{corpus.ids['story_fair']}").json()
    fair = {corpus.ids[k] for k in ("fair", "fair_other", "fair_third", "fair_copy")}
    assert {i["id"] for i in story["articles"]} == fair and story["outlet_count"] == 4
    source = client.get(f"/api/v1/sources/{corpus.ids['source_saudi']}").json()
    assert source["feed_list"][0]["url"] == "https://aawsat.example/feed.xml"


def test_openapi_lists_every_api_route(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    app_routes = {
        (r.path.replace("{id:int}", "{id}"), method.lower())
        for r in client.app.routes  # type: ignore[attr-defined]
        if isinstance(r, Route) and r.path.startswith("/api/") and r.methods
        for method in r.methods - {"HEAD"}
    }
    documented = {(path, m) for path, ops in doc["paths"].items() for m in ops}
    assert app_routes == documented
    assert len(app_routes) == len(api.ENDPOINTS)
    assert doc["paths"]["/api/v1/poll"]["post"]["security"] == [{"bearerAuth": []}]


def test_docs_page_lists_paths(client: TestClient) -> None:
    r = client.get("/api/v1/docs")
    assert "/api/v1/articles/{id}" in r.text and "cdn" not in r.text.lower()


def test_story_list_api_is_the_home_page_as_data(client: TestClient, corpus: Corpus) -> None:
    data = client.get("/api/v1/stories").json()
    first = data["items"][0]
    assert first["type"] == "story" and first["id"] == corpus.ids["story_fair"]
    assert (first["outlet_count"], first["article_count"]) == (4, 4)
    assert first["lead_id"] == corpus.ids["fair"]
    assert {"canonical", "display"} <= set(first["tags"][0])
    # The HTML page links the same entries in the same order.
    html = client.get("/").text
    links = re.findall(r'class="card-title" href="/(stories|articles)/(\d+)"', html)
    assert links == [
        ("stories" if i["type"] == "story" else "articles", str(i["id"])) for i in data["items"]
    ]


def test_story_list_cursor_visits_every_entry_once(client: TestClient, corpus: Corpus) -> None:
    seen: list[tuple[str, int]] = []
    cursor = None
    while True:
        url = "/api/v1/stories?limit=2" + (f"&after={quote(cursor)}" if cursor else "")
        data = client.get(url).json()
        seen += [(i["type"], i["id"]) for i in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    stories = {corpus.ids[k] for k in ("story_fair", "story_filler")}
    assert len(seen) == len(set(seen)) == 6  # 4 stories + 2 articles in no story
    assert stories <= {i for t, i in seen if t == "story"}
    # Articles in no story come in by date; the undated one is last.
    assert ("article", corpus.ids["markup"]) in seen and seen[-1] == ("article", corpus.ids["rain"])


def test_story_twins_and_missing_story(client: TestClient, corpus: Corpus) -> None:
    story = client.get(f"/api/v1/stories/{corpus.ids['story_fair']}").json()
    copy = next(a for a in story["articles"] if a["id"] == corpus.ids["fair_copy"])
    assert copy["duplicate_of"] == corpus.ids["fair"]
    lead = next(a for a in story["articles"] if a["id"] == corpus.ids["fair"])
    assert lead["also_published_in"] == ["عكاظ"]
    html = client.get(f"/stories/{corpus.ids['story_fair']}").text
    for a in story["articles"]:
        if a["duplicate_of"] is None:
            assert f'href="/articles/{a["id"]}"' in html
    missing = client.get("/api/v1/stories/999999")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_related_api_is_the_article_pages_list(client: TestClient, corpus: Corpus) -> None:
    for key in ("fair", "library", "metro", "rain"):
        related = client.get(f"/api/v1/articles/{corpus.ids[key]}/related").json()["items"]
        page = client.get(f"/articles/{corpus.ids[key]}").text
        section = page.split('class="read-also"', 1)[1] if related else ""
        for item in related:
            assert f'href="/articles/{item["id"]}"' in section, key
        if not related:
            assert 'class="read-also"' not in page, key
