"""Reader pages (HTML). Each calls the same view function as its /api/v1 twin."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from akhbar.errors import QueryError
from akhbar.web.format import zone_for
from akhbar.web.render import render
from akhbar.web.routes.common import (
    MAX_SEARCH_PAGE,
    SEARCH_PAGE_SIZE,
    compose_query,
    int_param,
    reader_of,
    run_search,
)
from akhbar.web.views import (
    article_view,
    cursor_text,
    entry_cursor_text,
    home_page,
    parse_cursor,
    parse_entry_cursor,
    parse_limit,
    source_view,
    story_view,
    tag_view,
)

PREF_COOKIE_SECONDS = 365 * 86400


def next_url(request: Request, cursor: str | None) -> str | None:
    """This page's URL with `after` moved to the next page (other filters kept)."""
    if cursor is None:
        return None
    params = {k: v for k, v in request.query_params.items() if k != "after"}
    params["after"] = cursor
    return f"{request.url.path}?{urlencode(params)}"


async def home(request: Request) -> Response:
    """The latest stories (twin: /api/v1/stories, same function, same parameters)."""
    reader = reader_of(request)
    params = request.query_params
    country, tag = params.get("country", ""), params.get("tag", "")
    page = home_page(
        reader.store,
        after=parse_entry_cursor(params.get("after")),
        limit=parse_limit(params.get("limit")),
        country=country,
        tag=tag,
    )
    return render(
        request,
        reader,
        "home.html",
        page=page,
        country=country,
        tag=tag,
        countries=reader.store.countries(),
        next_url=next_url(request, entry_cursor_text(page.next_cursor)),
    )


async def article(request: Request) -> Response:
    reader = reader_of(request)
    view = article_view(reader.store, request.path_params["id"])
    return render(request, reader, "article.html", view=view)


async def tag(request: Request) -> Response:
    reader = reader_of(request)
    view = tag_view(
        reader.store,
        request.path_params["name"],
        after=parse_cursor(request.query_params.get("after")),
        limit=parse_limit(None),
    )
    peak = max((n for _, n in view.per_day), default=0)
    return render(
        request,
        reader,
        "tag.html",
        view=view,
        peak=peak,
        next_url=next_url(request, cursor_text(view.page.next_cursor)),
    )


async def story(request: Request) -> Response:
    reader = reader_of(request)
    view = story_view(reader.store, request.path_params["id"])
    return render(request, reader, "story.html", view=view)


async def source(request: Request) -> Response:
    reader = reader_of(request)
    view = source_view(
        reader.store,
        request.path_params["id"],
        after=parse_cursor(request.query_params.get("after")),
        limit=parse_limit(None),
    )
    return render(
        request,
        reader,
        "source.html",
        view=view,
        next_url=next_url(request, cursor_text(view.page.next_cursor)),
    )


async def sources(request: Request) -> Response:
    reader = reader_of(request)
    return render(request, reader, "sources.html", sources=reader.store.sources_with_health())


async def search_page(request: Request) -> Response:
    reader = reader_of(request)
    query = compose_query(request)
    page = int_param(request, "page", 1, low=1, high=MAX_SEARCH_PAGE)
    sort = request.query_params.get("sort", "relevance")
    context: dict[str, Any] = {
        "query": query,
        "form": request.query_params,
        "result": None,
        "error": "",
        "page_no": page,
        "prev_url": None,
        "next_url": None,
    }
    status = 200
    if query:
        try:
            result = run_search(request, query, page=page, sort=sort)
        except QueryError as exc:
            # The reader typed it: say what to fix, on the page, with the form kept.
            context["error"], status = str(exc), 400
        else:
            context["result"] = result
            params = dict(request.query_params)
            if page > 1:
                context["prev_url"] = "/search?" + urlencode({**params, "page": page - 1})
            if page * SEARCH_PAGE_SIZE < result.total and page < MAX_SEARCH_PAGE:
                context["next_url"] = "/search?" + urlencode({**params, "page": page + 1})
    return render(request, reader, "search.html", status=status, **context)


async def prefs(request: Request) -> Response:
    """Store a display preference (theme, language, time zone) in a cookie and go back.

    A plain link, so it works without JavaScript; it only sets the reader's own presentation
    cookies, which a cross-site request could not use against them.
    """
    params = request.query_params
    target = params.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"  # never an open redirect
    response = RedirectResponse(target, status_code=303)
    theme, lang, tz = params.get("theme"), params.get("lang"), params.get("tz")
    if theme in ("dark", "light", "auto"):
        response.set_cookie("theme", theme, max_age=PREF_COOKIE_SECONDS, samesite="lax")
    if lang in ("ar", "en"):
        response.set_cookie("lang", lang, max_age=PREF_COOKIE_SECONDS, samesite="lax")
    if tz is not None and (tz == "" or zone_for(tz).__class__.__name__ == "ZoneInfo"):
        response.set_cookie("tz", tz, max_age=PREF_COOKIE_SECONDS, samesite="lax")
    return response


ROUTES = [
    Route("/", home, name="home"),
    Route("/articles/{id:int}", article, name="article"),
    Route("/tags/{name:str}", tag, name="tag"),
    Route("/stories/{id:int}", story, name="story"),
    Route("/sources", sources, name="sources"),
    Route("/sources/{id:int}", source, name="source"),
    Route("/search", search_page, name="search"),
    Route("/prefs", prefs, name="prefs"),
]
