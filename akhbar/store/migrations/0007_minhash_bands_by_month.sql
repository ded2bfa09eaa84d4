-- Near-duplicate band rows keyed by the calendar month (UTC) of the article first: a copy is
-- looked for among the articles of its own month and of the nearer neighbouring month
-- (akhbar/dedup/minhash.py). Keyed by (band, hash) alone, every batch of new articles wrote
-- its band rows into pages spread over the whole table: at 66 k articles a batch of 500
-- rewrote all of its 8,800 pages, and the share of the page cache those pages took grew with
-- the store. Now a batch writes into the few pages of the current month.
-- `month` is year * 12 + month - 1 of the publication time, else of the import time (the
-- `at` of article_vectors).
CREATE TABLE minhash_bands_by_month (
    month       INTEGER NOT NULL,
    band        INTEGER NOT NULL,
    hash        INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    PRIMARY KEY (month, band, hash, article_id)
) WITHOUT ROWID;

INSERT INTO minhash_bands_by_month (month, band, hash, article_id)
SELECT CAST(strftime('%Y', a.at) AS INTEGER) * 12 + CAST(strftime('%m', a.at) AS INTEGER) - 1,
       b.band, b.hash, b.article_id
FROM minhash_bands b
JOIN (SELECT id, coalesce(published_at, imported_at) AS at FROM articles) a ON a.id = b.article_id
ORDER BY 1, 2, 3, 4;

DROP TABLE minhash_bands;

ALTER TABLE minhash_bands_by_month RENAME TO minhash_bands;
