"""Rendering pages: the Jinja2 environments, the per-request UI context, JSON with ETags.

Templates are compiled once at start-up, once per UI language (`make_environments`), and
autoescaped; the only markup that reaches a page unescaped is search snippets (escaped by
akhbar.search, then cleaned again by nh3 with an allowlist of <mark> alone) — stored article
text is plain text and escaped.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jinja2
import jinja2.ext
import nh3
import orjson
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from akhbar.web.format import digits, gregorian_date, iso_utc, relative_time, show_date, zone_for
from akhbar.web.i18n import LANGS, Messages, pick_lang
from akhbar.web.security import CSRF_COOKIE, Keys, new_csrf_cookie

if TYPE_CHECKING:
    from akhbar.web.app import Reader

TEMPLATE_NAMES = (
    "base.html", "macros.html", "home.html", "article.html", "tag.html", "story.html",
    "source.html", "sources.html", "search.html", "admin_sources.html", "admin_login.html",
    "error.html", "api_docs.html",
)  # fmt: skip


class FoldMessages(jinja2.ext.Extension):
    """UI strings at compile time: `t('key')` with a literal key becomes the message itself in
    the environment's language (`environment.ui_lang`), so Jinja folds `{{ t('site') }}` into
    the template's static text, escaped once when compiled. A page prints some 25 of them; as
    calls (Context.call, then escape) they were a tenth of the article page's render time.
    `t(name)` with a variable, and every other use of `t`, stays a call at render time."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        t = Messages(self.environment.ui_lang)  # type: ignore[attr-defined]
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            if _is_message_call(tokens, i):
                yield Token(tokens[i].lineno, "string", t(tokens[i + 2].value))
                i += 4
            else:
                yield tokens[i]
                i += 1


def _is_message_call(tokens: list[Token], i: int) -> bool:
    """tokens[i:i + 4] are `t ( 'literal' )`, and `t` is a name of its own (not `x.t`)."""
    return (
        tokens[i].type == "name"
        and tokens[i].value == "t"
        and (i == 0 or tokens[i - 1].type != "dot")
        and [tok.type for tok in tokens[i + 1 : i + 4]] == ["lparen", "string", "rparen"]
    )


def make_environments() -> dict[str, jinja2.Environment]:
    """One environment per UI language, the language's UI strings folded in (FoldMessages)."""
    return {lang: make_environment(lang) for lang in LANGS}


def make_environment(lang: str) -> jinja2.Environment:
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
        extensions=[FoldMessages],
    )
    env.extend(ui_lang=lang)
    env.filters["paragraphs"] = paragraphs
    env.filters["marked"] = marked_html
    env.filters["digits"] = digits
    env.filters["safe_url"] = safe_url
    env.filters["tag_url"] = tag_url
    # Ui's per-item helpers as filters (see macros.html: a filter skips Context.call).
    env.filters["ago"] = ago
    env.filters["num"] = num
    env.filters["shown_date"] = shown_date
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

    def ago(self, when: datetime, iso: str | None = None) -> tuple[str, str, str]:
        """(ISO time, relative form, Gregorian date) for list items: the cheap subset of
        `date` (no Hijri, no zone) that a page of 20 cards needs. `iso` is the time as the
        store keeps it, when the caller has it (a card does): it is not formatted again."""
        local = when.astimezone(zone_for(self.tz)) if self.tz else when
        return (
            iso or iso_utc(when),
            relative_time(when, self.now, self.lang),
            gregorian_date(local, self.lang),
        )

    def num(self, n: int) -> str:
        return digits(f"{n:,}" if self.lang == "en" else n, self.lang)

    def pref_url(self, **prefs: str) -> str:
        return "/prefs?" + urlencode({**prefs, "next": self.path})

    @property
    def theme_toggle_url(self) -> str:
        """The header's theme switch: to the theme this page is not in."""
        return self.pref_url(theme="light" if self.theme == "dark" else "dark")

    @property
    def lang_toggle_url(self) -> str:
        return self.pref_url(lang=self.t.other_lang)


def ago(when: datetime, ui: Ui, iso: str | None = None) -> tuple[str, str, str]:
    """The filter `at|ago(ui)`: Ui.ago."""
    return ui.ago(when, iso)


def num(n: int, ui: Ui) -> str:
    """The filter `n|num(ui)`: Ui.num."""
    return ui.num(n)


def shown_date(when: datetime | None, ui: Ui) -> Any:
    """The filter `at|shown_date(ui)`: Ui.date."""
    return ui.date(when)


def page_path(request: Request) -> str:
    """This request's path and query, as `request.url` spells them (the path's ?, # and \\
    escaped), without building a URL (Host header parsing and urlsplit) for every page."""
    scope = request.scope
    path = scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    query = scope.get("query_string", b"").decode()
    return f"{path}?{query}" if query else path


#: One catalogue handle per language, shared by every request.
_MESSAGES = {lang: Messages(lang) for lang in LANGS}


def ui_for(request: Request, reader: Reader) -> Ui:
    lang = pick_lang(request.query_params.get("lang"), request.cookies.get("lang"))
    theme = request.cookies.get("theme", "")
    tz = request.query_params.get("tz") or request.cookies.get("tz") or ""
    path = page_path(request)
    return Ui(
        t=_MESSAGES[lang],
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
    html = reader.envs[ui.lang].get_template(template).render(ui=ui, t=ui.t, **context)
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
