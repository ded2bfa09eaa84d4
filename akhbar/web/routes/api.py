"""The JSON API, /api/v1. One table (`ENDPOINTS`) makes both the routes and the OpenAPI 3.1
document, so the document cannot miss a route.

GETs carry an ETag and Cache-Control (304 on If-None-Match); errors are RFC 9457 problem
details; write endpoints take `Authorization: Bearer <admin token>` only — never the browser's
session cookie, so a cross-site form cannot ride on it and the API needs no CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from akhbar.export import trend_to_dict
from akhbar.web.actions import add_source, set_feed_enabled, start_poll
from akhbar.web.openapi import Param, openapi_document
from akhbar.web.problems import Problem
from akhbar.web.render import json_response, render
from akhbar.web.routes.common import (
    MAX_SEARCH_PAGE,
    compose_query,
    int_param,
    rate_limit,
    reader_of,
    run_search,
)
from akhbar.web.security import bearer_token
from akhbar.web.views import (
    TREND_DAYS,
    article_view,
    card_to_dict,
    entry_page_to_dict,
    feed_to_dict,
    home_page,
    latest_articles,
    page_to_dict,
    parse_cursor,
    parse_entry_cursor,
    parse_limit,
    source_to_dict,
    source_view,
    story_view,
    tag_view,
    trend_view,
)

Handler = Callable[[Request], Awaitable[Response]]
MAX_JSON_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    params: tuple[Param, ...] = ()
    admin: bool = False
    body: dict[str, Any] | None = None
    tags: tuple[str, ...] = field(default=())


LIST_PARAMS = (
    Param("after", "query", "cursor: the next_cursor of the previous page"),
    Param("limit", "query", "items per page, 1-100 (default 20)", "integer"),
)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise Problem(413, "request body too large")
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as exc:
        raise Problem(400, f"body is not JSON: {exc}", kind="bad-json") from exc
    if not isinstance(data, dict):
        raise Problem(400, "body must be a JSON object", kind="bad-json")
    return data


def _require_bearer(request: Request) -> None:
    reader = reader_of(request)
    if not reader.keys.admin_enabled:
        raise Problem(403, "write API is off: set AKHBAR_ADMIN_TOKEN", kind="admin-off")
    token = bearer_token(request)
    if token is None or not reader.keys.token_matches(token):
        raise Problem(
            401,
            "send Authorization: Bearer <admin token>",
            kind="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="akhbar"'},
        )
    rate_limit(request, "write")


# --- reads --------------------------------------------------------------------------------------


async def articles(request: Request) -> Response:
    p = request.query_params
    page = latest_articles(
        reader_of(request).store,
        after=parse_cursor(p.get("after")),
        limit=parse_limit(p.get("limit")),
        country=p.get("country", ""),
        tag=p.get("tag", ""),
    )
    return json_response(request, page_to_dict(page), max_age=15)


async def article(request: Request) -> Response:
    view = article_view(reader_of(request).store, request.path_params["id"])
    return json_response(request, view.to_dict(), max_age=60)


async def related(request: Request) -> Response:
    view = article_view(reader_of(request).store, request.path_params["id"])
    return json_response(request, {"items": [card_to_dict(c) for c in view.related]})


async def stories(request: Request) -> Response:
    """Twin of the home page: the same function, the same parameters."""
    p = request.query_params
    page = home_page(
        reader_of(request).store,
        after=parse_entry_cursor(p.get("after")),
        limit=parse_limit(p.get("limit")),
        country=p.get("country", ""),
        tag=p.get("tag", ""),
    )
    return json_response(request, entry_page_to_dict(page), max_age=15)


async def story(request: Request) -> Response:
    view = story_view(reader_of(request).store, request.path_params["id"])
    return json_response(request, view.to_dict())


async def tags(request: Request) -> Response:
    limit = int_param(request, "limit", 50, low=1, high=500)
    rows = reader_of(request).store.top_tags(limit=limit)
    items = [{"canonical": c, "display": d, "type": t, "articles": n} for c, d, t, n in rows]
    return json_response(request, {"items": items})


async def tag(request: Request) -> Response:
    p = request.query_params
    view = tag_view(
        reader_of(request).store,
        request.path_params["name"],
        after=parse_cursor(p.get("after")),
        limit=parse_limit(p.get("limit")),
    )
    t = view.tag
    data = {
        "id": t.id,
        "canonical": t.canonical,
        "display": t.display,
        "type": t.type,
        "aliases": list(t.aliases),
        "articles": t.article_count,
        "seen_with": [
            {"tag_id": c.tag_id, "display": c.display, "shared": c.articles}
            for c in view.trend.co_tags
        ],
        **page_to_dict(view.page),
    }
    return json_response(request, data)


async def trends(request: Request) -> Response:
    """The tag page's chart as data: akhbar.cluster.trends.tag_trend, as `akhbar trends`."""
    days = int_param(request, "days", TREND_DAYS, low=1, high=3660)
    trend = trend_view(reader_of(request).store, request.path_params["name"], days=days)
    return json_response(request, trend_to_dict(trend))


