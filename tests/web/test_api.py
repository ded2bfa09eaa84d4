"""The JSON API: shapes, cursors, ETags, problem details, the OpenAPI document."""

from __future__ import annotations

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
    assert [c["id"] for c in data["same_story"]] == [corpus.ids["fair_other"]]
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
    assert len(ids) == len(set(ids)) == 52


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
    tags = client.get("/api/v1/tags").json()["items"]
    assert tags[0]["display"] == "طقس"
    sources = client.get("/api/v1/sources").json()["items"]
    assert any(s["name"] == "الشرق الأوسط" and s["feeds"] == 1 for s in sources)
    story = client.get(f"/api/v1/stories/{corpus.ids['fair']}").json()
    assert {i["id"] for i in story["items"]} == {corpus.ids["fair"], corpus.ids["fair_other"]}
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
