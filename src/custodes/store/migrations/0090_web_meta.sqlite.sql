-- The web atlas: a small key/value table for facts about the database as a
-- whole (`custodes demo` sets demo = 1 so every page says the data are
-- invented), and the indexes the atlas's pages read by.
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE INDEX IF NOT EXISTS documents_ingested ON documents (ingested_at);
CREATE INDEX IF NOT EXISTS deployments_technology ON deployments (technology, country);
CREATE INDEX IF NOT EXISTS deployments_supplier ON deployments (supplier_country);
CREATE INDEX IF NOT EXISTS claims_technology ON claims (technology);
