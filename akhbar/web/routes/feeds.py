"""Output feeds: RSS 2.0 and Atom 1.0 for the latest articles, a tag, an outlet, a story, and
any search. Written as text with every value escaped (and characters XML 1.0 forbids removed,
since a feed with one stray control character is rejected whole by strict readers).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from akhbar.models import Article
from akhbar.store.web import ArticleCard, ListFilter
from akhbar.web.problems import Problem
from akhbar.web.render import etag_matches, paragraphs
from akhbar.web.routes.common import compose_query, reader_of, run_search
from akhbar.web.views import find_tag, source_view, story_view

FEED_ITEMS = 30
SUMMARY_CHARS = 400
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAGS = re.compile(r"<[^>]+>")
MEDIA = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    link: str
    summary: str
    source: str
    published: datetime | None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Channel:
    title: str
    link: str  # the HTML page this feed mirrors
    self_url: str
    items: list[Item]


def x(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def xa(text: str) -> str:
    return quoteattr(_NOT_XML.sub("", text))


def summary_of(body: str) -> str:
    text = " ".join(paragraphs(body)[:2])
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def render_rss(ch: Channel) -> str:
    newest = max((i.published for i in ch.items if i.published), default=datetime.now(UTC))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        f"<channel><title>{x(ch.title)}</title><link>{x(ch.link)}</link>",
        f"<description>{x(ch.title)}</description><language>ar</language>",
        f'<atom:link href={xa(ch.self_url)} rel="self" type="application/rss+xml"/>',
        f"<lastBuildDate>{format_datetime(newest.astimezone(UTC), usegmt=True)}</lastBuildDate>",
    ]
    for i in ch.items:
        out.append(f"<item><title>{x(i.title)}</title><link>{x(i.link)}</link>")
        out.append(f'<guid isPermaLink="true">{x(i.link)}</guid>')
        if i.published:
            out.append(
                f"<pubDate>{format_datetime(i.published.astimezone(UTC), usegmt=True)}</pubDate>"
            )
        out.extend(f"<category>{x(c)}</category>" for c in i.categories)
        out.append(f"<description>{x(i.summary)}</description></item>")
    out.append("</channel></rss>")
    return "\n".join(out)


def _atom_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_atom(ch: Channel) -> str:
    newest = max((i.published for i in ch.items if i.published), default=datetime.now(UTC))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">',
        f"<title>{x(ch.title)}</title><id>{x(ch.self_url)}</id>",
        f"<updated>{_atom_time(newest)}</updated>",
        f'<link rel="self" type="application/atom+xml" href={xa(ch.self_url)}/>',
        f'<link rel="alternate" type="text/html" href={xa(ch.link)}/>',
        "<author><name>akhbar</name></author>",
    ]
    for i in ch.items:
        out.append(f"<entry><title>{x(i.title)}</title><id>{x(i.link)}</id>")
        out.append(f'<link rel="alternate" type="text/html" href={xa(i.link)}/>')
        if i.published:
            out.append(f"<published>{_atom_time(i.published)}</published>")
        out.append(f"<updated>{_atom_time(i.published or newest)}</updated>")
        if i.source:
            out.append(f"<author><name>{x(i.source)}</name></author>")
        out.extend(f"<category term={xa(c)}/>" for c in i.categories)
        out.append(f'<summary type="text">{x(i.summary)}</summary></entry>')
    out.append("</feed>")
    return "\n".join(out)


def feed_response(request: Request, channel: Channel, fmt: str) -> Response:
    body = (render_rss(channel) if fmt == "rss" else render_atom(channel)).encode()
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=MEDIA[fmt])


# --- channels -----------------------------------------------------------------------------------


def _fmt(request: Request) -> str:
    fmt = request.path_params.get("fmt", "")
    if fmt not in MEDIA:
        raise Problem(404, "feeds end in .rss or .atom", kind="not-found")
    return str(fmt)


def _items(request: Request, cards: list[ArticleCard]) -> list[Item]:
    store = reader_of(request).store
    base = str(request.base_url).rstrip("/")
    items = []
    for card in cards:
        a: Article = store.get_article(card.id)
        items.append(
            Item(
                a.title,
                f"{base}/articles/{a.id}",
                summary_of(a.body),
                a.source,
                a.published_at,
                tuple(t.display for t in a.tags),
            )
        )
    return items


def _channel(request: Request, title: str, page_path: str, cards: list[ArticleCard]) -> Channel:
    base = str(request.base_url).rstrip("/")
    return Channel(title, base + page_path, str(request.url), _items(request, cards))


async def latest(request: Request) -> Response:
    fmt = _fmt(request)
    page = reader_of(request).store.latest_articles(limit=FEED_ITEMS)
    return feed_response(request, _channel(request, "أخبار — آخر الأخبار", "/", page.items), fmt)


async def tag(request: Request) -> Response:
    fmt = _fmt(request)
    store = reader_of(request).store
    t = find_tag(store, request.path_params["name"])
    page = store.latest_articles(limit=FEED_ITEMS, where=ListFilter(tag_id=t.id))
    return feed_response(
        request, _channel(request, f"أخبار — {t.display}", f"/tags/{t.canonical}", page.items), fmt
    )


async def source(request: Request) -> Response:
    fmt = _fmt(request)
    view = source_view(
        reader_of(request).store, request.path_params["id"], after=None, limit=FEED_ITEMS
    )
    ch = _channel(
        request, f"أخبار — {view.source.name}", f"/sources/{view.source.id}", view.page.items
    )
    return feed_response(request, ch, fmt)


async def story(request: Request) -> Response:
    fmt = _fmt(request)
    store = reader_of(request).store
    view = story_view(store, request.path_params["id"])
    # The story's members, newest first (a feed reader shows the latest development on top).
    newest = sorted(
        view.story.members,
        key=lambda m: (m.published_at is not None, m.published_at, m.article_id),
        reverse=True,
    )[:FEED_ITEMS]
    cards = store.article_cards([m.article_id for m in newest])
    ch = _channel(request, f"أخبار — {view.story.title}", f"/stories/{view.story.id}", cards)
    return feed_response(request, ch, fmt)


async def search(request: Request) -> Response:
    fmt = _fmt(request)
    query = compose_query(request)
    if not query:
        raise Problem(400, "q is required", kind="bad-query")
    result = run_search(request, query, page=1, sort="date")
    base = str(request.base_url).rstrip("/")
    items = [
        Item(
            h.title,
            f"{base}/articles/{h.id}",
            html.unescape(_TAGS.sub("", h.snippet)),
            h.source,
            h.published_at,
        )
        for h in result.hits
    ]
    ch = Channel(
        f"أخبار — بحث: {query}",
        f"{base}/search?" + urlencode({"q": query}),
        str(request.url),
        items,
    )
    return feed_response(request, ch, fmt)


ROUTES = [
    Route("/feeds/latest.{fmt:str}", latest),
    Route("/feeds/search.{fmt:str}", search),
    Route("/feeds/tags/{name:str}.{fmt:str}", tag),
    Route("/feeds/sources/{id:int}.{fmt:str}", source),
    Route("/feeds/stories/{id:int}.{fmt:str}", story),
]
