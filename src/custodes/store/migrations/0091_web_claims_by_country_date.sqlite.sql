-- The web atlas: a country's newest claims and its timeline read this index
-- alone (ORDER BY published DESC, GROUP BY year and status) instead of
-- visiting every claim row of a large country.
CREATE INDEX IF NOT EXISTS claims_country_published ON claims (country, published, status);
