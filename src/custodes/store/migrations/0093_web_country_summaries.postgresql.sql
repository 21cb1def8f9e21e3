-- The web atlas, uncached: a country profile and the world map without scanning
-- every claim or deployment of a large country on each request.
-- country_totals (the unfiltered map) and country_years (a country's unfiltered
-- timeline) are derived from deployments and claims; custodes.resolve.summarise_countries
-- refills them whenever the deployments are rebuilt, which is also when they are filled here.
CREATE TABLE IF NOT EXISTS country_totals (
    country TEXT PRIMARY KEY,
    technologies BIGINT NOT NULL,
    deployments BIGINT NOT NULL,
    vendors BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS country_years (
    country TEXT NOT NULL,
    year TEXT NOT NULL,
    status TEXT,
    claims BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS country_years_country ON country_years (country, year, status, claims);
INSERT INTO country_totals (country, technologies, deployments, vendors)
SELECT country, COUNT(DISTINCT technology), COUNT(*), COUNT(DISTINCT vendor)
FROM deployments WHERE country IS NOT NULL GROUP BY country;
INSERT INTO country_years (country, year, status, claims)
SELECT country, substr(published, 1, 4), status, COUNT(*)
FROM claims WHERE country IS NOT NULL AND published IS NOT NULL
GROUP BY country, substr(published, 1, 4), status;
-- Covering indexes for a profile's deployment facets: technologies by status and the
-- settings; vendors and supplier countries; the deployments listed, best sourced first.
CREATE INDEX IF NOT EXISTS deployments_country_status ON deployments (country, technology, status, settings);
CREATE INDEX IF NOT EXISTS deployments_country_vendor ON deployments (country, vendor, supplier_country, technology);
CREATE INDEX IF NOT EXISTS deployments_country_rank ON deployments (country, n_clusters DESC, last_seen DESC, id);
