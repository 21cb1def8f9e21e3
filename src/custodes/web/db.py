"""Read-only access to a custodes database for the web atlas.

SQLite is opened through a `file:...?mode=ro` URI, PostgreSQL in read-only
transactions, so the server can never change the data it shows. Queries are
written once with `?` placeholders and bound parameters; PostgreSQL gets `%s`.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable


class DatabaseError(Exception):
    """The database cannot be opened or is not a custodes database."""


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


class ReadOnlyDB:
    """One custodes database, read-only; one connection per thread."""

    SQLITE_MMAP_BYTES = 4 * 1024 ** 3  # address space only: memory stays the OS page cache's

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.db = str(db)
        self.dialect = "postgresql" if is_postgres(self.db) else "sqlite"
        self._local = threading.local()
        if self.dialect == "sqlite":
            path = Path(self.db)
            if not path.is_file():
                raise DatabaseError(f"{self.db}: no such database file (create it with `custodes ingest`)")
            self._path = path.resolve()
            self._uri = self._path.as_uri() + "?mode=ro"
        tables = self.tables()
        missing = {"documents", "claims", "evidence", "deployments"} - tables
        if missing:
            raise DatabaseError(
                f"{self.db}: not a custodes database (missing tables: {', '.join(sorted(missing))}); "
                "create it with `custodes ingest`"
            )
        self.has_meta = "meta" in tables
        self.has_fts = "documents_fts" in tables or self.dialect == "postgresql"
        # per-country summaries refilled with the deployments (migration 0093); older files lack them
        self.has_country_summaries = {"country_totals", "country_years"} <= tables

    # -- connections ---------------------------------------------------------
    def _connect(self) -> Any:
        if self.dialect == "sqlite":
            try:
                conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
                conn.execute("PRAGMA query_only = 1")
                # pages read from the OS page cache shared by every thread and worker, not
                # through each connection's small private cache
                conn.execute(f"PRAGMA mmap_size = {self.SQLITE_MMAP_BYTES}")
            except sqlite3.Error as e:
                raise DatabaseError(f"{self.db}: cannot open read-only: {e}") from e
            return conn
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as e:  # pragma: no cover - depends on extras
            raise DatabaseError("PostgreSQL needs the postgres extra: pip install 'custodes[postgres]'") from e
        try:
            conn = psycopg.connect(self.db, autocommit=True, row_factory=dict_row)
        except psycopg.Error as e:
            raise DatabaseError(f"{self.db}: cannot connect: {e}") from e
        # autocommit runs each statement in its own transaction: make every one of them read-only
        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return conn

    @property
    def conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- queries -------------------------------------------------------------
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """All rows of a query as dicts; `sql` uses `?` placeholders only."""
        params = tuple(params)
        if self.dialect == "sqlite":
            cur = self.conn.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        with self.conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params)
            return list(cur.fetchall())

    def row(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        found = self.row(sql, params)
        return next(iter(found.values())) if found else None

    def tables(self) -> set[str]:
        if self.dialect == "sqlite":
            return {r["name"] for r in self.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        return {r["table_name"] for r in self.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}

    SIGNATURE_TTL_S = 0.5  # how long a checked signature is trusted before the file is looked at again

    def signature(self) -> tuple:
        """Changes whenever the data may have changed: response caches key on it.

        Checked at most every SIGNATURE_TTL_S seconds, so a page that asks many
        times costs one look at the file.
        """
        import time

        now = time.monotonic()
        cached = getattr(self, "_sig_cache", None)
        if cached is not None and now - cached[0] < self.SIGNATURE_TTL_S:
            return cached[1]
        sig = self._signature()
        self._sig_cache = (now, sig)
        return sig

    def _signature(self) -> tuple:
        if self.dialect == "sqlite":
            sig = []
            for suffix in ("", "-wal"):
                try:
                    st = os.stat(str(self._path) + suffix)
                    sig.append((st.st_mtime_ns, st.st_size))
                except FileNotFoundError:
                    sig.append(None)
            return tuple(sig)
        import time

        return (int(time.time() // 10),)  # PostgreSQL: cached views live at most ten seconds
