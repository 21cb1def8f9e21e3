"""Questions over the deployment database: the Python API behind `custodes query`,
`profile`, `vendor`, the exports and the web atlas.

Every function takes `db` (a SQLite path, a `postgresql://` URL, an open
connection or a Store; None means `$CUSTODES_DB` or `custodes.db`) and returns
plain dicts and lists that `json.dumps` takes as they are.

    >>> rows = query("custodes.db", country="North Korea", technology="facial_recognition")
    >>> profile = country_profile("custodes.db", "KP")
"""
from __future__ import annotations

import calendar
import json
import os
import re
import sqlite3
import sys
import types
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from custodes.model import SETTINGS, STATUSES, TECHNOLOGIES

DEFAULT_DB = "custodes.db"
EVIDENCE_LIMIT = 10  # sentences in a profile's "strongest evidence"
CONNECT_TIMEOUT_S = 10

# Columns of one deployment row, in the order tables and CSV files show them.
DEPLOYMENT_FIELDS = (
    "id", "country", "country_name", "technology", "vendor", "supplier_country", "status",
    "settings", "first_seen", "last_seen", "n_claims", "n_documents", "n_clusters", "n_domains",
    "status_history",
)
CLAIM_FIELDS = (
    "id", "deployment_id", "country", "country_name", "technology", "vendor", "supplier_country",
    "settings", "status", "confidence", "published", "extractor_version",
    "document_id", "document_title", "document_url", "document_domain", "evidence",
)


class NotFoundError(ValueError):
    """A vendor, deployment or other named record that the database does not hold."""


# -- the database ---------------------------------------------------------------------


def resolve_db(db: Any = None) -> Any:
    """The database a command means: the given one, else `$CUSTODES_DB`, else custodes.db."""
    if db is None or db == "":
        return os.environ.get("CUSTODES_DB") or DEFAULT_DB
    return db


