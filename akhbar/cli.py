"""The `akhbar` command. One small function per command; the work happens in the library.

Exit codes: 0 success, 1 the work ran but something failed (named on stderr), 2 usage errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from akhbar import __version__
from akhbar.arabic import normalize_for_match
from akhbar.arabic.dates import parse_date
from akhbar.config import Settings, load_settings
from akhbar.dumps import iter_dump_items
from akhbar.errors import AkhbarError
from akhbar.export import article_to_dict, write_csv, write_jsonl
from akhbar.models import Feed
from akhbar.pipeline import IngestReport
from akhbar.pipeline.relate import RankReport, rank_queued
from akhbar.pipeline.steps import open_ingestor, worker_processes
from akhbar.store import SQLiteStore, open_store, utc_iso

F = TypeVar("F", bound=Callable[..., Any])
err_console = Console(stderr=True, highlight=False)
out_console = Console(highlight=False)


def handle_errors(func: F) -> F:
    """Turn an AkhbarError into one clean line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AkhbarError as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, soft_wrap=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def opened_store(settings: Settings) -> Iterator[SQLiteStore]:
    store = open_store(settings.db)
    try:
        yield store
    finally:
        store.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="SQLite store (default ./data/akhbar.db, or AKHBAR_DB).",
)
@click.version_option(__version__, prog_name="akhbar")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """akhbar (أخبار): Arabic news aggregator and news-intelligence engine."""
    try:
        ctx.obj = load_settings({"db": db})
    except AkhbarError as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command()
@click.option(
    "--default-sources", is_flag=True, help="Also follow the bundled list of Arabic outlets."
)
@click.pass_obj
@handle_errors
def init(settings: Settings, default_sources: bool) -> None:
    """Create the store (or migrate it to this version) and say where it is."""
    with opened_store(settings) as store:
        out_console.print(f"store {settings.db} ready (schema version {store.schema_version()})")
        if default_sources:
            from akhbar.pipeline.sources import load_default_source_list

            outlets, feeds = load_default_source_list(store)
            out_console.print(
                f"default sources: {outlets} outlets, {feeds} new feeds (unverified until a"
                " poll succeeds)"
            )


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_obj
@handle_errors
def import_(settings: Settings, paths: tuple[str, ...], quiet: bool) -> None:
    """Import article dumps: page dumps (.txt), JSON Lines, CSV; files, folders, globs, .gz."""
    with opened_store(settings) as store, _progress(quiet) as progress:
        task = progress.add_task("importing", total=None)

        def on_item(report: IngestReport) -> None:
            while report.errors:
                progress.console.print(f"[red]failed:[/red] {report.errors.pop(0)}", soft_wrap=True)
            progress.update(task, completed=report.imported + report.duplicates + report.failed)

        with open_ingestor(
            store,
            default_tz=settings.default_timezone,
            on_item=on_item,
            workers=worker_processes(),
        ) as ingestor:
            report = ingestor.ingest(iter_dump_items(list(paths), vocabulary=ingestor.vocabulary))
        on_item(report)
        count, queued = store.article_count(), store.related_queue_size()
    out_console.print(
        f"imported {report.imported}, duplicate {report.duplicates}, failed {report.failed}"
        f" (appended articles: {report.appended}); store now holds {count} articles"
    )
    _print_ranking_queue(queued)
    if report.failed:
        sys.exit(1)


def _print_ranking_queue(queued: tuple[int, int]) -> None:
    """Say how many "read also" lists wait for their full ranking ((articles, stories)
    queued), and what ranks them."""
    articles, stories = queued
    if articles or stories:
        out_console.print(
            f"read also: {articles} articles' lists queued for ranking"
            + (f" (and the members of {stories} stories)" if stories else "")
            + "; `akhbar relate` ranks them, as `akhbar run` does between polls and"
            " `akhbar export` before writing"
        )


