"""`akhbar stories`, `akhbar related`, `akhbar trends`: thin commands over akhbar.cluster and
the intel queries of the store (registered by akhbar.cli).

Each command opens the store, calls the library, and prints a table or (--json) the same data
as JSON; an AkhbarError becomes one clean line and exit code 1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table

from akhbar.cluster.related import related_articles
from akhbar.cluster.trends import tag_trend
from akhbar.config import Settings
from akhbar.errors import AkhbarError, NotFoundError
from akhbar.export import json_time as _iso
from akhbar.export import trend_to_dict
from akhbar.store import open_store
from akhbar.store.intel import IntelQueries, StorySummary

console = Console(highlight=False)


@contextmanager
def _store(settings: Settings) -> Iterator[IntelQueries]:
    try:
        store = open_store(settings.db)
    except AkhbarError as exc:
        raise click.ClickException(str(exc)) from exc
    if not isinstance(store, IntelQueries):
        # SQLiteStore carries the intel queries as a mixin; a store class without them (a
        # future backend that lacks them) gets a clean message rather than an AttributeError.
        store.close()
        raise click.ClickException("this store has no stories, related or trends queries")
    try:
        yield store
    except AkhbarError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


def _print_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def story_to_dict(story: StorySummary, *, members: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "lead_id": story.lead_id,
        "article_ids": story.article_ids,
        "outlets": story.outlets,
        "outlet_count": story.outlet_count,
        "article_count": story.article_count,
        "first_at": _iso(story.first_at),
        "last_at": _iso(story.last_at),
    }
    if members:
        data["articles"] = [
            {
                "id": m.article_id,
                "title": m.title,
                "source": m.source,
                "published_at": _iso(m.published_at),
                "duplicate_of": m.duplicate_of,
                "score": m.score,
            }
            for m in story.members
        ]
    return data


# --- stories ------------------------------------------------------------------------------------


@click.group(name="stories", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of stories.")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Stories to list, most recently active first.",
)
@click.option(
    "--min-articles",
    default=1,
    show_default=True,
    type=click.IntRange(1, None),
    help="Only stories with at least this many articles.",
)
@click.pass_context
def stories_command(ctx: click.Context, as_json: bool, limit: int, min_articles: int) -> None:
    """List stories: articles from many outlets about one event, grouped as they arrive."""
    if ctx.invoked_subcommand is not None:
        return
    settings: Settings = ctx.obj
    with _store(settings) as store:
        found = store.list_stories(limit=limit, min_articles=min_articles)
    if as_json:
        _print_json([story_to_dict(s) for s in found])
        return
    table = Table()
    for name in ("id", "articles", "outlets", "first", "last", "title"):
        table.add_column(name, overflow="fold")
    for s in found:
        table.add_row(
            str(s.id),
            str(s.article_count),
            str(s.outlet_count),
            f"{s.first_at:%Y-%m-%d %H:%M}",
            f"{s.last_at:%Y-%m-%d %H:%M}",
            s.title,
        )
    console.print(table if found else "no stories yet")


@stories_command.command(name="show")
@click.argument("story_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the story as JSON.")
@click.pass_obj
def show_story(settings: Settings, story_id: int, as_json: bool) -> None:
    """Show one story: its articles (earliest first), outlets and copies."""
    with _store(settings) as store:
        try:
            story = store.get_story(story_id)
        except KeyError:
            raise click.ClickException(f"no story with id {story_id}") from None
    if as_json:
        _print_json(story_to_dict(story, members=True))
        return
    console.print(
        f"[bold]{story.title}[/bold]  ({story.article_count} articles,"
        f" {story.outlet_count} outlets: {'، '.join(story.outlets)})"
    )
    table = Table()
    for name in ("id", "published", "outlet", "title", "copy of"):
        table.add_column(name, overflow="fold")
    for m in story.members:
        when = f"{m.published_at:%Y-%m-%d %H:%M}" if m.published_at else "—"
        table.add_row(
            str(m.article_id),
            when,
            m.source,
            m.title,
            str(m.duplicate_of) if m.duplicate_of else "",
        )
    console.print(table)


# --- related ------------------------------------------------------------------------------------


@click.command(name="related")
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option(
    "--limit", default=5, show_default=True, type=click.IntRange(1, 50), help="Articles to suggest."
)
@click.pass_obj
def related_command(settings: Settings, article_id: int, as_json: bool, limit: int) -> None:
    """ "Read also" for an article: close topic, close in time, one per other story."""
    with _store(settings) as store:
        if store.article_brief(article_id) is None:
            raise click.ClickException(str(NotFoundError(f"no article with id {article_id}")))
        found = related_articles(store, article_id, limit)
        briefs = {r.id: store.article_brief(r.id) for r in found}
    rows: list[dict[str, Any]] = []
    for r in found:
        title, source, published = briefs[r.id] or ("", "", None)
        rows.append(
            {
                "id": r.id,
                "title": title,
                "source": source,
                "published_at": _iso(published),
                "score": r.score,
                "similarity": r.similarity,
                "days_apart": round(r.days_apart, 2),
                "story_id": r.story_id,
            }
        )
    if as_json:
        _print_json(rows)
        return
    if not rows:
        console.print("nothing related found")
        return
    table = Table()
    for name in ("id", "score", "published", "outlet", "title"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            f"{row['score']:.3f}",
            (row["published_at"] or "—")[:10],
            row["source"],
            row["title"],
        )
    console.print(table)


# --- trends -------------------------------------------------------------------------------------


@click.command(name="trends")
@click.argument("tag")
@click.option(
    "--days",
    default=30,
    show_default=True,
    type=click.IntRange(1, 3660),
    help="Length of the period, ending on the tag's newest mention.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the trend as JSON.")
@click.pass_obj
def trends_command(settings: Settings, tag: str, days: int, as_json: bool) -> None:
    """Mentions of TAG per day, and the tags that most often go with it."""
    with _store(settings) as store:
        trend = tag_trend(store, tag, days=days)
    if as_json:
        _print_json(trend_to_dict(trend))
        return
    peak = max((n for _, n in trend.per_day), default=0) or 1
    console.print(
        f"[bold]{trend.display}[/bold]: {trend.total} articles from"
        f" {trend.first_day} to {trend.last_day} (last 7 days ×{trend.momentum})"
    )
    for day, n in trend.per_day:
        console.print(f"{day}  {'█' * round(20 * n / peak):<20} {n}")
    if trend.co_tags:
        console.print("with: " + "، ".join(f"{c.display} ({c.articles})" for c in trend.co_tags))


COMMANDS = (stories_command, related_command, trends_command)
