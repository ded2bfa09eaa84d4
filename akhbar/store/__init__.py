"""The store: every SQL statement akhbar runs lives under this package.

`open_store(path)` returns the embedded SQLite store. A PostgreSQL store will be a sibling
module with the same public methods.
"""

from akhbar.store.rows import parse_utc_iso
from akhbar.store.sqlite import NewArticle, SQLiteStore, utc_iso

Store = SQLiteStore


def open_store(path: str) -> SQLiteStore:
    """Open (creating and migrating as needed) the store at `path` (":memory:" for tests)."""
    return SQLiteStore(path)


__all__ = ["NewArticle", "SQLiteStore", "Store", "open_store", "parse_utc_iso", "utc_iso"]
