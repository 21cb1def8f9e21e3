-- The core tables of docs/schema.md. IDs are content hashes (custodes.model.content_id).
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    url TEXT,
    domain TEXT,
    title TEXT,
    published TEXT,
    source_type TEXT,
    source_name TEXT,
    language TEXT,
    text TEXT NOT NULL,
    extracted INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    cluster_id TEXT,
    ingested_at TEXT,
    extractor_version TEXT
);
CREATE INDEX IF NOT EXISTS documents_cluster ON documents (cluster_id);
CREATE INDEX IF NOT EXISTS documents_domain ON documents (domain);
CREATE INDEX IF NOT EXISTS documents_published ON documents (published);

CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    country TEXT,
    technology TEXT,
    vendor TEXT,
    supplier_country TEXT,
    settings JSONB NOT NULL DEFAULT '[]'::jsonb,
    status TEXT,
    confidence DOUBLE PRECISION,
    published TEXT,
    deployment_id TEXT,
    extractor_version TEXT
);
CREATE INDEX IF NOT EXISTS claims_document ON claims (document_id);
CREATE INDEX IF NOT EXISTS claims_country ON claims (country, technology);
CREATE INDEX IF NOT EXISTS claims_vendor ON claims (vendor);
CREATE INDEX IF NOT EXISTS claims_deployment ON claims (deployment_id);

CREATE TABLE IF NOT EXISTS evidence (
    id TEXT PRIMARY KEY,
    claim_id TEXT NOT NULL REFERENCES claims (id),
    document_id TEXT NOT NULL,
    sentence TEXT NOT NULL,
    start INTEGER,
    end_ INTEGER,
    page INTEGER,
    matched JSONB NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX IF NOT EXISTS evidence_claim ON evidence (claim_id);
CREATE INDEX IF NOT EXISTS evidence_document ON evidence (document_id);

CREATE TABLE IF NOT EXISTS errors (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    location TEXT,
    reason TEXT NOT NULL,
    occurred_at TEXT
);

CREATE TABLE IF NOT EXISTS clusters (
    id TEXT PRIMARY KEY,
    representative_id TEXT,
    size INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS deployments (
    id TEXT PRIMARY KEY,
    country TEXT,
    technology TEXT,
    vendor TEXT,
    supplier_country TEXT,
    status TEXT,
    status_history JSONB NOT NULL DEFAULT '[]'::jsonb,
    settings JSONB NOT NULL DEFAULT '[]'::jsonb,
    first_seen TEXT,
    last_seen TEXT,
    n_claims INTEGER NOT NULL DEFAULT 0,
    n_documents INTEGER NOT NULL DEFAULT 0,
    n_clusters INTEGER NOT NULL DEFAULT 0,
    n_domains INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deployments_country ON deployments (country);
CREATE INDEX IF NOT EXISTS deployments_vendor ON deployments (vendor);

CREATE TABLE IF NOT EXISTS vendors (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT,
    aliases JSONB NOT NULL DEFAULT '[]'::jsonb
);

CREATE TABLE IF NOT EXISTS countries (
    iso2 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region TEXT,
    subregion TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION
);
