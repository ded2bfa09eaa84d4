-- Sources are outlets (البوابة نيوز); feeds of an outlet come in a later migration.
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,          -- normalize_for_match(name): one outlet, many spellings
    name_en     TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    homepage    TEXT NOT NULL DEFAULT '',
    timezone    TEXT NOT NULL DEFAULT '',      -- IANA zone for dates printed without one
    created_at  TEXT NOT NULL
);

CREATE TABLE articles (
    id                  INTEGER PRIMARY KEY,
    url                 TEXT NOT NULL DEFAULT '',
    canonical_url       TEXT NOT NULL DEFAULT '',
    title               TEXT NOT NULL,            -- as published (clean_for_display only)
    body                TEXT NOT NULL,            -- as published, paragraphs separated by blank lines
    published_at        TEXT,                     -- ISO 8601 UTC; NULL when not stated: never guessed
    published_has_time  INTEGER NOT NULL DEFAULT 0,
    published_text      TEXT NOT NULL DEFAULT '', -- the date as the page printed it
    imported_at         TEXT NOT NULL,
    source_id           INTEGER REFERENCES sources(id),
    language            TEXT NOT NULL DEFAULT 'ar',
    fingerprint         TEXT NOT NULL,            -- hash of the normalised title + body
    dedup_key           TEXT NOT NULL UNIQUE,     -- canonical URL, else source + fingerprint
    origin              TEXT NOT NULL,            -- file:line or URL
    encoding            TEXT NOT NULL DEFAULT '',
    author              TEXT NOT NULL DEFAULT '',
    image_url           TEXT NOT NULL DEFAULT '',
    partial             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_published ON articles (published_at);
CREATE INDEX articles_source ON articles (source_id, published_at);
CREATE INDEX articles_fingerprint ON articles (fingerprint);

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    canonical   TEXT NOT NULL UNIQUE,            -- normalize_for_match(display)
    display     TEXT NOT NULL,                   -- the spelling shown to readers
    type        TEXT NOT NULL DEFAULT '',        -- person, country, city, org, topic ...
    qid         TEXT NOT NULL DEFAULT '',        -- Wikidata QID where known
    created_at  TEXT NOT NULL
);

-- Every spelling seen of a tag (e.g. with Persian letters). Several spellings share one
-- alias_key; the store keeps each alias_key pointing at exactly one tag.
CREATE TABLE tag_aliases (
    alias       TEXT PRIMARY KEY,                -- a spelling as seen
    alias_key   TEXT NOT NULL,                   -- normalize_for_match(alias)
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE
);
CREATE INDEX tag_aliases_key ON tag_aliases (alias_key, tag_id);
CREATE INDEX tag_aliases_tag ON tag_aliases (tag_id);

CREATE TABLE article_tags (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    origin      TEXT NOT NULL CHECK (origin IN ('publisher', 'extracted')),
    score       REAL NOT NULL DEFAULT 1.0,
    PRIMARY KEY (article_id, tag_id, origin)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

-- article_id --kind--> other_id: "article_id is a duplicate of other_id", "is appended to" ...
CREATE TABLE article_relations (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    other_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('duplicate-of', 'appended-to', 'related', 'same-story')),
    score       REAL NOT NULL DEFAULT 1.0,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (article_id, kind, other_id)
) WITHOUT ROWID;
CREATE INDEX article_relations_other ON article_relations (other_id, kind);

CREATE TABLE ingest_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    origin      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('imported', 'duplicate', 'failed')),
    article_id  INTEGER,
    message     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ingest_log_at ON ingest_log (at);