@contextmanager
def _progress(quiet: bool) -> Iterator[Progress]:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} items"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    )
    with progress:
        yield progress


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), help="Rank at most this many lists.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_obj
@handle_errors
def relate(settings: Settings, limit: int | None, quiet: bool) -> None:
    """Rank the queued "read also" lists in full: new articles' and those they may belong in.

    `akhbar run` does this between polls and `akhbar export` before it writes; import and
    fetch store provisional lists and queue them (see akhbar/pipeline/relate.py)."""
    with opened_store(settings) as store:
        report = _rank_queued(store, limit=limit, quiet=quiet)
        articles, stories = store.related_queue_size()
    left = f"{articles} articles and {stories} stories" if stories else f"{articles} articles"
    out_console.print(
        f"ranked {report.ranked} read-also lists in {report.seconds:.1f} s; {left} still queued"
    )


def _rank_queued(
    store: SQLiteStore,
    *,
    limit: int | None,
    quiet: bool,
    since: datetime | None = None,
    source_key: str | None = None,
) -> RankReport:
    with _progress(quiet) as progress:
        task = progress.add_task("ranking read-also lists", total=None)
        return rank_queued(
            store,
            limit=limit,
            on_chunk=lambda n: progress.advance(task, n),
            since=since,
            source_key=source_key,
        )


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--since", help="Only articles published on or after this date (ISO or Arabic).")
@click.option("--source", help="Only articles of this outlet.")
@click.option(
    "--no-rank",
    is_flag=True,
    help="Write queued read-also lists as stored at ingest instead of ranking them first.",
)
@click.pass_obj
@handle_errors
def export(
    settings: Settings, fmt: str, since: str | None, source: str | None, no_rank: bool
) -> None:
    """Stream articles to stdout as JSON Lines or CSV (queued read-also lists ranked first)."""
    since_dt = None
    if since:
        since_dt = parse_date(since, reference=None)
        if since_dt is None:
            raise click.BadParameter(f"cannot read {since!r} as a date", param_hint="--since")
    source_key = normalize_for_match(source) if source else None
    with opened_store(settings) as store:
        if not no_rank:
            # Only the selected articles' lists: an export of one outlet does not wait for the
            # whole queue.
            report = _rank_queued(
                store, limit=None, quiet=False, since=since_dt, source_key=source_key
            )
            if report.ranked:
                err_console.print(f"ranked {report.ranked} queued read-also lists first")
        articles = store.iter_articles(since=since_dt, source_key=source_key)
        (write_jsonl if fmt == "jsonl" else write_csv)(articles, sys.stdout)


@cli.command()
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_obj
@handle_errors
def show(settings: Settings, article_id: int, as_json: bool) -> None:
    """Show one article as a reader would want it: tags and relations included."""
    with opened_store(settings) as store:
        article = store.get_article(article_id)
    data = article_to_dict(article)
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    when = (
        article.published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if article.published_at
        else "غير معروف (unknown)"
    )
    out_console.print(f"[bold]{article.title}[/bold]")
    out_console.print(f"{article.source or '—'} · {when} · #{article.id}")
    if article.url:
        out_console.print(article.url)
    out_console.print()
    out_console.print(article.body)
    out_console.print()
    if article.tags:
        out_console.print("كلمات دلالية: " + " · ".join(t.display for t in article.tags))
    for rel in data["related"]:
        out_console.print(f"{rel['kind']}: #{rel['id']} {rel['title']}")
    out_console.print(f"[dim]origin: {article.origin}[/dim]")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--top", default=20, show_default=True, help="Rows per table.")
@click.pass_obj
@handle_errors
def stats(settings: Settings, as_json: bool, top: int) -> None:
    """Counts per source, per day and per tag."""
    with opened_store(settings) as store:
        data = store.stats(top=top)
    if as_json:
        sys.stdout.write(orjson.dumps(data).decode() + "\n")
        return
    relations = ", ".join(f"{k} {v}" for k, v in sorted(data["relations"].items())) or "none"
    out_console.print(
        f"{data['articles']} articles from {data['sources']} sources, {data['tags']} tags,"
        f" {data['undated']} without a date; relations: {relations}; read-also lists"
        f" queued for ranking: {data['read_also_queued']}"
        f" (+ members of {data['read_also_stories_queued']} stories)"
    )
    for title, rows in (
        ("source", data["per_source"]),
        ("day", data["per_day"]),
        ("tag", data["per_tag"]),
    ):
        table = Table(title=f"articles per {title}")
        table.add_column(title)
        table.add_column("articles", justify="right")
        for name, count in rows:
            table.add_row(str(name), str(count))
        out_console.print(table)


