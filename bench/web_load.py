"""Load on the web atlas: custodes serve against Datasette on the same SQLite file.

1. Generates (once; cached in bench/out/) a deterministic custodes database
   with at least --claims claims (default 1,000,000), written by direct
   inserts into the schema that `custodes.store.open_store` migrates.
2. Starts `custodes serve` (uvicorn, --workers processes) and Datasette
   (immutable mode, same file) on loopback.
3. For each endpoint (map data, a country profile, search) runs --clients
   concurrent keep-alive HTTP/1.1 clients for --seconds against each server,
   cycling through the same list of countries / search words on both sides,
   and prints requests/s, p50 and p99 latency, and custodes/Datasette ratios.
   Datasette answers an equivalent SQL query through its JSON API.

custodes runs twice: with its response cache (the default; the server is
read-only, so a rendered answer stays valid until the file changes) and with
--cache-size 0, which computes every answer afresh like Datasette does.

    .venv/bin/python bench/web_load.py [--claims 1000000] [--seconds 20] [--clients 50] [--workers 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent

TECHNOLOGIES = ("video_surveillance", "facial_recognition", "video_analytics", "biometric_collection", "digital_id",
                "license_plate_recognition", "communications_interception", "device_surveillance",
                "social_media_monitoring", "location_tracking", "border_surveillance", "smart_city_platform",
                "predictive_policing", "drones", "gunshot_detection", "body_worn_cameras")
TECH_WORDS = {"video_surveillance": "CCTV cameras", "facial_recognition": "facial recognition",
              "video_analytics": "AI video analytics", "biometric_collection": "fingerprint registry",
              "digital_id": "biometric ID cards", "license_plate_recognition": "licence plate readers",
              "communications_interception": "lawful interception", "device_surveillance": "spyware",
              "social_media_monitoring": "social media monitoring", "location_tracking": "GPS trackers",
              "border_surveillance": "border sensors", "smart_city_platform": "safe city platform",
              "predictive_policing": "predictive policing", "drones": "surveillance drones",
              "gunshot_detection": "gunshot detection", "body_worn_cameras": "body cameras"}
STATUSES = ("deployed", "planned", "trial", "development", "halted", "alleged")
STATUS_WEIGHTS = (60, 15, 10, 5, 5, 5)
SETTINGS = ("schools", "airports", "border", "streets", "public_transport", "prisons", "residential", "online")
SEARCH_WORDS = ["Huawei", "cameras", "police", "airport", "recognition", "border", "Nairobi", "spyware", "drones",
                "ministry", "installed", "contract", "schools", "interception", "Hikvision", "trial", "platform",
                "registry", "smart", "tender"]
CLAIMS_PER_DOC = 4


# -- the database -----------------------------------------------------------------

def generate(path: Path, n_claims: int, seed: int = 1) -> None:
    """A deterministic custodes database with n_claims claims (and evidence, documents, deployments)."""
    from custodes.model import content_id
    from custodes.store import open_store

    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    store = open_store(str(tmp))
    conn = store.conn
    countries = [r[0] for r in store.query("SELECT iso2 FROM countries ORDER BY iso2")]
    names = dict(store.query("SELECT iso2, name FROM countries"))
    vendors = store.query("SELECT name, country FROM vendors ORDER BY slug")
    country_weights = [1.0 / (i + 1) ** 0.9 for i in range(len(countries))]
    rng.shuffle(countries)
    vendor_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(vendors))]
    n_docs = (n_claims + CLAIMS_PER_DOC - 1) // CLAIMS_PER_DOC
    # a throwaway file being filled: no journal, and a page cache big enough for the random-key indexes
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -3000000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("BEGIN")
    docs, claims, evidence = [], [], []
    cluster = None

    def flush() -> None:
        conn.executemany("INSERT INTO documents (id, url, domain, title, published, source_type, source_name, language, "
                         "text, extracted, cluster_id, ingested_at, extractor_version) "
                         "VALUES (?, ?, ?, ?, ?, 'jsonl', 'bench', 'en', ?, 1, ?, ?, 'bench/1')", docs)
        conn.executemany("INSERT INTO claims (id, document_id, country, technology, vendor, supplier_country, settings, "
                         "status, confidence, published, deployment_id, extractor_version) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench/1')", claims)
        conn.executemany("INSERT INTO evidence (id, claim_id, document_id, sentence, start, end_, page, matched) "
                         "VALUES (?, ?, ?, ?, ?, ?, NULL, ?)", evidence)
        docs.clear(), claims.clear(), evidence.clear()

    for i in range(n_docs):
        country = rng.choices(countries, country_weights)[0]
        year = rng.randint(2008, 2025)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        doc_id = content_id("bench-doc", str(i))
        if cluster is None or rng.random() > 0.15:  # 15% are syndicated copies of the previous story
            cluster = doc_id
        sentences, rows = [], []
        for _ in range(CLAIMS_PER_DOC):
            tech = rng.choice(TECHNOLOGIES)
            vendor, origin = (rng.choices(vendors, vendor_weights)[0] if rng.random() < 0.6 else (None, None))
            if vendor is None and rng.random() < 0.3:
                origin = rng.choice(("CN", "US", "IL", "RU", "FR"))
            status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
            words = TECH_WORDS[tech]
            supplier = f" supplied by {vendor}" if vendor else ""
            sentences.append(f"Police in {names.get(country, country)} {status} {words}{supplier} at "
                             f"{rng.choice(SETTINGS).replace('_', ' ')} under a {rng.choice(('new', 'state', 'national'))} "
                             f"contract, the ministry said in {rng.choice(SEARCH_WORDS)} {year}.")
            rows.append((tech, vendor, origin, status, words))
        text = " ".join(sentences)
        domain = f"news{i % 500}.example"
        docs.append((doc_id, f"https://{domain}/story/{i}", domain,
                     f"{names.get(country, country)}: {rows[0][4]} {rows[0][3]} ({i})", published, text, cluster,
                     f"2026-01-01T00:00:{i % 60:02d}Z"))
        pos = 0
        for k, ((tech, vendor, origin, status, words), sentence) in enumerate(zip(rows, sentences)):
            claim_id = content_id(doc_id, str(k))
            dep = content_id(country, tech, vendor or origin)
            claims.append((claim_id, doc_id, country, tech, vendor, origin,
                           json.dumps([rng.choice(SETTINGS)]), status, round(rng.random(), 3), published, dep))
            evidence.append((content_id(claim_id, "e"), claim_id, doc_id, sentence, pos, pos + len(sentence),
                             json.dumps([w for w in (words, vendor) if w])))
            pos += len(sentence) + 1
        if len(docs) >= 5000:
            flush()
    flush()
    conn.execute("INSERT INTO clusters (id, representative_id, size) "
                 "SELECT cluster_id, MIN(id), COUNT(*) FROM documents GROUP BY cluster_id")
    conn.execute("""
