"""Latency of `custodes.country_profile` on the biggest country against the same SQL run directly.

Builds (or reads, with --db) a database, finds the country with the most claims,
and times R calls of country_profile (p50, p99). The baseline is the very SQL
statements that call sent (recorded from custodes.query.Reader), replayed on a
plain DB-API connection with fetchall, in the same process: the ratio is the
overhead of custodes' layers (connection, dicts, grouping, ranking, dedup).

    python bench/profile_speed.py                       # synthetic SQLite database, 100,000 documents
    python bench/profile_speed.py --docs 20000 --repeat 30
    python bench/profile_speed.py --db custodes.db      # an existing database (e.g. from ingest_speed)
    python bench/profile_speed.py --db postgresql://postgres@127.0.0.1:5432/test --docs 20000

With a postgresql:// URL and no existing data, the synthetic rows go into a fresh
schema that is dropped at the end. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from custodes import query as q  # noqa: E402
from custodes.model import SETTINGS, STATUSES, TECHNOLOGIES, content_id  # noqa: E402
from custodes.store import open_store  # noqa: E402

# Skewed like news: a few countries get most of the coverage.
COUNTRIES = ["CN", "US", "GB", "IN", "RU", "KE", "BR", "AE", "KP", "IR", "EC", "ZA", "NG", "DE",
             "FR", "TR", "PK", "EG", "ET", "UG", "RS", "MY", "ID", "PH", "VN", "MX", "AR", "CO"]
VENDORS = [("Hikvision", "CN"), ("Dahua", "CN"), ("Huawei", "CN"), ("ZTE", "CN"), ("NEC", "JP"),
           ("Idemia", "FR"), ("NSO Group", "IL"), ("Clearview AI", "US"), ("Cellebrite", "IL"),
           ("Palantir", "US"), ("Axon", "US"), ("Thales", "FR"), (None, "CN"), (None, None)]


def synthesise(store, n_docs: int, seed: int) -> None:
    """n_docs documents (a third of them syndicated copies) with 1-3 claims each, and their deployments."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) ** 1.1 for i in range(len(COUNTRIES))]
    jsonb = "::jsonb" if store.backend == "postgresql" else ""
    docs, claims, evidence = [], [], []
    deps: dict[str, dict] = {}
    cluster_of: dict[int, str] = {}
    for i in range(n_docs):
        original = rng.randrange(i) if i and rng.random() < 0.33 else None
        cluster = cluster_of.get(original, f"c{original}") if original is not None else f"c{i}"
        cluster_of[i] = cluster
        day = f"20{rng.randint(15, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        domain = f"site{rng.randrange(400)}.example"
        doc_id = f"d{i:07d}"
        sentences = []
        for k in range(rng.choice((1, 1, 2, 3))):
            country = rng.choices(COUNTRIES, weights)[0]
            tech = rng.choice(TECHNOLOGIES)
            vendor, origin = rng.choice(VENDORS)
            status = rng.choices(STATUSES, (60, 15, 10, 5, 5, 5))[0]
            sentence = (f"Authorities in {country} {status} {tech.replace('_', ' ')} systems"
                        + (f" from {vendor}" if vendor else "") + f", report {i} said.")
            start = sum(len(s) + 1 for s in sentences)
            sentences.append(sentence)
            dep_id = content_id(country, tech, vendor or origin)
            cid = content_id(doc_id, str(k))
            settings = rng.sample(SETTINGS, rng.randint(0, 2))
            claims.append((cid, doc_id, country, tech, vendor, origin, json.dumps(settings), status,
                           round(rng.random(), 3), day, dep_id))
            evidence.append((content_id(cid, "e"), cid, doc_id, sentence, start, start + len(sentence),
                             json.dumps([tech.replace("_", " ")] + ([vendor] if vendor else []))))
            d = deps.setdefault(dep_id, {"key": (country, tech, vendor, origin), "hist": [], "docs": set(),
                                         "clusters": set(), "domains": set(), "settings": set()})
            d["hist"].append((day, status, doc_id))
            d["docs"].add(doc_id)
            d["clusters"].add(cluster)
            d["domains"].add(domain)
            d["settings"].update(settings)
        docs.append((doc_id, f"https://{domain}/{doc_id}", domain, f"Report {i}", day, " ".join(sentences),
                     cluster))
    with store.transaction():
        store.executemany("INSERT INTO documents (id, url, domain, title, published, source_type, language,"
                          " text, extracted, cluster_id) VALUES (?, ?, ?, ?, ?, 'text', 'en', ?, 1, ?)", docs)
        store.executemany(f"INSERT INTO claims (id, document_id, country, technology, vendor, supplier_country,"
                          f" settings, status, confidence, published, deployment_id, extractor_version)"
                          f" VALUES (?, ?, ?, ?, ?, ?, ?{jsonb}, ?, ?, ?, ?, 'bench')", claims)
        store.executemany(f"INSERT INTO evidence (id, claim_id, document_id, sentence, start, end_, matched)"
                          f" VALUES (?, ?, ?, ?, ?, ?, ?{jsonb})", evidence)
        rows = []
        for dep_id, d in deps.items():
            hist = sorted(d["hist"])
            country, tech, vendor, origin = d["key"]
            rows.append((dep_id, country, tech, vendor, origin, hist[-1][1],
                         json.dumps([{"date": a, "status": b, "document_id": c} for a, b, c in hist]),
                         json.dumps(sorted(d["settings"])), hist[0][0], hist[-1][0], len(hist),
                         len(d["docs"]), len(d["clusters"]), len(d["domains"])))
        store.executemany(f"INSERT INTO deployments (id, country, technology, vendor, supplier_country, status,"
                          f" status_history, settings, first_seen, last_seen, n_claims, n_documents,"
                          f" n_clusters, n_domains) VALUES (?, ?, ?, ?, ?, ?, ?{jsonb}, ?{jsonb}, ?, ?, ?,"
                          f" ?, ?, ?)", rows)
    if store.backend == "postgresql":
        store.execute("ANALYZE")
        store.conn.commit()
    else:
        store.execute("ANALYZE")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def record_sql(db, country: str) -> list[tuple[str, tuple]]:
    """The statements (in the backend's own dialect) one country_profile call sends."""
    sent: list[tuple[str, tuple]] = []
    original = q.Reader.iter

    def spy(self, sql, params=()):
        native = sql.replace("%", "%%").replace("?", "%s") if self.dialect == "postgres" else sql
        sent.append((native, tuple(params)))
        return original(self, sql, params)

    q.Reader.iter = spy
    try:
        q.country_profile(db, country)
    finally:
        q.Reader.iter = original
    return sent


