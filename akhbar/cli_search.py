"""`akhbar search QUERY`: thin command over `akhbar.search.search` (registered by akhbar.cli).

Kept out of cli.py so the search command's imports (tantivy, the stemmer) load only when used.
"""

from __future__ import annotations

import html
import re
import sys

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from akhbar.config import Settings
from akhbar.errors import AkhbarError
from akhbar.pipeline.index_step import open_search_index
from akhbar.search import MAX_LIMIT, SearchPage, search
from akhbar.store import open_store

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
QUERY_HELP = """Search the stored articles. QUERY is words (in any inflection; all of one or two,
all but one in three of longer queries; names also match their other spellings), "exact
phrases", a OR b, -excluded, and filters source:NAME tag:NAME from:DATE to:DATE (an outlet or
tag name may run over several words unquoted: source:الجزيرة نت; dates in ISO or Arabic:
from:2024-03-01 to:"١٥ مارس ٢٠٢٤")."""


@click.command(name="search", help=QUERY_HELP)
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of hits.")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, MAX_LIMIT),
    help="Hits per page.",
)
@click.option(
    "--page",
    default=1,
    show_default=True,
    type=click.IntRange(1, None),
    help="Page number (1 = the best hits).",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="relevance (BM25 × recency) or date (newest first).",
)
@click.pass_obj
def search_command(
    settings: Settings, query: str, as_json: bool, limit: int, page: int, sort: str
) -> None:
    try:
        result = _run(settings, query, limit=limit, page=page, sort=sort)
    except AkhbarError as exc:
        # One clean line and exit code 1 (click prints "Error: ..."), never a traceback.
        raise click.ClickException(str(exc)) from exc
    if as_json:
        hits = [hit.to_dict() for hit in result.hits]
        sys.stdout.write(orjson.dumps(hits, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    _print_table(result, page=page, limit=limit)


def _run(settings: Settings, query: str, *, limit: int, page: int, sort: str) -> SearchPage:
    store = open_store(settings.db)
    try:
        engine = open_search_index(store)
        return search(
            store,
            engine,
            query,
            limit=limit,
            offset=(page - 1) * limit,
            sort="date" if sort == "date" else "relevance",
            default_tz=settings.default_timezone,
        )
    finally:
        store.close()


def _print_table(result: SearchPage, *, page: int, limit: int) -> None:
    console = Console(highlight=False)
    first = (page - 1) * limit
    if not result.hits:
        console.print(f"no results ({result.total} matching articles)")
        return
    table = Table(show_lines=True)
    for name in ("#", "id", "date", "source", "title / snippet"):
        table.add_column(name, overflow="fold")
    for n, hit in enumerate(result.hits, start=first + 1):
        when = hit.published_at.strftime("%Y-%m-%d") if hit.published_at else "—"
        cell = Text(hit.title + "\n", style="bold")
        cell.append_text(marked_text(hit.snippet))
        table.add_row(str(n), str(hit.id), when, hit.source, cell)
    console.print(table)
    console.print(f"{first + 1}-{first + len(result.hits)} of {result.total}")


def marked_text(snippet_html: str) -> Text:
    """A snippet's HTML as Rich text: <mark> becomes a highlight, entities are unescaped."""
    text = Text()
    last = 0
    for m in _MARK.finditer(snippet_html):
        text.append(html.unescape(snippet_html[last : m.start()]))
        text.append(html.unescape(m.group(1)), style="bold black on yellow")
        last = m.end()
    text.append(html.unescape(snippet_html[last:]))
    return text
