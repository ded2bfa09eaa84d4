"""The sources admin page: log in with the admin token, add sources, enable/disable, poll.

Every POST checks the CSRF token first, then the session, then the write rate limit. The
login form is rate limited too: with `compare_digest` a guess reveals nothing by its timing,
and the limit makes guessing slow.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from akhbar.web.actions import add_source, set_feed_enabled, start_poll
from akhbar.web.problems import Problem
from akhbar.web.render import render
from akhbar.web.routes.common import rate_limit, reader_of
from akhbar.web.security import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, SESSION_SECONDS, is_admin

ADMIN_PATH = "/admin/sources"
MAX_FORM_BYTES = 16 * 1024


async def _form(request: Request) -> dict[str, str]:
    """The form fields, after the CSRF check (403 without a valid token)."""
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise Problem(413, "form too large")
    async with request.form(max_files=0, max_fields=20) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    keys = reader_of(request).keys
    if not keys.csrf_valid(request.cookies.get(CSRF_COOKIE), fields.get(CSRF_FIELD)):
        raise Problem(
            403, "missing or invalid CSRF token; reload the page and try again", kind="csrf"
        )
    return fields


def _require_admin(request: Request) -> None:
    reader = reader_of(request)
    if not reader.keys.admin_enabled:
        raise Problem(403, "administration is off: set AKHBAR_ADMIN_TOKEN", kind="admin-off")
    if not is_admin(request, reader.keys):
        raise Problem(401, "log in with the admin token first", kind="unauthorized")


def _back(message: str = "") -> RedirectResponse:
    return RedirectResponse(ADMIN_PATH + (f"?msg={message}" if message else ""), status_code=303)


async def admin_sources(request: Request) -> Response:
    reader = reader_of(request)
    if not reader.keys.admin_enabled:
        return render(request, reader, "admin_login.html", status=403, error="admin_disabled")
    if not is_admin(request, reader.keys):
        return render(request, reader, "admin_login.html", status=401, error="")
    message = request.query_params.get("msg", "")
    return render(
        request,
        reader,
        "admin_sources.html",
        sources=reader.store.sources_with_health(),
        feeds=reader.store.list_feeds(),
        message=message if message in ("source_added", "poll_started") else "",
        poll_running=reader.poll_running(),
        error="",
    )


async def login(request: Request) -> Response:
    reader = reader_of(request)
    fields = await _form(request)
    rate_limit(request, "write")
    if not reader.keys.token_matches(fields.get("token", "")):
        status = 403 if not reader.keys.admin_enabled else 401
        error = "admin_disabled" if not reader.keys.admin_enabled else "bad_token"
        return render(request, reader, "admin_login.html", status=status, error=error)
    response = _back()
    response.set_cookie(
        SESSION_COOKIE,
        reader.keys.make_session(),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    await _form(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def add(request: Request) -> Response:
    fields = await _form(request)
    _require_admin(request)
    rate_limit(request, "write")
    await add_source(reader_of(request), fields.get("url", ""), fields.get("name"))
    return _back("source_added")


async def toggle_feed(request: Request) -> Response:
    fields = await _form(request)
    _require_admin(request)
    rate_limit(request, "write")
    set_feed_enabled(reader_of(request), request.path_params["id"], fields.get("enabled") == "1")
    return _back()


async def poll(request: Request) -> Response:
    await _form(request)
    _require_admin(request)
    rate_limit(request, "write")
    start_poll(reader_of(request))
    return _back("poll_started")


ROUTES = [
    Route(ADMIN_PATH, admin_sources, methods=["GET"], name="admin_sources"),
    Route(ADMIN_PATH, add, methods=["POST"], name="admin_add_source"),
    Route("/admin/login", login, methods=["POST"], name="admin_login"),
    Route("/admin/logout", logout, methods=["POST"], name="admin_logout"),
    Route("/admin/feeds/{id:int}/enabled", toggle_feed, methods=["POST"], name="admin_feed"),
    Route("/admin/poll", poll, methods=["POST"], name="admin_poll"),
]
