from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fetch.server import FixtureServer, serve


@pytest.fixture
def http_server() -> Iterator[FixtureServer]:
    """A running FixtureServer with no routes; a test adds them: `http_server.routes[...] = h`."""
    with serve() as server:
        yield server
