"""A local news site for the polling benchmark: N feeds of M items, each item an article page.

Run by bench_poll as `uvicorn benchmarks.poll_server:app` on 127.0.0.1. Feeds answer
If-None-Match with 304 (ETag per feed). Pages are generated once at start-up from the
benchmark article generator, so the server spends its CPU on serving, not on text.
"""

from __future__ import annotations

import html
import os
from email.utils import format_datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.generate import ArticleGenerator

FEEDS = int(os.environ.get("POLL_FEEDS", "100"))
ITEMS = int(os.environ.get("POLL_ITEMS", "20"))
PORT = os.environ.get("POLL_PORT", "8765")
BASE = f"http://127.0.0.1:{PORT}"


def _build() -> tuple[dict[int, bytes], dict[tuple[int, int], bytes]]:
    generator = ArticleGenerator(seed=7, paragraphs=5)
    feeds: dict[int, bytes] = {}
    pages: dict[tuple[int, int], bytes] = {}
    for n in range(FEEDS):
        items = []
        for i in range(ITEMS):
            a = generator.article(n * ITEMS + i)
            title = html.escape(a["title"])
            paras = "".join(f"<p>{html.escape(p)}</p>" for p in a["body"].split("\n\n"))
            pages[(n, i)] = (
                '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                f"<title>{title}</title>"
                f'<meta property="article:published_time" content="{a["published_at"]}">'
                f"</head><body><nav><a href='/'>الرئيسية</a></nav><article><h1>{title}</h1>"
                f"{paras}</article><footer>حقوق النشر محفوظة</footer></body></html>"
            ).encode()
            from datetime import datetime

            when = format_datetime(datetime.fromisoformat(a["published_at"]))
            items.append(
                f"<item><title>{title}</title><link>{BASE}/a/{n}/{i}</link>"
                f"<pubDate>{when}</pubDate><description>{title}</description></item>"
            )
        feeds[n] = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>مصدر {n}</title><link>{BASE}/</link>{''.join(items)}</channel></rss>"
        ).encode()
    return feeds, pages


FEED_BODIES, PAGE_BODIES = _build()


async def feed(request: Request) -> Response:
    n = int(request.path_params["n"])
    etag = f'"f{n}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(FEED_BODIES[n], media_type="application/rss+xml", headers={"ETag": etag})


async def page(request: Request) -> Response:
    key = (int(request.path_params["n"]), int(request.path_params["i"]))
    return Response(PAGE_BODIES[key], media_type="text/html; charset=utf-8")


async def robots(_request: Request) -> Response:
    return Response(b"User-agent: *\nAllow: /\n", media_type="text/plain")


app = Starlette(
    routes=[
        Route("/feed/{n}.xml", feed),
        Route("/a/{n}/{i}", page),
        Route("/robots.txt", robots),
    ]
)
