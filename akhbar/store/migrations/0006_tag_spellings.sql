-- A tag reads as the corpus spells it: every spelling of a tag's own name seen in an article
-- is counted, and the most seen one is the tag's display (akhbar/store/tags.py). The
-- gazetteer's spelling only starts a tag off and breaks ties.
CREATE TABLE tag_spellings (
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    spelling    TEXT NOT NULL,                   -- as cut from the article text (كيم جونج أون)
    seen        INTEGER NOT NULL DEFAULT 0,      -- mentions over all ingested articles
    PRIMARY KEY (tag_id, spelling)
) WITHOUT ROWID;

-- An editor's `akhbar tags rename` (or merge into) pins the display: counts never change it.
ALTER TABLE tags ADD COLUMN display_pinned INTEGER NOT NULL DEFAULT 0;