async def sources(request: Request) -> Response:
    items = [source_to_dict(s) for s in reader_of(request).store.sources_with_health()]
    return json_response(request, {"items": items})


async def source(request: Request) -> Response:
    p = request.query_params
    view = source_view(
        reader_of(request).store,
        request.path_params["id"],
        after=parse_cursor(p.get("after")),
        limit=parse_limit(p.get("limit")),
    )
    data = {
        **source_to_dict(view.source),
        "feed_list": [feed_to_dict(f) for f in view.feeds],
        **page_to_dict(view.page),
    }
    return json_response(request, data)


async def search(request: Request) -> Response:
    query = compose_query(request)
    if not query:
        raise Problem(400, "q is required", kind="bad-query")
    page = int_param(request, "page", 1, low=1, high=MAX_SEARCH_PAGE)
    result = run_search(
        request, query, page=page, sort=request.query_params.get("sort", "relevance")
    )
    data = {
        "query": query,
        "total": result.total,
        "page": page,
        "hits": [h.to_dict() for h in result.hits],
    }
    return json_response(request, data, max_age=15)


# --- writes -------------------------------------------------------------------------------------


async def create_source(request: Request) -> Response:
    _require_bearer(request)
    data = await _json_body(request)
    url, name = data.get("url"), data.get("name")
    if not isinstance(url, str) or not (name is None or isinstance(name, str)):
        raise Problem(422, "url (string) is required; name is an optional string", kind="bad-body")
    found = await add_source(reader_of(request), url, name)
    feeds = [
        {"url": f.url, "kind": f.kind, "title": f.title, "items": f.items, "added": f.added}
        for f in found
    ]
    return json_response(request, {"feeds": feeds}, status=201)


async def update_feed(request: Request) -> Response:
    _require_bearer(request)
    data = await _json_body(request)
    if not isinstance(data.get("enabled"), bool):
        raise Problem(422, 'body must be {"enabled": true|false}', kind="bad-body")
    set_feed_enabled(reader_of(request), request.path_params["id"], data["enabled"])
    return json_response(request, {"id": request.path_params["id"], "enabled": data["enabled"]})


async def poll(request: Request) -> Response:
    _require_bearer(request)
    data = await _json_body(request)
    source_name = data.get("source")
    if source_name is not None and not isinstance(source_name, str):
        raise Problem(422, "source must be a string", kind="bad-body")
    if not start_poll(reader_of(request), source_name):
        raise Problem(409, "a poll is already running", kind="poll-running")
    return json_response(request, {"status": "started"}, status=202)


# --- the document -------------------------------------------------------------------------------


async def openapi(request: Request) -> Response:
    return json_response(request, openapi_document(ENDPOINTS), max_age=300)


async def docs(request: Request) -> Response:
    reader = reader_of(request)
    return render(request, reader, "api_docs.html", doc=openapi_document(ENDPOINTS))


