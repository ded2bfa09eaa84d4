"""Errors in one shape: RFC 9457 problem details for the API, an HTML page for readers.

No stack trace or exception text of an unexpected error ever reaches a client: a 500 says only
that something failed, and the details go to the server log.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from akhbar.errors import NotFoundError, QueryError

log = logging.getLogger("akhbar.web")

PROBLEM_TYPE_BASE = "/api/v1/problems/"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class Problem(HTTPException):
    """An error a handler raises on purpose; `kind` names the problem type (a URI path)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str = "",
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(status, detail, headers)
        self.kind = kind or TITLES.get(status, "error").lower().replace(" ", "-")
        self.extra = extra or {}


def problem_body(status: int, detail: str, *, kind: str = "", **extra: Any) -> dict[str, Any]:
    kind = kind or TITLES.get(status, "error").lower().replace(" ", "-")
    return {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str = "",
    headers: dict[str, str] | None = None,
    instance: str = "",
    **extra: Any,
) -> Response:
    body = problem_body(status, detail, kind=kind, **extra)
    if instance:
        body["instance"] = instance
    return Response(
        orjson.dumps(body),
        status_code=status,
        headers=headers,
        media_type="application/problem+json",
    )


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def as_problem(exc: Exception) -> Problem:
    """Map an exception to the problem the client sees (500 for anything unexpected)."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, NotFoundError):
        return Problem(404, str(exc), kind="not-found")
    if isinstance(exc, QueryError):
        return Problem(400, str(exc), kind="bad-query")
    if isinstance(exc, HTTPException):
        detail = exc.detail if exc.status_code != 500 else "internal error"
        return Problem(exc.status_code, detail, headers=dict(exc.headers or {}))
    log.exception("web.unhandled", exc_info=exc)
    return Problem(500, "internal error; the server log has the details", kind="internal")
