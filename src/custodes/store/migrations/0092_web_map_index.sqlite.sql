-- The web atlas's world map counts technologies, deployments, vendors and
-- documents per country; this covering index answers that from the index alone.
CREATE INDEX IF NOT EXISTS deployments_map ON deployments (country, technology, vendor, n_documents);
