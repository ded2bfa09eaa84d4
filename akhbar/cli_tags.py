"""`akhbar tags ...`: look at and curate the tag vocabulary (registered by akhbar.cli).

    tags list [--json] [--limit N]    most used tags
    tags show NAME [--json]           one tag: canonical form, display, aliases, type, QID, count
    tags merge FROM INTO              one tag into another, remembered for later articles
    tags alias NAME ALIAS             another spelling of a tag
    tags rename NAME NEW_DISPLAY      show a tag under another spelling (pins the display)
    tags unpin NAME                   let the spellings articles use choose the display again

A tag shows the spelling of its name that articles use most (counted as they are ingested);
a rename pins the display so the counts no longer change it.

NAME is any spelling of a tag (display, alias, a name merged away); matching is normalised.
Thin commands: the work is in akhbar/store/tags.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, TypeVar, cast

import click
import orjson
from rich.console import Console
from rich.table import Table

from akhbar.config import Settings
from akhbar.errors import AkhbarError
from akhbar.store import open_store
from akhbar.store.tags import TagInfo

__all__ = ["tags_group"]

T = TypeVar("T")


class _TagStore(Protocol):
    def transaction(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...
    def list_tags(self, *, limit: int = 50) -> list[TagInfo]: ...
    def tag_info(self, name: str) -> TagInfo: ...
    def merge_tags(self, from_name: str, into_name: str) -> TagInfo: ...
    def add_alias_to(self, name: str, alias: str) -> TagInfo: ...
    def rename_tag(self, name: str, new_display: str) -> TagInfo: ...
    def unpin_tag(self, name: str) -> TagInfo: ...


@contextmanager
def _store(settings: Settings) -> Iterator[_TagStore]:
    # SQLiteStore has TagQueries among its bases (akhbar/store/tags.py).
    store = cast(_TagStore, open_store(settings.db))
    try:
        yield store
    finally:
        store.close()


def _run(settings: Settings, work: Callable[[_TagStore], T], *, write: bool = False) -> T:
    """Run `work` on the store (in a transaction when it writes); errors → one clean line."""
    try:
        with _store(settings) as store:
            if not write:
                return work(store)
            with store.transaction():
                return work(store)
    except AkhbarError as exc:
        raise click.ClickException(str(exc)) from exc


def _print_json(value: object) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def _print_tag(tag: TagInfo) -> None:
    console = Console(highlight=False)
    pinned = "  (pinned)" if tag.pinned else ""
    console.print(f"[bold]{tag.display}[/bold]  (id {tag.id}){pinned}")
    console.print(f"canonical: {tag.canonical}")
    console.print(
        f"type: {tag.type or '—'}   qid: {tag.qid or '—'}   entity: {tag.entity_id or '—'}"
    )
    console.print(f"articles: {tag.article_count}")
    console.print("aliases: " + (" · ".join(tag.aliases) or "—"), soft_wrap=True)
    spellings = " · ".join(f"{spelling} ({seen})" for spelling, seen in tag.spellings)
    console.print("spellings seen: " + (spellings or "—"), soft_wrap=True)


@click.group(name="tags")
def tags_group() -> None:
    """Tags («كلمات دلالية»): list, show, merge, alias, rename, unpin."""


@tags_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, None))
@click.pass_obj
def list_command(settings: Settings, as_json: bool, limit: int) -> None:
    """The most used tags, with their article counts."""
    tags = _run(settings, lambda store: store.list_tags(limit=limit))
    if as_json:
        _print_json([t.to_dict() for t in tags])
        return
    table = Table()
    for name in ("id", "tag", "type", "articles", "aliases"):
        table.add_column(name, overflow="fold")
    for t in tags:
        table.add_row(str(t.id), t.display, t.type, str(t.article_count), str(len(t.aliases)))
    Console(highlight=False).print(table)


@tags_group.command(name="show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show_command(settings: Settings, name: str, as_json: bool) -> None:
    """One tag: canonical form, display, aliases, type, QID and article count."""
    tag = _run(settings, lambda store: store.tag_info(name))
    if as_json:
        _print_json(tag.to_dict())
    else:
        _print_tag(tag)


@tags_group.command(name="merge")
@click.argument("from_name", metavar="FROM")
@click.argument("into_name", metavar="INTO")
@click.pass_obj
def merge_command(settings: Settings, from_name: str, into_name: str) -> None:
    """Merge the tag FROM into INTO: articles, aliases and names move; later articles that
    bring FROM's spellings are tagged INTO."""
    tag = _run(settings, lambda store: store.merge_tags(from_name, into_name), write=True)
    click.echo(f"merged {from_name} into {tag.display} ({tag.article_count} articles)")


@tags_group.command(name="alias")
@click.argument("name")
@click.argument("alias")
@click.pass_obj
def alias_command(settings: Settings, name: str, alias: str) -> None:
    """Add ALIAS as another spelling of the tag NAME (matched in later articles)."""
    tag = _run(settings, lambda store: store.add_alias_to(name, alias), write=True)
    click.echo(f"{tag.display}: {len(tag.aliases)} aliases")


@tags_group.command(name="rename")
@click.argument("name")
@click.argument("new_display")
@click.pass_obj
def rename_command(settings: Settings, name: str, new_display: str) -> None:
    """Show the tag NAME as NEW_DISPLAY (the old spelling stays an alias). The display is
    pinned: the spellings later articles use no longer change it (see `tags unpin`)."""
    tag = _run(settings, lambda store: store.rename_tag(name, new_display), write=True)
    click.echo(f"renamed to {tag.display}")


@tags_group.command(name="unpin")
@click.argument("name")
@click.pass_obj
def unpin_command(settings: Settings, name: str) -> None:
    """Let the spelling articles use most be the display of the tag NAME again."""
    tag = _run(settings, lambda store: store.unpin_tag(name), write=True)
    click.echo(f"{tag.display}: the display follows the spellings seen")
