"""Rendering pages: the Jinja2 environment, the per-request UI context, JSON with ETags.

Templates are compiled once at start-up (`load_templates`) and autoescaped; the only markup
that reaches a page unescaped is search snippets (escaped by akhbar.search, then cleaned again
by nh3 with an allowlist of <mark> alone) — stored article text is plain text and escaped.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jinja2
import nh3
import orjson
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from akhbar.web.format import digits, gregorian_date, relative_time, show_date, zone_for
from akhbar.web.i18n import Messages, pick_lang
from akhbar.web.security import CSRF_COOKIE, Keys, new_csrf_cookie

if TYPE_CHECKING:
    from akhbar.web.app import Reader

TEMPLATE_NAMES = (
    "base.html", "macros.html", "home.html", "article.html", "tag.html", "story.html",
    "source.html", "sources.html", "search.html", "admin_sources.html", "admin_login.html",
    "error.html", "api_docs.html",
)  # fmt: skip


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("akhbar.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates are kept for the life of the process (templates ship with the
        # package and never change while it runs), so auto_reload's stat() per render is waste.
        auto_reload=False,
        cache_size=-1,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["marked"] = marked_html
    env.filters["digits"] = digits
    env.filters["safe_url"] = safe_url
    env.filters["tag_url"] = tag_url
    for name in TEMPLATE_NAMES:
        env.get_template(name)
    return env


def static_root() -> str:
    return str(resources.files("akhbar.web").joinpath("static"))


def paragraphs(body: str) -> list[str]:
    """Stored bodies keep paragraphs separated by blank lines (single newlines too, leniently)."""
    return [p.strip() for p in body.replace("\r", "").split("\n") if p.strip()]


@functools.lru_cache(maxsize=4096)
def tag_url(name: str) -> str:
    """/tags/<name> percent-encoded. Cached: a list page links ~60 tags, mostly the same few
    dozen, and quoting Arabic text (6 bytes a letter) was a tenth of the home page's time."""
    return "/tags/" + quote(name, safe="")


def safe_url(url: str) -> str:
    """A feed-supplied URL, or '' unless it is http(s): never a javascript: or data: link."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def marked_html(snippet: str) -> Markup:
    """A search snippet (escaped text + <mark>) through nh3 with <mark> as the only tag: even
    if the snippet builder ever let markup through, nothing but <mark> survives."""
    return Markup(nh3.clean(snippet, tags={"mark"}, attributes={}))


@dataclass(frozen=True, slots=True)
class Ui:
    """Per-request presentation settings a template needs."""

    t: Messages
    theme: str
    tz: str
    path: str
    now: datetime
    request: Request
    keys: Keys

    @property
    def csrf(self) -> str:
        """The CSRF token for a form. Made only when a page has a form that posts: the
        cookie it rests on is then set by render(), and other pages stay cookie-free."""
        cookie = self.request.cookies.get(CSRF_COOKIE) or getattr(
            self.request.state, "csrf_cookie", None
        )
        if not cookie:
            cookie = new_csrf_cookie()
            self.request.state.csrf_cookie = cookie
        return self.keys.csrf_token(cookie)

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def dir(self) -> str:
        return self.t.dir

    def date(self, when: datetime | None) -> Any:
        return show_date(when, now=self.now, zone=self.tz, lang=self.lang) if when else None

    def ago(self, when: datetime) -> tuple[str, str, str]:
        """(ISO time, relative form, Gregorian date) for list items: the cheap subset of
        `date` (no Hijri, no zone) that a page of 20 cards needs."""
        local = when.astimezone(zone_for(self.tz)) if self.tz else when
        return (
            when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            relative_time(when, self.now, self.lang),
            gregorian_date(local, self.lang),
        )

    def num(self, n: int) -> str:
        return digits(f"{n:,}" if self.lang == "en" else n, self.lang)

    def pref_url(self, **prefs: str) -> str:
        return "/prefs?" + urlencode({**prefs, "next": self.path})


def ui_for(request: Request, reader: Reader) -> Ui:
    lang = pick_lang(request.query_params.get("lang"), request.cookies.get("lang"))
    theme = request.cookies.get("theme", "")
    tz = request.query_params.get("tz") or request.cookies.get("tz") or ""
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Ui(
        t=Messages(lang),
        theme=theme if theme in ("dark", "light") else "",
        tz=tz,
        path=path,
        now=reader.now(),
        request=request,
        keys=reader.keys,
    )


def render(
    request: Request, reader: Reader, template: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    ui = ui_for(request, reader)
    html = reader.env.get_template(template).render(ui=ui, t=ui.t, **context)
    response = HTMLResponse(html, status_code=status)
    new_cookie = getattr(request.state, "csrf_cookie", None)
    if new_cookie and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, new_cookie, httponly=True, samesite="strict")
    return response


# --- JSON ---------------------------------------------------------------------------------------


def json_response(request: Request, data: Any, *, max_age: int = 30, status: int = 200) -> Response:
    """JSON with a strong ETag (hash of the body); 304 when the client already has it.

    Max-age is short and revalidation cheap: a new article changes every list, and nothing
    here is cached server-side, so a stale copy can live at most `max_age` seconds.
    """
    body = orjson.dumps(data)
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    if status == 200 and etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def etag_matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in (t.strip().removeprefix("W/") for t in header.split(","))
