"""The reader's ASGI application: `create_app(settings)` → Starlette.

One process holds one store connection and reads on the event loop thread: a page is a handful
of indexed SQLite reads (well under a millisecond each), and handing them to a thread pool costs
more than it saves (2.6× slower, ../shared/notes/performance-anchors.md §6). Writes (adding a
source, a poll) open their own connection, so a long poll never holds the readers' one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from akhbar.config import Settings
from akhbar.errors import AkhbarError
from akhbar.search import SearchEngine, prepare_search
from akhbar.web.idle_ranking import Activity, ActivityMiddleware, rank_when_idle
from akhbar.web.problems import as_problem, is_api, problem_response
from akhbar.web.render import make_environments, render, static_root
from akhbar.web.security import Keys, Rate, RateLimiter, SecurityHeadersMiddleware
from akhbar.web.store import WebStore, open_web_store

log = logging.getLogger("akhbar.web")

DEFAULT_RATES = {
    "search": Rate(per_second=5.0, burst=20),
    "write": Rate(per_second=0.5, burst=10),
}


@dataclass(slots=True)
class Reader:
    """Everything a handler needs; one per application, at `request.app.state.reader`."""

    settings: Settings
    store: WebStore
    keys: Keys
    limiter: RateLimiter
    envs: dict[str, jinja2.Environment]  # compiled templates per UI language
    now: Callable[[], datetime]
    engine: SearchEngine | None = None
    search_error: str = ""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    owns_store: bool = True
    activity: Activity = field(default_factory=Activity)

    @contextlib.contextmanager
    def write_store(self) -> Iterator[WebStore]:
        """A store connection for a write; the shared one when the store is in memory."""
        if self.settings.db == ":memory:":
            yield self.store
            return
        store = open_web_store(self.settings.db)
        try:
            yield store
        finally:
            store.close()

    def open_search(self) -> None:
        """Open (and bring up to date) the search index; search pages say so when it fails."""
        from akhbar.pipeline.index_step import open_search_index

        try:
            self.engine = open_search_index(self.store)
        except AkhbarError as exc:
            self.search_error = str(exc)
            log.warning("web.search_unavailable", extra={"error": str(exc)})

    def poll_running(self) -> bool:
        return any(not t.done() for t in self.tasks)


def create_app(
    settings: Settings,
    *,
    store: WebStore | None = None,
    now: Callable[[], datetime] | None = None,
    rates: dict[str, Rate] | None = None,
    open_search: bool = True,
    rank_idle: bool = False,
) -> Starlette:
    """The reader. `store`, `now` and `rates` are for tests (a prepared store, a fixed clock,
    tight limits); `open_search=False` skips the search index (search pages then say so);
    `rank_idle` ranks queued "read also" lists while no request is served (`akhbar serve`;
    `akhbar run` ranks between its polls itself)."""
    from akhbar.web.routes import admin, api, feeds, pages

    reader = Reader(
        settings=settings,
        store=store if store is not None else open_web_store(settings.db),
        keys=Keys(settings.admin_token),
        limiter=RateLimiter(rates or DEFAULT_RATES),
        envs=make_environments(),
        now=now or (lambda: datetime.now(UTC)),
        owns_store=store is None,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if open_search:
            # Opening may replay the outbox or rebuild a missing index: off the event loop.
            await asyncio.to_thread(reader.open_search)
            await asyncio.to_thread(prepare_search)
        else:
            reader.search_error = "search is not enabled in this process"
        # What start-up loaded (modules, gazetteer, stopwords, templates) lives as long as the
        # process: frozen, the garbage collector's full collections no longer walk it. They
        # did, in the middle of requests: on the search benchmark's 1 M articles a full
        # collection took 40-70 ms, 2-3 ms with this (akhbar/search/analysis.py also keeps its
        # cache out of them).
        gc.freeze()
        ranking = (
            asyncio.create_task(rank_when_idle(reader.store, reader.activity))
            if rank_idle
            else None
        )
        try:
            yield
        finally:
            gc.unfreeze()
            if ranking is not None:
                ranking.cancel()
                await asyncio.gather(ranking, return_exceptions=True)
            for task in list(reader.tasks):
                task.cancel()
            if reader.owns_store:
                reader.store.close()

    routes = [
        *pages.ROUTES,
        *admin.ROUTES,
        *api.ROUTES,
        *feeds.ROUTES,
        Mount("/static", app=StaticFiles(directory=static_root()), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(ActivityMiddleware, activity=reader.activity),
        ],
        exception_handlers={
            HTTPException: handle_error,
            AkhbarError: handle_error,
            Exception: handle_error,
        },
        lifespan=lifespan,
    )
    app.state.reader = reader
    return app


async def handle_error(request: Request, exc: Exception) -> Response:
    """One shape for every error: problem+json under /api/, an HTML page elsewhere."""
    problem = as_problem(exc)
    headers = dict(problem.headers or {})
    if is_api(request) or request.url.path.startswith("/feeds/"):
        return problem_response(
            problem.status_code,
            problem.detail,
            kind=problem.kind,
            headers=headers,
            instance=request.url.path,
            **problem.extra,
        )
    reader: Reader = request.app.state.reader
    response = render(
        request,
        reader,
        "error.html",
        status=problem.status_code,
        status_code=problem.status_code,
        detail=problem.detail,
    )
    response.headers.update(headers)
    return response


def app_from_env() -> Starlette:
    """An app from the settings (akhbar.toml, AKHBAR_*): `uvicorn --factory
    akhbar.web.app:app_from_env` runs the reader without the CLI (used by the benchmark)."""
    from akhbar.config import load_settings

    return create_app(load_settings(), rank_idle=True)
