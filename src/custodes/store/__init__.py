"""Storage: the custodes database (SQLite or PostgreSQL), its schema and migrations.

    >>> from custodes.store import open_store
    >>> store = open_store(":memory:")
"""
from custodes.store.db import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "open_store"]
