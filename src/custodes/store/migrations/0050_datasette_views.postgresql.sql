-- Views for browsing the database in any SQL client: deployments with country and vendor
-- names, claims with the sentence that makes them and the document it is in, and one
-- summary row per country and per vendor. Same columns as 0050_datasette_views.sqlite.sql.
CREATE OR REPLACE VIEW deployment_overview AS
SELECT d.id,
       d.country,
       co.name AS country_name,
       co.region,
       d.technology,
       d.vendor,
       v.slug AS vendor_slug,
       d.supplier_country,
       sc.name AS supplier_country_name,
       d.status,
       d.settings,
       d.first_seen,
       d.last_seen,
       d.n_claims,
       d.n_documents,
       d.n_clusters,
       d.n_domains,
       co.lat AS latitude,
       co.lon AS longitude
FROM deployments d
LEFT JOIN countries co ON co.iso2 = d.country
LEFT JOIN countries sc ON sc.iso2 = d.supplier_country
LEFT JOIN vendors v ON lower(v.name) = lower(d.vendor);

CREATE OR REPLACE VIEW claim_evidence AS
SELECT e.id AS evidence_id,
       cl.id AS claim_id,
       cl.deployment_id,
       cl.country,
       co.name AS country_name,
       cl.technology,
       cl.vendor,
       cl.supplier_country,
       cl.status,
       cl.settings,
       cl.confidence,
       cl.published,
       e.sentence,
       e.matched,
       e.page,
       e.start,
       e.end_,
       doc.title AS document_title,
       doc.url AS document_url,
       doc.domain AS document_domain,
       doc.cluster_id,
       cl.document_id,
       cl.extractor_version
FROM evidence e
JOIN claims cl ON cl.id = e.claim_id
JOIN documents doc ON doc.id = cl.document_id
LEFT JOIN countries co ON co.iso2 = cl.country;

CREATE OR REPLACE VIEW country_summary AS
SELECT d.country,
       co.name AS country_name,
       co.region,
       COUNT(*) AS n_deployments,
       COUNT(DISTINCT d.technology) AS n_technologies,
       COUNT(DISTINCT d.vendor) AS n_vendors,
       SUM(CASE WHEN d.status = 'deployed' THEN 1 ELSE 0 END) AS n_deployed,
       SUM(CASE WHEN d.status IN ('planned', 'trial', 'development') THEN 1 ELSE 0 END) AS n_planned_or_trial,
       SUM(CASE WHEN d.status = 'halted' THEN 1 ELSE 0 END) AS n_halted,
       SUM(d.n_clusters) AS n_sources,
       MIN(d.first_seen) AS first_seen,
       MAX(d.last_seen) AS last_seen,
       co.lat AS latitude,
       co.lon AS longitude
FROM deployments d
LEFT JOIN countries co ON co.iso2 = d.country
GROUP BY d.country, co.name, co.region, co.lat, co.lon;

CREATE OR REPLACE VIEW vendor_summary AS
SELECT d.vendor,
       v.slug AS vendor_slug,
       v.country AS vendor_country,
       COUNT(*) AS n_deployments,
       COUNT(DISTINCT d.country) AS n_countries,
       COUNT(DISTINCT d.technology) AS n_technologies,
       string_agg(DISTINCT d.country, ',') AS countries,
       SUM(d.n_clusters) AS n_sources,
       MIN(d.first_seen) AS first_seen,
       MAX(d.last_seen) AS last_seen
FROM deployments d
LEFT JOIN vendors v ON lower(v.name) = lower(d.vendor)
WHERE d.vendor IS NOT NULL AND d.vendor <> ''
GROUP BY d.vendor, v.slug, v.country;
