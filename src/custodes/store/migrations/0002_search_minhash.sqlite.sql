-- Full-text index over documents, kept in sync by triggers, and the MinHash
-- signatures and LSH band keys that story clustering (custodes.resolve) reads.
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5 (
    title, text, content = 'documents', content_rowid = 'rowid'
);
INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');

CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

-- one row per document: its MinHash signature (little-endian uint32 array)
CREATE TABLE IF NOT EXISTS minhash (
    document_id TEXT PRIMARY KEY,
    signature BLOB NOT NULL
);
-- LSH: one row per (band key, document); documents sharing a key are candidates
CREATE TABLE IF NOT EXISTS minhash_bands (
    band_key INTEGER NOT NULL,
    document_id TEXT NOT NULL,
    PRIMARY KEY (band_key, document_id)
) WITHOUT ROWID;
