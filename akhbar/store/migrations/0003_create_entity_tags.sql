-- Entity tags: a tag can stand for a gazetteer entity (tags.entity_id, e.g. 'vladimir-putin'),
-- so the publisher tag «بوتين» and the extracted «فلاديمير بوتين» are one tag.
ALTER TABLE tags ADD COLUMN entity_id TEXT;
CREATE UNIQUE INDEX tags_entity ON tags (entity_id) WHERE entity_id IS NOT NULL;

-- Person names found after a title («المتحدث باسم الكرملين X Y») that no vocabulary knows.
-- Counted per article and per outlet; promoted to a tag (tag_id set) once seen often enough.
CREATE TABLE candidate_entities (
    name_key    TEXT PRIMARY KEY,                -- normalize_for_match(display)
    display     TEXT NOT NULL,                   -- the first spelling seen
    role        TEXT NOT NULL DEFAULT '',        -- the title phrase seen with it
    articles    INTEGER NOT NULL DEFAULT 0,
    outlets     INTEGER NOT NULL DEFAULT 0,      -- distinct sources (kept equal to candidate_outlets)
    first_seen  TEXT NOT NULL,
    tag_id      INTEGER REFERENCES tags (id) ON DELETE SET NULL
);

CREATE TABLE candidate_outlets (
    name_key    TEXT NOT NULL REFERENCES candidate_entities (name_key) ON DELETE CASCADE,
    source_id   INTEGER NOT NULL,                -- 0: an article with no known outlet
    PRIMARY KEY (name_key, source_id)
) WITHOUT ROWID;

-- `akhbar tags merge FROM INTO` is remembered: a spelling merged away keeps resolving to the
-- tag it was merged into, even when a later article or the gazetteer brings it back.
CREATE TABLE tag_merges (
    from_key     TEXT PRIMARY KEY,               -- a normalised name of the merged-away tag
    into_tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    merged_at    TEXT NOT NULL
);
CREATE INDEX tag_merges_into ON tag_merges (into_tag_id);
