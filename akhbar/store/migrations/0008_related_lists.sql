-- "Read also" lists become each article's own 'related' rows, ranked in full after ingest.
--
-- Until now a list was read in both directions: an article's own links (stored at ingest, from
-- the articles before it) plus the links of later articles pointing at it. Lists ranked in
-- full (akhbar/pipeline/relate.py) replace an article's own rows, and a later article's link
-- must not be mixed into them with a score of another scale; so readers now read an article's
-- own rows only. The rows below turn each existing reverse link into a row of its own, so that
-- every existing list reads as before until it is ranked (new articles add no such rows: the
-- articles they may belong with are queued instead).
INSERT INTO article_relations (article_id, other_id, kind, score, created_at)
SELECT other_id, article_id, 'related', score, created_at
FROM article_relations WHERE kind = 'related'
ON CONFLICT DO NOTHING;

-- The articles whose list is to be ranked in full: a new article, and the members of the
-- stories queued below. Filled in the transaction that stores the article, emptied by `akhbar
-- relate`, `akhbar run` between polls, `akhbar serve` while idle and `akhbar export`.
-- `queued_at` tells a re-queue apart from the entry the ranker read.
CREATE TABLE related_queue (
    article_id  INTEGER PRIMARY KEY,
    queued_at   TEXT NOT NULL                 -- ISO 8601 UTC with microseconds
);

-- The stories a new article came close to: it may belong in their members' lists. The ranker
-- queues their members nearest in time to `at` (the new article's time) before it ranks, so
-- ingest does not read them.
CREATE TABLE related_story_queue (
    story_id    INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,             -- epoch seconds
    queued_at   TEXT NOT NULL
);

-- Every article with a term vector gets its list ranked once (a copy shows its original's).
INSERT INTO related_queue (article_id, queued_at)
SELECT article_id, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z' FROM article_vectors
WHERE article_id NOT IN (SELECT article_id FROM article_relations WHERE kind = 'duplicate-of');
