-- The search outbox: an article id is queued in the same transaction that stores (or changes,
-- or deletes) the article; the search index is updated after the commit and the row removed.
-- A crash in between leaves the row, and the next open replays it: no article is lost to search.
CREATE TABLE search_outbox (
    article_id  INTEGER PRIMARY KEY,
    op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    queued_at   TEXT NOT NULL                 -- ISO 8601 UTC with microseconds: tells a re-queue apart
);

-- A store that already holds articles gets them all indexed on its next open.
INSERT INTO search_outbox (article_id, op, queued_at)
    SELECT id, 'upsert', strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z' FROM articles;