ID = Param("id", "path", "article id", "integer", required=True)
NAME = Param("name", "path", "tag name (canonical or any spelling)", required=True)
SEARCH_PARAMS = (
    Param(
        "q",
        "query",
        'query: words, "phrases", a OR b, -word, source: tag: from: to:',
        required=True,
    ),
    Param("source", "query", "only this outlet"),
    Param("tag", "query", "only articles with this tag"),
    Param("from", "query", "published on or after (ISO or Arabic date)"),
    Param("to", "query", "published on or before"),
    Param("sort", "query", "relevance (default) or date"),
    Param("page", "query", "page number, 1-50", "integer"),
)
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        "/api/v1/articles",
        articles,
        "Latest articles, newest first",
        (
            *LIST_PARAMS,
            Param("country", "query", "outlet country code"),
            Param("tag", "query", "tag name"),
        ),
    ),
    Endpoint(
        "GET",
        "/api/v1/articles/{id}",
        article,
        "One article: the export shape plus tag_refs, read_also, same_story, also_published_in",
        (ID,),
    ),
    Endpoint(
        "GET",
        "/api/v1/articles/{id}/related",
        related,
        "Read also: close topic and time, other stories (the article page's list)",
        (ID,),
    ),
    Endpoint(
        "GET",
        "/api/v1/stories",
        stories,
        "Latest stories (lead title, outlet and article counts) and articles in no story,"
        " newest first: the home page as data; items have type story or article",
        (
            *LIST_PARAMS,
            Param("country", "query", "only stories with an outlet of this country code"),
            Param("tag", "query", "only stories with an article carrying this tag"),
        ),
    ),
    Endpoint(
        "GET",
        "/api/v1/stories/{id}",
        story,
        "One story: counts, outlets, every article earliest first (duplicate_of,"
        " also_published_in)",
        (Param("id", "path", "story id", "integer", required=True),),
    ),
    Endpoint(
        "GET",
        "/api/v1/tags",
        tags,
        "Most used tags",
        (Param("limit", "query", "how many, 1-500", "integer"),),
    ),
    Endpoint("GET", "/api/v1/tags/{name}", tag, "A tag and its articles", (NAME, *LIST_PARAMS)),
    Endpoint(
        "GET",
        "/api/v1/tags/{name}/trends",
        trends,
        "Articles per day with the tag, momentum and co-occurring tags",
        (NAME, Param("days", "query", "length of the period, 1-3660 (default 30)", "integer")),
    ),
    Endpoint("GET", "/api/v1/sources", sources, "Outlets with feed health"),
    Endpoint(
        "GET",
        "/api/v1/sources/{id}",
        source,
        "One outlet: health, feeds, articles",
        (Param("id", "path", "source id", "integer", required=True), *LIST_PARAMS),
    ),
    Endpoint("GET", "/api/v1/search", search, "Full-text search", SEARCH_PARAMS),
    Endpoint(
        "POST",
        "/api/v1/sources",
        create_source,
        "Follow the feeds found at a URL",
        admin=True,
        body={"url": "string", "name": "string"},
    ),
    Endpoint(
        "POST",
        "/api/v1/feeds/{id}",
        update_feed,
        "Enable or disable a feed",
        (Param("id", "path", "feed id", "integer", required=True),),
        admin=True,
        body={"enabled": "boolean"},
    ),
    Endpoint(
        "POST",
        "/api/v1/poll",
        poll,
        "Start a poll of the due feeds in the background",
        admin=True,
        body={"source": "string"},
    ),
    Endpoint("GET", "/api/v1/openapi.json", openapi, "This OpenAPI 3.1 document"),
    Endpoint("GET", "/api/v1/docs", docs, "This documentation as an HTML page"),
)


def _route_path(e: Endpoint) -> str:
    # Typed path parameters: /articles/abc is a 404, never a handler error.
    return e.path.replace("{id}", "{id:int}")


ROUTES = [Route(_route_path(e), e.handler, methods=[e.method]) for e in ENDPOINTS]