# --- sources, fetch, run ----------------------------------------------------------------------


@cli.group()
def sources() -> None:
    """Outlets and their feeds: add, list with health, enable/disable, OPML."""


@sources.command(name="add")
@click.argument("url")
@click.option("--name", help="Outlet name (default: the feed's title).")
@click.pass_obj
@handle_errors
def sources_add(settings: Settings, url: str, name: str | None) -> None:
    """Follow a feed URL, a sitemap URL, or the feeds found on a homepage."""
    from akhbar.pipeline.sources import add_source_from_url

    with opened_store(settings) as store:
        found = asyncio.run(add_source_from_url(store, settings, url, name=name))
    for feed in found:
        state = "added" if feed.added else "already followed"
        out_console.print(f"{state}: {feed.url} ({feed.kind}, {feed.items} items) {feed.title}")


@sources.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON objects.")
@click.pass_obj
@handle_errors
def sources_list(settings: Settings, as_json: bool) -> None:
    """Every feed with its health: last success, last error, failures, items, next poll."""
    with opened_store(settings) as store:
        feeds = store.list_feeds()
    rows = [feed_to_dict(f) for f in feeds]
    if as_json:
        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    table = Table(title=f"{len(rows)} feeds")
    for column in (
        "id",
        "name",
        "kind",
        "state",
        "last success",
        "failures",
        "items",
        "next poll",
        "last error",
    ):
        table.add_column(column)
    for r in rows:
        state = "disabled" if not r["enabled"] else ("ok" if r["verified"] else "unverified")
        table.add_row(
            str(r["id"]),
            r["name"],
            r["kind"],
            state,
            r["last_success"] or "—",
            str(r["consecutive_failures"]),
            str(r["items_seen"]),
            r["next_poll"] or "due",
            (r["last_error"] or "")[:80],
        )
    out_console.print(table)


def feed_to_dict(feed: Feed) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return utc_iso(value) if value else None

    return {
        "id": feed.id,
        "name": feed.source_name,
        "url": feed.url,
        "kind": feed.kind,
        "title": feed.title,
        "category": feed.category,
        "enabled": feed.enabled,
        "verified": feed.verified,
        "last_success": iso(feed.last_success),
        "last_error": feed.last_error,
        "last_error_at": iso(feed.last_error_at),
        "consecutive_failures": feed.consecutive_failures,
        "items_seen": feed.items_seen,
        "items_per_day": round(feed.items_per_day, 2),
        "next_poll": iso(feed.next_poll),
        "timezone": feed.source_timezone,
    }


def _set_enabled(settings: Settings, key: str, enabled: bool) -> None:
    with opened_store(settings) as store:
        feed = store.get_feed(key)
        store.set_feed_enabled(feed.id, enabled)
    out_console.print(f"{'enabled' if enabled else 'disabled'}: {feed.url}")


@sources.command(name="disable")
@click.argument("key")
@click.pass_obj
@handle_errors
def sources_disable(settings: Settings, key: str) -> None:
    """Stop polling a feed (by id, URL, or outlet name)."""
    _set_enabled(settings, key, False)


@sources.command(name="enable")
@click.argument("key")
@click.pass_obj
@handle_errors
def sources_enable(settings: Settings, key: str) -> None:
    """Poll a feed again (due at once)."""
    _set_enabled(settings, key, True)


@sources.command(name="remove")
@click.argument("key")
@click.pass_obj
@handle_errors
def sources_remove(settings: Settings, key: str) -> None:
    """Stop following a feed; its articles stay."""
    with opened_store(settings) as store:
        feed = store.get_feed(key)
        store.remove_feed(feed.id)
    out_console.print(f"removed: {feed.url}")


