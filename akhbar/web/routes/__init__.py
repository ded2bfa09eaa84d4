"""Route tables: pages (HTML), admin (HTML forms), api (/api/v1, JSON), feeds (RSS/Atom)."""