def time_calls(fn, repeat: int) -> list[float]:
    fn()  # warm caches (pages, pycountry) once, as a running server would have
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="existing database (SQLite path or postgresql:// URL); default: build one")
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic documents when building")
    ap.add_argument("--repeat", type=int, default=50, help="timed calls per side")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the figures here as JSON too")
    args = ap.parse_args()

    cleanup = None
    target = args.db
    if target and target.startswith("postgres"):
        import psycopg

        admin = psycopg.connect(target, autocommit=True)
        schema = "bench_" + uuid.uuid4().hex[:10]
        admin.execute(f'CREATE SCHEMA "{schema}"')
        target = f"{target}{'&' if '?' in target else '?'}options={quote(f'-csearch_path={schema}')}"
        cleanup = lambda: admin.execute(f'DROP SCHEMA "{schema}" CASCADE')  # noqa: E731
        build = True
    elif target:
        build = False
    else:
        target = str(Path(tempfile.mkdtemp(prefix="custodes-bench-")) / "profile.db")
        build = True
    try:
        if build:
            t0 = time.perf_counter()
            store = open_store(target)
            synthesise(store, args.docs, args.seed)
            store.close()
            print(f"built {args.docs:,} documents in {time.perf_counter() - t0:.1f} s: {target.split('?')[0]}")
        with q.connect(target) as reader:
            top = reader.one("SELECT country, COUNT(*) AS n FROM claims GROUP BY country ORDER BY n DESC LIMIT 1")
            totals = reader.one("SELECT (SELECT COUNT(*) FROM documents) AS docs, (SELECT COUNT(*) FROM claims)"
                                " AS claims, (SELECT COUNT(*) FROM deployments) AS deployments")
        country = top["country"]
        print(f"database: {totals['docs']:,} documents, {totals['claims']:,} claims, "
              f"{totals['deployments']:,} deployments; biggest country {country} ({top['n']:,} claims)")

        statements = record_sql(target, country)
        if target.startswith("postgres"):
            import psycopg

            raw = psycopg.connect(target, autocommit=True)
        else:
            raw = sqlite3.connect(target)

        def plain_sql():
            for sql, params in statements:
                cur = raw.cursor()
                cur.execute(sql, params)
                cur.fetchall()
                cur.close()

        with q.connect(target) as open_reader:
            results = {
                "plain SQL, open connection": time_calls(plain_sql, args.repeat),
                "country_profile(db path/URL)": time_calls(lambda: q.country_profile(target, country), args.repeat),
                "country_profile(open connection)": time_calls(
                    lambda: q.country_profile(open_reader, country), args.repeat),
            }
        raw.close()
        base = percentile(results["plain SQL, open connection"], 50)
        print(f"{len(statements)} SQL statements per profile; {args.repeat} calls each")
        print(f"{'':36} {'p50 ms':>9} {'p99 ms':>9} {'p50 ratio':>10}")
        figures = {}
        for name, values in results.items():
            p50, p99 = percentile(values, 50), percentile(values, 99)
            figures[name] = {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2), "ratio_p50": round(p50 / base, 2)}
            print(f"{name:36} {p50:9.2f} {p99:9.2f} {p50 / base:10.2f}")
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps({"country": country, **totals, "figures": figures}, indent=2))
    finally:
        if cleanup:
            cleanup()


if __name__ == "__main__":
    main()