class Reader:
    """Read-only SQL over SQLite or PostgreSQL with one placeholder style (`?`).

    Rows come back as dicts; JSON columns (text in SQLite, jsonb in PostgreSQL)
    are decoded by `json_list`.
    """

    def __init__(self, conn: Any, dialect: str, owned: bool):
        self.conn = conn
        self.dialect = dialect
        self.owned = owned
        # A borrowed PostgreSQL connection that was idle gets back to idle when we are done,
        # rather than left "idle in transaction" by our reads.
        self._end_transaction = False
        if dialect == "postgres" and not owned and not getattr(conn, "autocommit", True):
            import psycopg

            self._end_transaction = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE

    def all(self, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
        return list(self.iter(sql, params))

    def one(self, sql: str, params: tuple | list = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def iter(self, sql: str, params: tuple | list = ()) -> Iterator[dict[str, Any]]:
        if self.dialect == "postgres":
            sql = sql.replace("%", "%%").replace("?", "%s")
        cur = self.conn.cursor()
        try:
            cur.execute(sql, tuple(params))
            names = [d[0] for d in cur.description]
            while True:
                batch = cur.fetchmany(500)
                if not batch:
                    break
                for row in batch:
                    yield dict(zip(names, row))
        finally:
            try:
                cur.close()
            except Exception:  # the connection went first (a reader left unfinished)
                pass

    def close(self) -> None:
        if self.owned:
            self.conn.close()
        elif self._end_transaction:
            self.conn.rollback()  # only reads happened in it


def _connect(db: Any) -> Reader:
    db = resolve_db(db)
    if isinstance(db, Reader):
        return Reader(db.conn, db.dialect, owned=False)
    if isinstance(db, sqlite3.Connection):
        return Reader(db, "sqlite", owned=False)
    if isinstance(db, (str, Path)):
        text = str(db)
        if text.startswith(("postgresql://", "postgres://")):
            import psycopg

            shown = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", text)
            try:
                conn = psycopg.connect(text, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
            except psycopg.Error as exc:
                raise ConnectionError(f"{shown}: cannot connect to PostgreSQL ({str(exc).strip()})") from None
            return _checked(Reader(conn, "postgres", owned=True), shown)
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(
                f"{text}: no such database file; build one with `custodes ingest SOURCE --db {text}`")
        conn = sqlite3.connect(str(path), timeout=30)
        return _checked(Reader(conn, "sqlite", owned=True), text)
    # A Store from custodes.store, or any object carrying an open DB-API connection.
    for attr in ("conn", "connection", "_conn"):
        conn = getattr(db, attr, None)
        if conn is not None:
            dialect = "sqlite" if isinstance(conn, sqlite3.Connection) else "postgres"
            return Reader(conn, dialect, owned=False)
    if type(db).__module__.startswith("psycopg"):
        return Reader(db, "postgres", owned=False)
    raise TypeError(f"db: expected a SQLite path, a postgresql:// URL or a connection, not {type(db).__name__}")


def _checked(reader: Reader, shown: str) -> Reader:
    """The reader, once its database is known to hold custodes tables; else a clear error."""
    try:
        reader.all("SELECT id FROM deployments WHERE 1 = 0")
    except Exception as exc:  # sqlite3 and psycopg errors alike: wrong file, empty schema
        reader.close()
        raise ValueError(f"{shown}: not a custodes database ({str(exc).strip()}); "
                         f"build one with `custodes ingest SOURCE --db ...`") from None
    return reader


@contextmanager
def connect(db: Any = None) -> Iterator[Reader]:
    """A Reader over `db` for the length of a `with` block."""
    reader = _connect(db)
    try:
        yield reader
    finally:
        reader.close()


def json_list(value: Any) -> list:
    """A JSON-list column as a Python list, whichever database it came from."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return parsed if isinstance(parsed, list) else [parsed]


# -- names to codes ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _country_aliases() -> dict[str, str]:
    text = (Path(__file__).parent / "knowledge" / "country_aliases.tsv").read_text("utf-8")
    aliases = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, code = line.partition("\t")
        aliases[name.strip().casefold()] = code.strip().upper()
    return aliases


def _iso_country_name(code: str) -> str | None:
    import pycountry

    if code == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def resolve_country(name: str, reader: Reader | None = None) -> str:
    """An ISO 3166-1 alpha-2 code from a code or a name ("KP", "PRK", "North Korea", "UK").

    Raises ValueError naming the input and what it could mean when it matches
    no country or several.
    """
    import pycountry

    text = (name or "").strip()
    if not text:
        raise ValueError("country: empty; give an ISO 3166-1 code (KP) or a name (North Korea)")
    folded = text.casefold()
    if len(text) == 2 and text.isalpha():
        code = text.upper()
        if _iso_country_name(code) or (reader and _db_country(reader, code)):
            return code
    alias = _country_aliases().get(folded)
    if alias:
        return alias
    if len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
        if country is not None:
            return country.alpha_2
    if reader is not None:
        row = reader.one("SELECT iso2 FROM countries WHERE lower(name) = ?", (folded,))
        if row:
            return row["iso2"].upper()
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(text)
    except LookupError:
        found = []
    fitting = [c for c in found if any(
        folded in (getattr(c, attr, "") or "").casefold()
        for attr in ("name", "common_name", "official_name"))]
    if len(fitting) == 1:
        return fitting[0].alpha_2
    options = fitting or found[:5]
    if options:
        listed = ", ".join(f"{c.alpha_2} ({getattr(c, 'common_name', None) or c.name})" for c in options)
        raise ValueError(f"country: {text!r} is ambiguous; did you mean one of: {listed}?")
    message = (f"country: unknown country {text!r}; give an ISO 3166-1 alpha-2 code "
               f"(e.g. KP, CN, GB, KE) or an English name (e.g. North Korea, Kenya)")
    if reader is not None:
        present = [r["country"] for r in reader.all(
            "SELECT DISTINCT country FROM deployments WHERE country IS NOT NULL ORDER BY country")]
        if present:
            message += f"; countries with deployments here: {', '.join(present[:80])}"
            message += " ..." if len(present) > 80 else ""
    raise ValueError(message)


def _db_country(reader: Reader, code: str) -> dict | None:
    return reader.one("SELECT iso2, name, region, subregion, lat, lon FROM countries WHERE iso2 = ?",
                      (code,))


def resolve_technology(technology: str) -> str:
    """A taxonomy technology ID ("facial recognition" and "Facial-Recognition" also work)."""
    tid = re.sub(r"[\s\-]+", "_", (technology or "").strip().lower())
    if tid not in TECHNOLOGIES:
        raise ValueError(
            f"technology: unknown technology {technology!r}; choose one of: {', '.join(TECHNOLOGIES)}")
    return tid


def resolve_status(status: str) -> str:
    sid = (status or "").strip().lower()
    if sid not in STATUSES:
        raise ValueError(f"status: unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
    return sid


def _date_bound(value: str, field: str, end: bool) -> str:
    """A YYYY-MM-DD bound from YYYY, YYYY-MM or YYYY-MM-DD (until "2024" means 2024-12-31)."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        raise ValueError(f"{field}: {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"{field}: {value!r} has no month {month}")
    if day:
        last = calendar.monthrange(year, int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"{field}: {value!r} has no day {day}")
        return text
    if not month:
        return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
    last = calendar.monthrange(year, int(month))[1]
    return f"{year:04d}-{month}-{last:02d}" if end else f"{year:04d}-{month}-01"


def _vendor_rows(reader: Reader) -> list[dict]:
    rows = reader.all("SELECT slug, name, country, aliases FROM vendors")
    for row in rows:
        row["aliases"] = json_list(row.get("aliases"))
    return rows


def _vendor_names(reader: Reader, vendor: str) -> tuple[dict | None, set[str]]:
    """The vendors-table row a name or alias means, and every spelling it goes by (lowercase)."""
    folded = vendor.strip().casefold()
    for row in _vendor_rows(reader):
        spellings = {s.casefold() for s in [row["slug"], row["name"], *row["aliases"]] if s}
        if folded in spellings:
            return row, spellings
    return None, {folded}


# -- deployments -------------------------------------------------------------------------


def _deployment_filters(reader: Reader, *, country=None, technology=None, vendor=None,
                        supplier_country=None, status=None, since=None, until=None,
                        min_sources=None, alias: str = "d") -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if country:
        where.append(f"{alias}.country = ?")
        params.append(resolve_country(country, reader))
    if technology:
        where.append(f"{alias}.technology = ?")
        params.append(resolve_technology(technology))
    if vendor:
        _, spellings = _vendor_names(reader, vendor)
        where.append(f"lower({alias}.vendor) IN ({', '.join('?' * len(spellings))})")
        params.extend(sorted(spellings))
    if supplier_country:
        where.append(f"{alias}.supplier_country = ?")
        params.append(resolve_country(supplier_country, reader))
    if status:
        where.append(f"{alias}.status = ?")
        params.append(resolve_status(status))
    if since or until:
        window = []
        if since:
            window.append("c.published >= ?")
            params.append(_date_bound(since, "since", end=False))
        if until:
            window.append("c.published <= ?")
            params.append(_date_bound(until, "until", end=True))
        where.append(f"EXISTS (SELECT 1 FROM claims c WHERE c.deployment_id = {alias}.id AND "
                     + " AND ".join(window) + ")")
    if min_sources is not None:
        try:
            n = int(min_sources)
        except (TypeError, ValueError):
            raise ValueError(f"min_sources: {min_sources!r} is not a whole number") from None
        if n < 0:
            raise ValueError(f"min_sources: {min_sources!r} must be 0 or more")
        where.append(f"{alias}.n_clusters >= ?")
        params.append(n)
    return where, params


_DEPLOYMENT_SQL = """
SELECT d.id, d.country, co.name AS country_name, d.technology, d.vendor, d.supplier_country,
       d.status, d.settings, d.first_seen, d.last_seen, d.n_claims, d.n_documents,
       d.n_clusters, d.n_domains, d.status_history, co.lat AS lat, co.lon AS lon
FROM deployments d LEFT JOIN countries co ON co.iso2 = d.country
"""
_DEPLOYMENT_ORDER = (" ORDER BY COALESCE(d.n_clusters, 0) DESC, COALESCE(d.n_documents, 0) DESC,"
                     " COALESCE(d.last_seen, '') DESC, d.country, d.technology, d.id")


def _deployment_dict(row: dict, keep_geo: bool = False, history: bool = True) -> dict:
    out = {k: row.get(k) for k in DEPLOYMENT_FIELDS}
    out["settings"] = json_list(row.get("settings"))
    # the history grows with every claim; callers that show none skip decoding it
    out["status_history"] = json_list(row.get("status_history")) if history else []
    if not out["country_name"] and out["country"]:
        out["country_name"] = _iso_country_name(out["country"])
    for k in ("n_claims", "n_documents", "n_clusters", "n_domains"):
        out[k] = int(out[k] or 0)
    if keep_geo:
        out["lat"] = _float(row.get("lat"))
        out["lon"] = _float(row.get("lon"))
    return out


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def iter_deployments(reader: Reader, *, limit: int | None = None, keep_geo: bool = False,
                     history: bool = True, **filters: Any) -> Iterator[dict]:
    """Deployment rows matching `filters` (the keywords of `query`), strongest first."""
    where, params = _deployment_filters(reader, **filters)
    select = _DEPLOYMENT_SQL if history else _DEPLOYMENT_SQL.replace(
        "d.status_history", "NULL AS status_history")
    sql = select + (" WHERE " + " AND ".join(where) if where else "") + _DEPLOYMENT_ORDER
    if limit is not None:
        if int(limit) < 1:
            raise ValueError(f"limit: {limit!r} must be 1 or more")
        sql += " LIMIT ?"
        params.append(int(limit))
    for row in reader.iter(sql, params):
        yield _deployment_dict(row, keep_geo=keep_geo, history=history)


def query(db: Any = None, *, country: str | None = None, technology: str | None = None,
          vendor: str | None = None, supplier_country: str | None = None,
          status: str | None = None, since: str | None = None, until: str | None = None,
          min_sources: int | None = None, limit: int | None = None) -> list[dict]:
    """Deployments matching every filter given, most independently sourced first.

    country and supplier_country take a name or an ISO code; vendor a name or
    alias (any case); technology a taxonomy ID; since/until (YYYY[-MM[-DD]])
    keep deployments with a claim published in that window; min_sources is the
    least number of independent story clusters.

    >>> query("custodes.db", country="Kenya", vendor="huawei", min_sources=2)
    """
    with connect(db) as reader:
        return list(iter_deployments(
            reader, limit=limit, country=country, technology=technology, vendor=vendor,
            supplier_country=supplier_country, status=status, since=since, until=until,
            min_sources=min_sources))


# -- claims with their evidence ----------------------------------------------------------


def iter_claims(reader: Reader, *, limit: int | None = None, country=None, technology=None,
                vendor=None, supplier_country=None, status=None, since=None, until=None,
                min_sources=None) -> Iterator[dict]:
    """Claim rows (each with its document and evidence sentences) matching the filters.

    Filters apply to the claim itself; min_sources to its deployment's clusters.
    """
    where, params = _deployment_filters(
        reader, country=country, technology=technology, vendor=vendor,
        supplier_country=supplier_country, status=status, alias="cl")
    if since:
        where.append("cl.published >= ?")
        params.append(_date_bound(since, "since", end=False))
    if until:
        where.append("cl.published <= ?")
        params.append(_date_bound(until, "until", end=True))
    if min_sources is not None:
        more, more_params = _deployment_filters(reader, min_sources=min_sources)
        where.extend(more)
        params.extend(more_params)
    sql = """
SELECT cl.id, cl.deployment_id, cl.country, co.name AS country_name, cl.technology, cl.vendor,
       cl.supplier_country, cl.settings, cl.status, cl.confidence, cl.published,
       cl.extractor_version, cl.document_id, doc.title AS document_title,
       doc.url AS document_url, doc.domain AS document_domain
FROM claims cl
JOIN documents doc ON doc.id = cl.document_id
LEFT JOIN deployments d ON d.id = cl.deployment_id
LEFT JOIN countries co ON co.iso2 = cl.country
""" + (" WHERE " + " AND ".join(where) if where else "") + \
        " ORDER BY cl.country, cl.technology, COALESCE(cl.published, ''), cl.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    batch: list[dict] = []
    for row in reader.iter(sql, params):
        batch.append(row)
        if len(batch) >= 500:
            yield from _with_evidence(reader, batch)
            batch = []
    if batch:
        yield from _with_evidence(reader, batch)


def _with_evidence(reader: Reader, rows: list[dict]) -> Iterator[dict]:
    ids = [r["id"] for r in rows]
    evidence: dict[str, list[dict]] = defaultdict(list)
    for ev in reader.iter(
            f"SELECT claim_id, sentence, start, end_, page, matched FROM evidence "
            f"WHERE claim_id IN ({', '.join('?' * len(ids))}) ORDER BY claim_id, start", ids):
        evidence[ev["claim_id"]].append(_evidence_dict(ev))
    for row in rows:
        out = {k: row.get(k) for k in CLAIM_FIELDS if k != "evidence"}
        out["settings"] = json_list(row.get("settings"))
        out["confidence"] = _float(row.get("confidence"))
        if not out["country_name"] and out["country"]:
            out["country_name"] = _iso_country_name(out["country"])
        out["evidence"] = evidence.get(row["id"], [])
        yield out


def _evidence_dict(row: dict) -> dict:
    return {
        "sentence": row.get("sentence"),
        "start": row.get("start"),
        "end": row.get("end_"),
        "page": row.get("page"),
        "matched": json_list(row.get("matched")),
    }


def claims(db: Any = None, *, country: str | None = None, technology: str | None = None,
           vendor: str | None = None, supplier_country: str | None = None,
           status: str | None = None, since: str | None = None, until: str | None = None,
           min_sources: int | None = None, limit: int | None = None) -> list[dict]:
    """Claims (each with its document title/URL and evidence sentences) matching the filters.

    >>> claims("custodes.db", country="KP", technology="digital_id")
    """
    with connect(db) as reader:
        return list(iter_claims(
            reader, limit=limit, country=country, technology=technology, vendor=vendor,
            supplier_country=supplier_country, status=status, since=since, until=until,
            min_sources=min_sources))


# -- strongest evidence -------------------------------------------------------------------


_EVIDENCE_SQL = """
SELECT e.claim_id, e.sentence, e.matched, e.start, e.end_, e.page, cl.deployment_id, cl.country,
       cl.technology, cl.vendor, cl.supplier_country, cl.status, cl.confidence,
       doc.id AS document_id, doc.title, doc.url, doc.published, doc.domain, doc.cluster_id
FROM evidence e
JOIN claims cl ON cl.id = e.claim_id
JOIN documents doc ON doc.id = cl.document_id
WHERE e.claim_id IN ({ids})
"""
# Claims whose sentences are read per round; another round when copies leave too few.
EVIDENCE_BATCH_CLAIMS = 250


def strongest_evidence(reader: Reader, where: list[str], params: list,
                       limit: int = EVIDENCE_LIMIT, deployments: list[dict] | None = None) -> list[dict]:
    """Evidence sentences ranked by their deployment's independent sources, then confidence,
    then publication date (newest first).

    One sentence per story cluster and deployment, so syndicated copies of a
    wire story show once. `where` filters claims (alias `cl`). The claims are
    ranked from their small columns first, and only the best are joined to
    their sentences and documents (whose rows carry the whole text).
    `deployments` (rows from iter_deployments) saves a lookup of their counts.
    """
    out: list[dict] = []
    seen: set = set()
    if deployments is None:
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        claims = reader.all(
            "SELECT cl.id, cl.deployment_id, cl.confidence, cl.published, d.n_clusters, d.n_domains "
            "FROM claims cl LEFT JOIN deployments d ON d.id = cl.deployment_id" + clause, params)
        sources = {c["deployment_id"]: (int(c["n_clusters"] or 0), int(c["n_domains"] or 0))
                   for c in claims}
        _evidence_of_claims(reader, claims, sources, limit, out, seen)
        return out
    # Sources rank first, so walk the deployments from the most independently sourced down,
    # a group of equally sourced ones at a time, and stop once enough sentences are found:
    # nothing in a later group can outrank them.
    sources = {d["id"]: (d["n_clusters"], d["n_domains"]) for d in deployments}
    ordered = sorted(deployments, key=lambda d: -d["n_clusters"])
    start = 0
    while start < len(ordered) and len(out) < limit:
        end = min(len(ordered), start + max(limit, 20))
        while end < len(ordered) and ordered[end]["n_clusters"] == ordered[end - 1]["n_clusters"]:
            end += 1
        ids = [d["id"] for d in ordered[start:end]]
        start = end
        claims = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            clause = f" WHERE cl.deployment_id IN ({', '.join('?' * len(chunk))})"
            clause += "".join(f" AND {w}" for w in where)
            claims += reader.all("SELECT cl.id, cl.deployment_id, cl.confidence, cl.published "
                                 "FROM claims cl" + clause, [*chunk, *params])
        _evidence_of_claims(reader, claims, sources, limit, out, seen)
    return out


def _evidence_of_claims(reader: Reader, claims: list[dict], sources: dict, limit: int,
                        out: list[dict], seen: set) -> None:
    """Rank claims, then read the sentences of the best ones, a batch at a time, into `out`."""
    # least significant key first: Python's sort is stable, also with reverse=True
    claims.sort(key=lambda c: c["id"])
    claims.sort(key=lambda c: c["published"] or "", reverse=True)
    claims.sort(key=lambda c: c["confidence"] or 0.0, reverse=True)
    claims.sort(key=lambda c: sources.get(c["deployment_id"], (0, 0))[0], reverse=True)
    for first in range(0, len(claims), EVIDENCE_BATCH_CLAIMS):
        batch = claims[first:first + EVIDENCE_BATCH_CLAIMS]
        order = {c["id"]: i for i, c in enumerate(batch)}
        rows = reader.all(_EVIDENCE_SQL.format(ids=", ".join("?" * len(batch))), list(order))
        rows.sort(key=lambda r: (order[r["claim_id"]], r["start"] or 0))
        for row in rows:
            row["n_clusters"], row["n_domains"] = sources.get(row["deployment_id"], (0, 0))
        _rank_evidence(rows, limit, out, seen)
        if len(out) >= limit:
            return


def _rank_evidence(rows: list[dict], limit: int, out: list[dict], seen: set) -> None:
    for row in rows:
        key = (row["deployment_id"], row["cluster_id"] or row["document_id"])
        sentence_key = (row["deployment_id"], " ".join((row["sentence"] or "").split()).casefold())
        if key in seen or sentence_key in seen:
            continue
        seen.update((key, sentence_key))
        out.append({
            **_evidence_dict(row),
            "claim_id": row["claim_id"],
            "deployment_id": row["deployment_id"],
            "country": row["country"],
            "technology": row["technology"],
            "vendor": row["vendor"],
            "supplier_country": row["supplier_country"],
            "status": row["status"],
            "confidence": _float(row["confidence"]),
            "n_clusters": int(row["n_clusters"] or 0),
            "n_domains": int(row["n_domains"] or 0),
            "document": {"id": row["document_id"], "title": row["title"], "url": row["url"],
                         "published": row["published"], "domain": row["domain"]},
        })
        if len(out) >= limit:
            return


# -- profiles ---------------------------------------------------------------------------------


def _by_status(deployments: list[dict], fields: tuple[str, ...]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for status in STATUSES:
        items = [{k: d[k] for k in fields} for d in deployments if d["status"] == status]
        if items:
            grouped[status] = items
    return grouped


def _count_list(counter: Counter, key: str, names: dict | None = None) -> list[dict]:
    out = []
    for value, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        item = {key: value, "n_deployments": n}
        if names is not None:
            item["name"] = names.get(value) or _iso_country_name(value) or value
        out.append(item)
    return out


def country_profile(db: Any, country: str, *, evidence_limit: int = EVIDENCE_LIMIT) -> dict:
    """What one country uses, from whom, where, since when, and the strongest evidence.

    Keys: country (iso2, name, region, subregion, lat, lon), n_deployments,
    technologies (by status), suppliers (vendors and supplier_countries with
    counts), settings, timeline (claims by publication month and status),
    evidence (sentences with document title/url/date and matched words).

    >>> country_profile("custodes.db", "North Korea")["technologies"]["deployed"]
    """
    with connect(db) as reader:
        code = resolve_country(country, reader)
        info = _db_country(reader, code) or {}
        deployments = list(iter_deployments(reader, country=code, history=False))
        vendors_by_name = {v["name"].casefold(): v for v in _vendor_rows(reader) if v.get("name")}
        vendor_counts: Counter = Counter(d["vendor"] for d in deployments if d["vendor"])
        vendor_techs: dict[str, set] = defaultdict(set)
        for d in deployments:
            if d["vendor"]:
                vendor_techs[d["vendor"]].add(d["technology"])
        supplier_counts: Counter = Counter(d["supplier_country"] for d in deployments
                                           if d["supplier_country"])
        setting_counts: Counter = Counter(s for d in deployments for s in d["settings"])
        timeline = _timeline(reader, "country = ?", [code])
        evidence = strongest_evidence(reader, ["cl.country = ?"], [code], evidence_limit,
                                      deployments)
    vendors = []
    for item in _count_list(vendor_counts, "vendor"):
        known = vendors_by_name.get(item["vendor"].casefold(), {})
        vendors.append({**item, "slug": known.get("slug"), "home_country": known.get("country"),
                        "technologies": sorted(vendor_techs[item["vendor"]])})
    return {
        "country": {
            "iso2": code,
            "name": info.get("name") or _iso_country_name(code),
            "region": info.get("region"),
            "subregion": info.get("subregion"),
            "lat": _float(info.get("lat")),
            "lon": _float(info.get("lon")),
        },
        "n_deployments": len(deployments),
        "technologies": _by_status(deployments, (
            "technology", "vendor", "supplier_country", "settings", "first_seen", "last_seen",
            "n_documents", "n_clusters", "id")),
        "suppliers": {
            "vendors": vendors,
            "supplier_countries": _count_list(supplier_counts, "supplier_country", names={}),
        },
        "settings": [{"setting": s, "n_deployments": n}
                     for s, n in sorted(setting_counts.items(),
                                        key=lambda kv: (-kv[1], SETTINGS.index(kv[0])
                                                        if kv[0] in SETTINGS else 99))],
        "timeline": timeline,
        "evidence": evidence,
    }


def _timeline(reader: Reader, where: str, params: list) -> list[dict]:
    """Claims per publication month (YYYY-MM), with a count per status."""
    # Grouped by the whole date, which an index on (country, published, status) yields in
    # order without a sort; months are summed here.
    rows = reader.all(
        "SELECT published, status, COUNT(*) AS n FROM claims "
        f"WHERE {where} AND published > '' GROUP BY published, status", params)
    months: dict[str, dict] = {}
    for row in rows:
        key = row["published"][:7]
        month = months.get(key)
        if month is None:
            month = months[key] = {"month": key, "n_claims": 0, "by_status": {}}
        n = int(row["n"])
        month["n_claims"] += n
        month["by_status"][row["status"]] = month["by_status"].get(row["status"], 0) + n
    for month in months.values():
        month["by_status"] = {s: month["by_status"][s] for s in STATUSES if s in month["by_status"]}
    return [months[m] for m in sorted(months)]


def vendor_profile(db: Any, name: str, *, evidence_limit: int = EVIDENCE_LIMIT) -> dict:
    """Where one vendor (by name or alias, any case) supplies, what, and on what evidence.

    Keys: vendor (slug, name, country, aliases), n_deployments, countries
    (each with its deployments and statuses), technologies (with countries),
    timeline, evidence. Raises NotFoundError (a ValueError) listing known
    vendors when nothing goes by that name.

    >>> vendor_profile("custodes.db", "hikvision")["countries"][0]["country"]
    """
    with connect(db) as reader:
        row, spellings = _vendor_names(reader, name)
        deployments = list(iter_deployments(reader, vendor=name, history=False))
        if row is None and not deployments:
            raise NotFoundError(_unknown_vendor_message(reader, name))
        placeholders = ", ".join("?" * len(spellings))
        timeline = _timeline(reader, f"lower(vendor) IN ({placeholders})", sorted(spellings))
        evidence = strongest_evidence(reader, [f"lower(cl.vendor) IN ({placeholders})"],
                                      sorted(spellings), evidence_limit, deployments)
    by_country: dict[str, list[dict]] = defaultdict(list)
    for d in deployments:
        by_country[d["country"]].append(d)
    countries = []
    for code, items in by_country.items():
        countries.append({
            "country": code,
            "name": items[0]["country_name"],
            "technologies": sorted({d["technology"] for d in items}),
            "statuses": dict(Counter(d["status"] for d in items)),
            "n_clusters": sum(d["n_clusters"] for d in items),
            "deployments": [{k: d[k] for k in ("id", "technology", "status", "settings",
                                               "first_seen", "last_seen", "n_clusters")}
                            for d in items],
        })
    countries.sort(key=lambda c: (-c["n_clusters"], c["country"]))
    by_tech: dict[str, list[dict]] = defaultdict(list)
    for d in deployments:
        by_tech[d["technology"]].append(d)
    technologies = [{
        "technology": tech,
        "n_countries": len({d["country"] for d in items}),
        "countries": sorted({d["country"] for d in items}),
        "statuses": dict(Counter(d["status"] for d in items)),
    } for tech, items in sorted(by_tech.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    display = (row or {}).get("name") or (deployments[0]["vendor"] if deployments else name)
    return {
        "vendor": {
            "slug": (row or {}).get("slug"),
            "name": display,
            "country": (row or {}).get("country"),
            "aliases": (row or {}).get("aliases", []),
        },
        "n_deployments": len(deployments),
        "n_countries": len(countries),
        "countries": countries,
        "technologies": technologies,
        "timeline": timeline,
        "evidence": evidence,
    }


def _unknown_vendor_message(reader: Reader, name: str) -> str:
    import difflib

    supplying = sorted({r["vendor"] for r in reader.all(
        "SELECT DISTINCT vendor FROM deployments WHERE vendor IS NOT NULL AND vendor <> ''")})
    spellings = {s: v["name"] for v in _vendor_rows(reader)
                 for s in [v["name"], *v["aliases"]] if s}
    spellings.update({v: v for v in supplying})
    close = difflib.get_close_matches(name.casefold(), [s.casefold() for s in spellings], n=5, cutoff=0.6)
    by_folded = {s.casefold(): v for s, v in spellings.items()}
    hints = sorted({by_folded[c] for c in close})
    message = f"vendor: no vendor named {name!r} in the database"
    if hints:
        message += f"; did you mean: {', '.join(hints)}?"
    shown = ", ".join(supplying[:40]) + (" ..." if len(supplying) > 40 else "")
    return message + f" (vendors with deployments: {shown or 'none yet'})"


def technology_profile(db: Any, technology: str, *, evidence_limit: int = EVIDENCE_LIMIT) -> dict:
    """Where one technology is used, by status, with its vendors and strongest evidence.

    >>> technology_profile("custodes.db", "facial_recognition")["by_status"]["deployed"]
    """
    tid = resolve_technology(technology)
    with connect(db) as reader:
        deployments = list(iter_deployments(reader, technology=tid, history=False))
        timeline = _timeline(reader, "technology = ?", [tid])
        evidence = strongest_evidence(reader, ["cl.technology = ?"], [tid], evidence_limit,
                                      deployments)
    by_country: dict[str, list[dict]] = defaultdict(list)
    for d in deployments:
        by_country[d["country"]].append(d)
    countries = [{
        "country": code,
        "name": items[0]["country_name"],
        "statuses": dict(Counter(d["status"] for d in items)),
        "vendors": sorted({d["vendor"] for d in items if d["vendor"]}),
        "n_clusters": sum(d["n_clusters"] for d in items),
    } for code, items in by_country.items()]
    countries.sort(key=lambda c: (-c["n_clusters"], c["country"]))
    vendor_countries: dict[str, set] = defaultdict(set)
    for d in deployments:
        if d["vendor"]:
            vendor_countries[d["vendor"]].add(d["country"])
    return {
        "technology": tid,
        "n_deployments": len(deployments),
        "n_countries": len(countries),
        "by_status": _by_status(deployments, (
            "country", "country_name", "vendor", "supplier_country", "first_seen", "last_seen",
            "n_clusters", "id")),
        "countries": countries,
        "vendors": [{"vendor": v, "n_countries": len(cs), "countries": sorted(cs)}
                    for v, cs in sorted(vendor_countries.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        "timeline": timeline,
        "evidence": evidence,
    }


def deployment_detail(db: Any, deployment_id: str) -> dict:
    """One deployment with all its evidence grouped by story cluster, and its status history.

    Raises NotFoundError when no deployment has that ID.

    >>> deployment_detail("custodes.db", "3f2a9c0d1e2b4a5c")["clusters"][0]["documents"]
    """
    with connect(db) as reader:
        row = reader.one(_DEPLOYMENT_SQL + " WHERE d.id = ?", (deployment_id,))
        if row is None:
            raise NotFoundError(f"deployment: no deployment with id {deployment_id!r}")
        deployment = _deployment_dict(row, keep_geo=True)
        rows = reader.all("""
SELECT cl.id AS claim_id, cl.status, cl.confidence, cl.settings, cl.published AS claim_published,
       cl.extractor_version, doc.id AS document_id, doc.title, doc.url, doc.published,
       doc.domain, doc.cluster_id, e.sentence, e.start, e.end_, e.page, e.matched
FROM claims cl
JOIN documents doc ON doc.id = cl.document_id
LEFT JOIN evidence e ON e.claim_id = cl.id
WHERE cl.deployment_id = ?
ORDER BY COALESCE(doc.published, ''), doc.id, cl.id, e.start""", (deployment_id,))
        cluster_ids = sorted({r["cluster_id"] for r in rows if r["cluster_id"]})
        representatives = {}
        if cluster_ids:
            for c in reader.all(
                    f"SELECT id, representative_id, size FROM clusters "
                    f"WHERE id IN ({', '.join('?' * len(cluster_ids))})", cluster_ids):
                representatives[c["id"]] = c
    clusters: dict[str, dict] = {}
    for r in rows:
        cid = r["cluster_id"] or r["document_id"]
        cluster = clusters.setdefault(cid, {
            "cluster_id": cid,
            "representative_id": representatives.get(cid, {}).get("representative_id"),
            "size": int(representatives.get(cid, {}).get("size") or 0) or None,
            "first_published": r["published"],
            "documents": {},
        })
        doc = cluster["documents"].setdefault(r["document_id"], {
            "id": r["document_id"], "title": r["title"], "url": r["url"],
            "published": r["published"], "domain": r["domain"], "claims": {}})
        claim = doc["claims"].setdefault(r["claim_id"], {
            "id": r["claim_id"], "status": r["status"], "confidence": _float(r["confidence"]),
            "settings": json_list(r["settings"]), "extractor_version": r["extractor_version"],
            "evidence": []})
        if r["sentence"] is not None:
            claim["evidence"].append(_evidence_dict(r))
    out_clusters = []
    for cluster in clusters.values():
        docs = []
        for doc in cluster["documents"].values():
            doc["claims"] = list(doc["claims"].values())
            docs.append(doc)
        cluster["documents"] = docs
        cluster["n_documents"] = len(docs)
        out_clusters.append(cluster)
    out_clusters.sort(key=lambda c: (c["first_published"] or "", c["cluster_id"]))
    return {
        "deployment": deployment,
        "status_history": deployment["status_history"],
        "n_clusters": len(out_clusters),
        "clusters": out_clusters,
    }


# -- overviews for maps and lists ----------------------------------------------------------------


def list_countries(db: Any = None) -> list[dict]:
    """Every country with deployments: iso2, name, lat, lon, counts by status and technology."""
    with connect(db) as reader:
        rows = reader.all("""
SELECT d.country, co.name, co.region, co.lat, co.lon, d.status, d.technology,
       COUNT(*) AS n, SUM(COALESCE(d.n_clusters, 0)) AS clusters
FROM deployments d LEFT JOIN countries co ON co.iso2 = d.country
GROUP BY d.country, co.name, co.region, co.lat, co.lon, d.status, d.technology""")
    out: dict[str, dict] = {}
    for r in rows:
        item = out.setdefault(r["country"], {
            "country": r["country"], "name": r["name"] or _iso_country_name(r["country"]),
            "region": r["region"], "lat": _float(r["lat"]), "lon": _float(r["lon"]),
            "n_deployments": 0, "n_clusters": 0, "statuses": Counter(), "technologies": Counter()})
        item["n_deployments"] += int(r["n"])
        item["n_clusters"] += int(r["clusters"] or 0)
        item["statuses"][r["status"]] += int(r["n"])
        item["technologies"][r["technology"]] += int(r["n"])
    result = []
    for item in out.values():
        item["statuses"] = dict(item["statuses"])
        item["technologies"] = dict(item["technologies"])
        result.append(item)
    result.sort(key=lambda c: (-c["n_deployments"], c["country"]))
    return result


def list_vendors(db: Any = None) -> list[dict]:
    """Every vendor named in a deployment: name, slug, home country, countries supplied."""
    with connect(db) as reader:
        known = {v["name"].casefold(): v for v in _vendor_rows(reader) if v.get("name")}
        rows = reader.all("""
SELECT vendor, country, technology, COUNT(*) AS n FROM deployments
WHERE vendor IS NOT NULL AND vendor <> '' GROUP BY vendor, country, technology""")
    out: dict[str, dict] = {}
    for r in rows:
        row = known.get(r["vendor"].casefold(), {})
        item = out.setdefault(r["vendor"], {
            "vendor": r["vendor"], "slug": row.get("slug"), "home_country": row.get("country"),
            "n_deployments": 0, "countries": set(), "technologies": set()})
        item["n_deployments"] += int(r["n"])
        item["countries"].add(r["country"])
        item["technologies"].add(r["technology"])
    result = []
    for item in out.values():
        item["n_countries"] = len(item["countries"])
        item["countries"] = sorted(item["countries"])
        item["technologies"] = sorted(item["technologies"])
        result.append(item)
    result.sort(key=lambda v: (-v["n_countries"], -v["n_deployments"], v["vendor"]))
    return result


__all__ = [
    "NotFoundError", "claims", "connect", "country_profile", "deployment_detail",
    "list_countries", "list_vendors", "query", "resolve_country", "resolve_technology",
    "technology_profile", "vendor_profile",
]


class _QueryModule(types.ModuleType):
    """`import custodes.query` makes `custodes.query` this module, shadowing the lazily
    exported function of the same name; calling the module calls the function."""

    def __call__(self, *args: Any, **kwargs: Any) -> list[dict]:
        return query(*args, **kwargs)


sys.modules[__name__].__class__ = _QueryModule
