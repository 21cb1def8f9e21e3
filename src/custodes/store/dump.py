"""A canonical dump of a database: every table, rows sorted, wall-clock columns left out.

Two databases built from the same input, whatever the interruptions, the
number of workers or the backend, have equal dumps.
"""
from __future__ import annotations

import json
from typing import Any

from custodes.store.db import TIMESTAMP_COLUMNS, Store


def table_names(store: Store) -> list[str]:
    """The custodes tables of a database (not FTS shadow tables)."""
    if store.backend == "sqlite":
        rows = store.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                           "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'documents_fts%'")
    else:
        rows = store.query("SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    return sorted(r[0] for r in rows)


def _canonical(value: Any, column: str) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, str) and value[:1] in "[{" and column not in ("text", "title", "sentence"):
        try:  # JSON columns: PostgreSQL's jsonb reorders keys and spacing
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, float):
        return round(value, 6)
    return value


def canonical_dump(store: Store, *, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """{table: sorted rows} with timestamp columns ({TIMESTAMP_COLUMNS}) and generated search columns left out."""
    dump: dict[str, list[tuple]] = {}
    for table in tables or table_names(store):
        cur = store.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cur.description]
        keep = [i for i, n in enumerate(names) if n not in TIMESTAMP_COLUMNS and n != "search"]
        rows = [tuple(_canonical(row[i], names[i]) for i in keep) for row in cur.fetchall()]
        dump[table] = sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))
    return dump
