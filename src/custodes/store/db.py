"""One object per database: a SQLite file or a PostgreSQL server, same SQL.

`open_store()` connects, applies any pending migrations and hands back a
`Store`. SQL is written once with `?` placeholders; the PostgreSQL backend
rewrites them to `%s`. JSON columns come back as JSON text from both backends.
"""
from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

DEFAULT_DB = "custodes.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 120.0
# Columns that hold a wall-clock time: everything else is a function of the input.
TIMESTAMP_COLUMNS = {"ingested_at", "occurred_at", "applied_at"}
TABLES = ("schema_migrations", "documents", "claims", "evidence", "errors", "clusters",
          "deployments", "vendors", "countries", "minhash", "minhash_bands", "minhash_sketches")


_cursor_ids = itertools.count()


class StoreError(Exception):
    """The database cannot be opened or upgraded."""


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_db(db: str | os.PathLike[str] | None) -> str:
    """The database to use: the argument, else $CUSTODES_DB, else custodes.db."""
    if db is None or str(db) == "":
        db = os.environ.get("CUSTODES_DB") or DEFAULT_DB
    return str(db)


def is_postgres_url(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path  # .sql for one backend, or .py with upgrade(store) for both

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"


_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgresql))?\.(sql|py)$")


def list_migrations(backend: str) -> list[Migration]:
    """Every migration for a backend, in version order (SQL per backend, Python for both)."""
    found: dict[int, Migration] = {}
    for path in sorted(MIGRATIONS_DIR.iterdir()):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            continue
        version, name, for_backend, kind = int(m[1]), m[2], m[3], m[4]
        if kind == "sql" and for_backend != backend:
            continue
        if version in found:
            raise StoreError(f"{path}: two migrations numbered {version}")
        found[version] = Migration(version, name, path)
    return [found[v] for v in sorted(found)]


class Store:
    """A connection to one custodes database, with the schema of docs/schema.md."""

    backend: str  # "sqlite" or "postgresql"

    def __init__(self, db: str, conn: Any, backend: str) -> None:
        self.db = db
        self.conn = conn
        self.backend = backend
        self._sql_cache: dict[str, str] = {}
        self._in_transaction = False

    # -- SQL --------------------------------------------------------------
    def sql(self, statement: str) -> str:
        """A `?`-placeholder statement in this backend's dialect."""
        if self.backend == "sqlite":
            return statement
        converted = self._sql_cache.get(statement)
        if converted is None:
            converted = statement.replace("%", "%%").replace("?", "%s")
            self._sql_cache[statement] = converted
        return converted

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the DB-API cursor."""
        return self.conn.execute(self.sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run one statement per row; returns the number of rows it changed in all."""
        rows = [tuple(r) for r in rows]
        if not rows:
            return 0
        if self.backend == "sqlite":
            return self.conn.executemany(statement, rows).rowcount
        with self.conn.cursor() as cur:
            cur.executemany(self.sql(statement), rows)
            return cur.rowcount

    def in_list(self, values: Sequence[Any], sql_type: str = "text") -> tuple[str, Any]:
        """(`IN ...` condition, its one parameter) matching any of `values`, whatever their number.

        One statement text for every length, so the driver's statement cache keeps
        it (an `IN (?, ?, ...)` per length would not): a JSON array on SQLite, an
        array of `sql_type` on PostgreSQL.
        """
        if self.backend == "sqlite":
            return "IN (SELECT value FROM json_each(?))", json.dumps(list(values))
        return f"= ANY(?::{sql_type}[])", list(values)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        """All rows of a query as tuples."""
        return list(self.execute(statement, params).fetchall())

    def iterate(self, statement: str, params: Sequence[Any] = (), *, batch_rows: int = 2000) -> Iterator[tuple]:
        """Rows of a query one at a time, without holding the whole result in memory.

        PostgreSQL uses a server-side cursor, so call it inside `transaction()` there.
        """
        if self.backend == "sqlite":
            yield from self.conn.execute(statement, tuple(params))
            return
        with self.conn.cursor(name=f"custodes_iter_{id(self)}_{next(_cursor_ids)}") as cur:
            cur.itersize = batch_rows
            cur.execute(self.sql(statement), tuple(params))
            yield from cur

    def query_dicts(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """All rows of a query as dicts keyed by column name."""
        cur = self.execute(statement, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def scalar(self, statement: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(statement, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """One atomic unit of work: all of it is stored, or none of it.

        SQLite takes the write lock at the start (BEGIN IMMEDIATE) so concurrent
        writers queue instead of failing; PostgreSQL uses a real transaction.
        """
        if self._in_transaction:  # nested: part of the outer one
            yield self
            return
        self._in_transaction = True
        try:
            if self.backend == "sqlite":
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
            else:
                with self.conn.transaction():
                    yield self
        finally:
            self._in_transaction = False

    def lock(self, name: str) -> None:
        """Serialise writers on `name` until the current transaction ends.

        SQLite writers are already serialised by BEGIN IMMEDIATE; PostgreSQL
        takes a transaction-scoped advisory lock (per schema, so tests in
        separate schemas do not wait on each other).
        """
        if self.backend == "postgresql":
            self.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ?))", (name,))

    # -- schema -----------------------------------------------------------
    @property
    def schema_version(self) -> int:
        try:
            return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations") or 0)
        except Exception:
            if self.backend == "postgresql":
                self.conn.rollback()
            return 0

    def migrate(self, target: int | None = None) -> list[int]:
        """Apply the pending migrations up to `target` (default: all); returns those applied."""
        applied: list[int] = []
        with self.transaction():
            self.lock("migrate")
            self.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                         "(version INTEGER PRIMARY KEY, applied_at TEXT)")
            done = {r[0] for r in self.query("SELECT version FROM schema_migrations")}
            for migration in list_migrations(self.backend):
                if migration.version in done or (target is not None and migration.version > target):
                    continue
                self._apply(migration)
                self.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                             (migration.version, utc_now()))
                applied.append(migration.version)
        return applied

    def _apply(self, migration: Migration) -> None:
        try:
            if migration.is_python:
                spec = importlib.util.spec_from_file_location(
                    f"custodes_migration_{migration.version}", migration.path)
                module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
                spec.loader.exec_module(module)  # type: ignore[union-attr]
                module.upgrade(self)
            else:
                script = migration.path.read_text(encoding="utf-8")
                if self.backend == "sqlite":
                    # executescript would COMMIT our transaction; run statement by statement
                    for statement in _split_sql(script):
                        self.conn.execute(statement)
                else:
                    self.conn.execute(script)
        except Exception as exc:
            raise StoreError(f"{self.db}: migration {migration.path.name} failed: {exc}") from exc

    def close(self) -> None:
        try:
            if self.backend == "sqlite":
                self.conn.close()
            else:
                self.conn.close()
        except Exception:
            pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.backend} {self.db!r} v{self.schema_version}>"


