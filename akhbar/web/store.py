"""The store the reader opens: the SQLiteStore, whose bases include the web read queries."""

from __future__ import annotations

from akhbar.store import SQLiteStore

WebStore = SQLiteStore


def open_web_store(path: str) -> WebStore:
    return WebStore(path)
