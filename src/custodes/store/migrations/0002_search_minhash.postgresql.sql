-- Full-text index over documents, and the MinHash signatures and LSH band keys
-- that story clustering (custodes.resolve) reads.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('english', coalesce(title, '') || ' ' || left(coalesce(text, ''), 500000))
    ) STORED;
CREATE INDEX IF NOT EXISTS documents_search ON documents USING GIN (search);

CREATE TABLE IF NOT EXISTS minhash (
    document_id TEXT PRIMARY KEY,
    signature BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS minhash_bands (
    band_key BIGINT NOT NULL,
    document_id TEXT NOT NULL,
    PRIMARY KEY (band_key, document_id)
);
