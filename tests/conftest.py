"""Shared fixtures: an in-memory migrated store, a temp store path, a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from akhbar.store import SQLiteStore, open_store
from tests.fetch.server import FixtureServer, serve

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    s = open_store(":memory:")
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "akhbar.db")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    # Settings come from the environment and ./akhbar.toml: isolate both.
    for name in ("AKHBAR_DB", "AKHBAR_CONFIG", "AKHBAR_DEFAULT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def http_server() -> Iterator[FixtureServer]:
    """A running local HTTP server with no routes; a test adds them: `server.routes[...] = h`."""
    with serve() as server:
        yield server


def store_before_migration(number: int, path: str, monkeypatch: pytest.MonkeyPatch) -> SQLiteStore:
    """A store at `path` made with the migrations before `number` only (as an older akhbar
    left it); `monkeypatch.undo()` before opening it again applies the rest."""
    from akhbar.store import sqlite as sqlite_module

    older = [m for m in sqlite_module._migrations() if m[0] < number]
    monkeypatch.setattr(sqlite_module, "_migrations", lambda: older)
    return SQLiteStore(path)
