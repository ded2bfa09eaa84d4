"""`akhbar serve`: run the web reader with uvicorn (registered by akhbar.cli).

Kept out of cli.py so that uvicorn and the templates load only for this command.
"""

from __future__ import annotations

import dataclasses

import click

from akhbar.config import Settings


@click.command(name="serve")
@click.option("--host", default=None, help="Address to listen on (default: the host setting).")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(1, 65535),
    help="Port to listen on (default: the port setting).",
)
@click.option(
    "--access-log",
    is_flag=True,
    help="Log every request (off by default: it costs about a fifth of the throughput).",
)
@click.pass_obj
def serve_command(settings: Settings, host: str | None, port: int | None, access_log: bool) -> None:
    """Serve the reader, its JSON API (/api/v1) and its RSS/Atom feeds."""
    import uvicorn

    from akhbar.errors import AkhbarError
    from akhbar.web import create_app

    settings = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
    try:
        app = create_app(settings, rank_idle=True)
    except AkhbarError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"akhbar reader on http://{settings.host}:{settings.port}/ (store {settings.db})")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        access_log=access_log,
        log_level="info",
        proxy_headers=False,
    )