@sources.command(name="import-opml")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
@handle_errors
def sources_import_opml(settings: Settings, path: str) -> None:
    """Follow every feed of an OPML file (categories kept)."""
    from pathlib import Path

    from akhbar.pipeline.sources import import_opml_feeds
    from akhbar.sources import parse_opml

    feeds = parse_opml(Path(path).read_bytes(), path=path)
    with opened_store(settings) as store:
        added = import_opml_feeds(store, feeds)
    out_console.print(f"{len(feeds)} feeds in {path}, {added} new")


@sources.command(name="export-opml")
@click.pass_obj
@handle_errors
def sources_export_opml(settings: Settings) -> None:
    """Write every followed feed as OPML 2.0 to stdout."""
    from akhbar.sources import OpmlFeed, write_opml

    with opened_store(settings) as store:
        feeds = store.list_feeds()
    opml = write_opml(
        [
            OpmlFeed(
                title=f.title or f.source_name, xml_url=f.url, html_url="", category=f.category
            )
            for f in feeds
        ],
        title="akhbar",
    )
    sys.stdout.buffer.write(opml)


@cli.command()
@click.option("--source", help="Only this outlet (name) or feed (URL).")
@click.option("--limit", type=int, help="At most N new items per feed.")
@click.option("--all", "all_feeds", is_flag=True, help="Poll every enabled feed, due or not.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_obj
@handle_errors
def fetch(
    settings: Settings, source: str | None, limit: int | None, all_feeds: bool, quiet: bool
) -> None:
    """One polling pass over the feeds that are due."""
    from akhbar.pipeline.poll import poll_once

    with opened_store(settings) as store, _progress(quiet) as progress:
        task = progress.add_task("polling", total=None)
        report = asyncio.run(
            poll_once(
                store,
                settings,
                source=source,
                limit=limit,
                all_feeds=all_feeds,
                on_feed=lambda _outcome: progress.advance(task),
            )
        )
        queued = store.related_queue_size()
    _print_poll_report(report)
    _print_ranking_queue(queued)


@cli.command()
@click.option("--idle", default=30.0, show_default=True, help="Longest wait between passes (s).")
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Also serve the reader on the host/port settings.",
)
@click.pass_obj
@handle_errors
def run(settings: Settings, idle: float, serve: bool) -> None:
    """Poll continuously and serve the reader until stopped (Ctrl-C or SIGTERM finish
    in-flight writes and requests, then exit)."""
    from akhbar.pipeline.poll import run_forever

    async def main_loop() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        server = _reader_server(settings) if serve else None
        serving = asyncio.create_task(server.serve()) if server else None
        if server:
            out_console.print(f"akhbar reader on http://{settings.host}:{settings.port}/")
        try:
            with opened_store(settings) as store:
                return await run_forever(
                    store, settings, stop=stop, on_pass=_print_poll_report, idle_seconds=idle
                )
        finally:
            if server is not None and serving is not None:
                server.should_exit = True
                await serving

    passes = asyncio.run(main_loop())
    out_console.print(f"stopped after {passes} polling passes")


def _reader_server(settings: Settings) -> Any:
    """A uvicorn server for the reader that leaves signal handling to `run`'s stop event."""
    import uvicorn

    from akhbar.web import create_app

    class ReaderServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_level="warning",
        proxy_headers=False,
    )
    return ReaderServer(config)


def _print_poll_report(report: Any) -> None:
    out_console.print(
        f"{len(report.outcomes)} feeds polled: {report.new_articles} new articles,"
        f" {report.count('not_modified')} not modified, {len(report.failed)} failed"
    )
    for outcome in report.failed:
        err_console.print(f"failed: {outcome.url}: {outcome.error}", soft_wrap=True)


def main() -> None:
    cli(prog_name="akhbar")


# Commands that live beside their stage; registered last so akhbar.cli is fully loaded.
from akhbar.cli_intel import COMMANDS as INTEL_COMMANDS  # noqa: E402
from akhbar.cli_search import search_command  # noqa: E402
from akhbar.cli_tags import tags_group  # noqa: E402
from akhbar.cli_web import serve_command  # noqa: E402

cli.add_command(search_command)
cli.add_command(tags_group)
cli.add_command(serve_command)
for _command in INTEL_COMMANDS:
    cli.add_command(_command)
