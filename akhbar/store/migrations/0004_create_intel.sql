-- News intelligence: near-duplicate signatures, stories, and the term index that finds story
-- and "read also" candidates. Times here are integer epoch seconds (compared, never shown).
-- The two large index tables (minhash_bands, story_terms) carry no foreign key: an index on
-- article_id would double their size only to speed up deletes, and a stale row is harmless
-- (every read joins it to a table that does cascade).

-- One MinHash signature per article: 128 little-endian uint32 (512 bytes).
CREATE TABLE minhash_signatures (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    signature   BLOB NOT NULL
);

-- LSH: 32 bands of 4 rows; two articles are candidates when one (band, hash) matches.
-- The primary key is the (band, hash) index: a lookup is 32 probes, whatever the store's size.
CREATE TABLE minhash_bands (
    band        INTEGER NOT NULL,
    hash        INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    PRIMARY KEY (band, hash, article_id)
) WITHOUT ROWID;

-- Document frequency of each term (a 63-bit hash of a stem, or of '#<tag id>'), kept up to
-- date one article at a time: the IDF of stories and "read also" needs no recompute.
CREATE TABLE term_stats (
    term        INTEGER PRIMARY KEY,
    df          INTEGER NOT NULL
);

-- Counters (documents counted in term_stats).
CREATE TABLE intel_state (
    key         TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
) WITHOUT ROWID;

-- The weighted term vector of each article's title + lead (+ tags), L2-normalised; term ids as
-- int64, weights as float32. `at` is published_at, else import time.
CREATE TABLE article_vectors (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    terms       BLOB NOT NULL,
    weights     BLOB NOT NULL
);

-- Inverted index of each original article's strongest terms, by time: candidates for a story
-- or "read also" are the articles near a given time sharing a rare term (an index range scan,
-- never a scan of all articles). Duplicates are not posted: their original stands for them.
CREATE TABLE story_terms (
    term        INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    PRIMARY KEY (term, at, article_id)
) WITHOUT ROWID;

CREATE TABLE stories (
    id             INTEGER PRIMARY KEY,
    lead_id        INTEGER REFERENCES articles (id) ON DELETE SET NULL, -- earliest original
    first_at       INTEGER NOT NULL,
    last_at        INTEGER NOT NULL,
    article_count  INTEGER NOT NULL DEFAULT 0,
    outlet_count   INTEGER NOT NULL DEFAULT 0,                           -- distinct sources
    centroid       BLOB NOT NULL,  -- top terms of the sum of member vectors (int64 + float32)
    created_at     TEXT NOT NULL
);
CREATE INDEX stories_last ON stories (last_at);

CREATE TABLE story_members (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    source_id   INTEGER,
    at          INTEGER NOT NULL,
    score       REAL NOT NULL      -- similarity that placed it (1.0 for the opener, a copy)
);
CREATE INDEX story_members_story ON story_members (story_id, at);
CREATE INDEX story_members_source ON story_members (story_id, source_id);