def _split_sql(script: str) -> list[str]:
    """Split a SQL script into complete statements (triggers included)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _connect_sqlite(path: str) -> Any:
    parent = Path(path).expanduser().parent
    if not parent.exists():
        raise StoreError(f"{path}: folder {parent} does not exist")
    # Switching to WAL needs a lock that SQLite does not wait for through busy_timeout: while
    # another process creates or migrates the same file it answers "database is locked" at
    # once. That is a wait, not an unusable file: retry with backoff within the busy timeout.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    pause = 0.02
    while True:
        conn = None
        try:
            conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a killed process loses nothing committed; only power loss could
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        except sqlite3.OperationalError as exc:
            if conn is not None:
                conn.close()
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() > deadline:
                raise StoreError(f"{path}: not a usable SQLite database ({exc})") from exc
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise StoreError(f"{path}: not a usable SQLite database ({exc})") from exc


def _connect_postgres(url: str) -> Any:
    try:
        import psycopg
        from psycopg.types.string import TextLoader
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise StoreError(f"{url}: PostgreSQL needs psycopg: pip install 'custodes[postgres]'") from exc
    try:
        # autocommit: each `transaction()` is a real transaction, and reads never hold one open
        conn = psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(f"{_redact(url)}: cannot connect to PostgreSQL ({str(exc).strip()})") from exc
    # JSON columns come back as JSON text, as they do from SQLite
    conn.adapters.register_loader("jsonb", TextLoader)
    conn.adapters.register_loader("json", TextLoader)
    return conn


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def open_store(db: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Store:
    """Open (creating if needed) a custodes database and bring its schema up to date.

    `db` is a SQLite path (default `custodes.db`, or $CUSTODES_DB) or a
    `postgresql://` URL.

    >>> store = open_store(":memory:")
    >>> store.schema_version == max(m.version for m in list_migrations("sqlite"))
    True
    """
    target = resolve_db(db)
    if is_postgres_url(target):
        store = Store(_redact(target), _connect_postgres(target), "postgresql")
    else:
        store = Store(target, _connect_sqlite(target), "sqlite")
    if migrate:
        store.migrate()
        from custodes.store.reference import ensure_reference_data

        ensure_reference_data(store)
    return store
