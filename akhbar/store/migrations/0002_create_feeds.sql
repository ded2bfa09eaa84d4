-- An outlet (source) can have several feeds; counts and stories see the outlet, not the feed.
-- Health fields exist so that a failing feed is visible, never silently dropped.
CREATE TABLE feeds (
    id                    INTEGER PRIMARY KEY,
    source_id             INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    url                   TEXT NOT NULL UNIQUE,
    kind                  TEXT NOT NULL DEFAULT 'rss',   -- rss, atom, jsonfeed, sitemap, page
    title                 TEXT NOT NULL DEFAULT '',
    category              TEXT NOT NULL DEFAULT '',
    enabled               INTEGER NOT NULL DEFAULT 1,
    verified              INTEGER NOT NULL DEFAULT 0,    -- 1 once a poll succeeded
    etag                  TEXT,
    last_modified         TEXT,
    body_hash             TEXT,
    last_polled           TEXT,
    last_success          TEXT,
    last_error            TEXT,
    last_error_at         TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    items_seen            INTEGER NOT NULL DEFAULT 0,
    items_per_day         REAL NOT NULL DEFAULT 0,
    next_poll             TEXT,                          -- NULL: due now
    created_at            TEXT NOT NULL
);
CREATE INDEX feeds_next_poll ON feeds (enabled, next_poll);

ALTER TABLE articles ADD COLUMN feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL;
