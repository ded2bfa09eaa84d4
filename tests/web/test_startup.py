"""What the reader does once at start-up: search's tables loaded, then frozen out of the garbage
collector's full collections (which walked them in the middle of requests); undone at shutdown."""

from __future__ import annotations

import gc
from collections.abc import Callable

from starlette.testclient import TestClient

from akhbar.config import Settings
from akhbar.search import names
from akhbar.web import create_app
from tests.web.conftest import NOW, Corpus


def test_the_reader_loads_search_and_freezes_its_start_up_objects(
    corpus: Corpus, settings_for: Callable[..., Settings]
) -> None:
    names.default_expander.cache_clear()
    gc.unfreeze()
    app = create_app(settings_for(corpus.path), now=lambda: NOW)
    with TestClient(app, base_url="http://testserver") as client:
        assert names.default_expander.cache_info().currsize == 1  # loaded before any query
        assert gc.get_freeze_count() > 0
        assert client.get("/search", params={"q": "القاهرة"}).status_code == 200
    assert gc.get_freeze_count() == 0