INSERT INTO deployments (id, country, technology, vendor, supplier_country, status, status_history, settings,
                         first_seen, last_seen, n_claims, n_documents, n_clusters, n_domains)
SELECT c.deployment_id, MIN(c.country), MIN(c.technology), MIN(c.vendor), MIN(c.supplier_country), MAX(c.status),
       '[]', '[]', MIN(c.published), MAX(c.published), COUNT(*), COUNT(DISTINCT c.document_id),
       COUNT(DISTINCT d.cluster_id), COUNT(DISTINCT d.domain)
FROM claims c JOIN documents d ON d.id = c.document_id GROUP BY c.deployment_id""")
    conn.execute("COMMIT")
    from custodes.resolve import summarise_countries

    summarise_countries(store)  # what an ingest does after rebuilding the deployments
    conn.execute("PRAGMA optimize")
    store.close()
    # one file, like a database handed over for serving (no -wal beside it)
    c2 = __import__("sqlite3").connect(str(tmp))
    c2.execute("PRAGMA journal_mode = DELETE")
    c2.close()
    tmp.rename(path)


# -- a lean load generator: keep-alive HTTP/1.1 over asyncio streams -----------------

async def client(host: str, port: int, paths: list[str], until: float, latencies: list[float], errors: list[str],
                 offset: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while time.perf_counter() < until:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = None
            chunked = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            elif length is not None:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(f"{status} {path}")
    finally:
        writer.close()


def run_load(port: int, paths: list[str], seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []

    async def main() -> float:
        start = time.perf_counter()
        until = start + seconds
        await asyncio.gather(*(client("127.0.0.1", port, paths, until, latencies, errors, k) for k in range(clients)))
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": q[49] * 1000,
            "p99_ms": q[98] * 1000, "errors": len(errors), "first_error": errors[0] if errors else None}


# -- servers --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], port: int, probe: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=60).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"{' '.join(cmd)} did not answer within 120 s")
            time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=float, default=20.0, help="load time per endpoint and server")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2, help="custodes serve processes")
    ap.add_argument("--db", type=Path, default=None, help="database to (re)use; default bench/out/web_load_<claims>.db")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    db = args.db or OUT / f"web_load_{args.claims}.db"
    if not db.exists():
        t0 = time.perf_counter()
        print(f"generating {db} with {args.claims:,} claims ...", flush=True)
        generate(db, args.claims)
        print(f"  done in {time.perf_counter() - t0:.0f} s, {db.stat().st_size / 1e6:.0f} MB", flush=True)
    import sqlite3

    from custodes.store import open_store

    store = open_store(str(db))  # a cached database gets the indexes of newer migrations
    store.close()
    sqlite3.connect(str(db)).execute("PRAGMA journal_mode = DELETE").connection.close()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n_claims = conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    n_docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    n_deps = conn.execute("SELECT COUNT(*) FROM deployments").fetchone()[0]
    top = [r[0] for r in conn.execute("SELECT country FROM deployments GROUP BY country ORDER BY COUNT(*) DESC LIMIT 20")]
    conn.close()
    print(f"database: {n_claims:,} claims, {n_docs:,} documents, {n_deps:,} deployments; "
          f"{args.clients} clients, {args.seconds:.0f} s per endpoint; custodes --workers {args.workers}; "
          f"{os.cpu_count()} CPUs", flush=True)

    dname = db.stem
    q = urllib.parse.quote

    def ds(sql: str, **params: str) -> str:
        extra = "".join(f"&{k}={q(v)}" for k, v in params.items())
        return f"/{dname}.json?sql={q(sql)}&_shape=array{extra}"

    map_sql = ("SELECT country, COUNT(DISTINCT technology) AS technologies, COUNT(*) AS deployments, "
               "COUNT(DISTINCT vendor) AS vendors FROM deployments "
               "WHERE country IS NOT NULL GROUP BY country")
    country_sql = ("SELECT c.id, c.technology, c.status, c.vendor, c.deployment_id, e.sentence, e.matched, "
                   "d.id AS document_id, d.title, d.url, d.published, d.cluster_id FROM claims c "
                   "JOIN evidence e ON e.claim_id = c.id JOIN documents d ON d.id = c.document_id "
                   "WHERE c.country = :cc ORDER BY c.published DESC LIMIT 300")
    search_sql = ("SELECT d.id, d.title, d.url, d.published, d.domain FROM documents_fts "
                  "JOIN documents d ON d.rowid = documents_fts.rowid WHERE documents_fts MATCH :q "
                  "ORDER BY documents_fts.rowid DESC LIMIT 50")  # custodes's default order: newest first
    endpoints = {
        "map data": (["/index.json"], [ds(map_sql)]),
        "country profile": ([f"/countries/{c}.json" for c in top], [ds(country_sql, cc=c) for c in top]),
        "search": ([f"/search.json?q={w}" for w in SEARCH_WORDS], [ds(search_sql, q=f'"{w}"') for w in SEARCH_WORDS]),
    }
    servers = {
        "custodes": lambda port: [str(VENV_BIN / "custodes"), "serve", "--db", str(db), "--port", str(port),
                                  "--workers", str(args.workers)],
        "custodes (no cache)": lambda port: [str(VENV_BIN / "custodes"), "serve", "--db", str(db), "--port", str(port),
                                             "--workers", str(args.workers), "--cache-size", "0"],
        "datasette": lambda port: [str(VENV_BIN / "datasette"), "serve", "-i", str(db), "--port", str(port),
                                   "--setting", "sql_time_limit_ms", "60000", "--setting", "max_returned_rows", "5000"],
    }
    results: dict[str, dict[str, dict]] = {}
    for server, cmd in servers.items():
        port = free_port()
        probe = "/index.json" if server.startswith("custodes") else f"/{dname}.json?sql=select+1"
        proc = start(cmd(port), port, probe)
        try:
            for name, (ours, theirs) in endpoints.items():
                paths = theirs if server == "datasette" else ours
                run_load(port, paths[:1], 1.0, 4)  # warm-up: connections, page cache
                r = run_load(port, paths, args.seconds, args.clients)
                results.setdefault(name, {})[server] = r
                print(f"  {server:20} {name:16} {r['rps']:9.1f} req/s  p50 {r['p50_ms']:8.1f} ms  "
                      f"p99 {r['p99_ms']:8.1f} ms  errors {r['errors']}"
                      + (f" (first: {r['first_error']})" if r["errors"] else ""), flush=True)
        finally:
            stop(proc)

    print()
    print(f"{'endpoint':16} | {'server':20} | {'req/s':>9} | {'p50 ms':>8} | {'p99 ms':>8} | {'vs Datasette req/s':>18}")
    print("-" * 92)
    for name, by_server in results.items():
        base = by_server["datasette"]["rps"]
        for server, r in by_server.items():
            ratio = r["rps"] / base if base else float("nan")
            print(f"{name:16} | {server:20} | {r['rps']:9.1f} | {r['p50_ms']:8.1f} | {r['p99_ms']:8.1f} | {ratio:17.2f}x")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"claims": n_claims, "documents": n_docs, "deployments": n_deps,
                                         "clients": args.clients, "seconds": args.seconds,
                                         "workers": args.workers, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
