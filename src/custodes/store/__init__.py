"""Storage: the custodes database (SQLite or PostgreSQL), its schema and migrations, and ingest.

    >>> from custodes.store import open_store
    >>> store = open_store(":memory:")
    >>> sorted(store.query("SELECT iso2, name FROM countries WHERE iso2 = 'KP'"))
    [('KP', 'North Korea')]
"""
from custodes.store.db import Store, StoreError, open_store
from custodes.store.dump import canonical_dump
from custodes.store.ingest import IngestSummary, ingest, ingest_documents

__all__ = ["IngestSummary", "Store", "StoreError", "canonical_dump", "ingest", "ingest_documents",
           "open_store"]
