-- A story cluster's representative (its earliest dated document) found by an index seek
-- instead of sorting every member on each new copy: clusters of syndicated copies (and
-- chains of them) can hold thousands of documents. The index also serves every look-up
-- by cluster_id, so the older one-column index goes.
CREATE INDEX IF NOT EXISTS documents_cluster_published ON documents (cluster_id, published, id);
DROP INDEX IF EXISTS documents_cluster;
