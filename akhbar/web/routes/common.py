"""Small helpers every route module uses: the Reader, rate limits, query-string parsing."""

from __future__ import annotations

import math

from starlette.requests import Request

from akhbar.errors import QueryError
from akhbar.search import SearchPage, search
from akhbar.web.app import Reader
from akhbar.web.problems import Problem
from akhbar.web.security import client_ip

SEARCH_PAGE_SIZE = 20
MAX_SEARCH_PAGE = 50


def reader_of(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


def rate_limit(request: Request, bucket: str) -> None:
    """Raise 429 (with Retry-After) when this client spent its tokens for `bucket`."""
    allowed, wait = reader_of(request).limiter.allow(bucket, client_ip(request))
    if not allowed:
        raise Problem(
            429,
            f"too many {bucket} requests; retry in {math.ceil(wait)} s",
            kind="rate-limited",
            headers={"Retry-After": str(math.ceil(wait))},
        )


def int_param(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise Problem(400, f"{name} must be an integer {low}-{high}", kind=f"bad-{name}")
    return int(text)


def compose_query(request: Request) -> str:
    """The search box plus the filter fields, as the query language's own filters. Quotes in
    a filter value are dropped: the value is always one quoted term, never new syntax."""
    params = request.query_params
    parts = [params.get("q", "").strip()]
    for field in ("source", "tag", "from", "to"):
        value = params.get(field, "").replace('"', " ").strip()
        if value:
            parts.append(f'{field}:"{value}"')
    return " ".join(p for p in parts if p)


def run_search(request: Request, query: str, *, page: int, sort: str) -> SearchPage:
    """One page of results through akhbar.search (the CLI's function); QueryError for a query
    it cannot read, a 503 problem when the index could not be opened."""
    reader = reader_of(request)
    if reader.engine is None:
        raise Problem(503, f"search is unavailable: {reader.search_error}", kind="no-search")
    rate_limit(request, "search")
    if sort not in ("relevance", "date"):
        raise QueryError(f"unknown sort {sort!r}; use relevance or date")
    # Another process (the poller) may have committed to the index since the last search.
    reader.engine.index.reload()
    return search(
        reader.store,
        reader.engine,
        query,
        limit=SEARCH_PAGE_SIZE,
        offset=(page - 1) * SEARCH_PAGE_SIZE,
        sort="date" if sort == "date" else "relevance",
        now=reader.now(),
        default_tz=reader.settings.default_timezone,
    )
