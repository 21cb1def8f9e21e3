"""End-to-end `custodes ingest` speed and memory, and the cost of the profile layer over plain SQL.

1. Writes a deterministic corpus of `--docs` files (half HTML pages, half text
   files; news-like documents from bench/newsgen.py, and a share of syndicated
   copies: other sites' versions of an earlier story with another headline,
   boilerplate, edits and sometimes truncation).
2. Runs the real `custodes ingest` command on it into a fresh SQLite database
   (and PostgreSQL on the first `--pg-docs`), watching the process: documents/s
   and peak RSS (VmHWM of the ingest process; and the peak of the whole process
   tree) when `--checkpoint` documents are stored and at the end, and the ingest
   process's own CPU per document (the single writer, which bounds the rate once
   extraction is fast). Memory must stay flat: the ratio of the two peaks is the
   figure to watch.
3. Times `custodes.query.country_profile` for the country with the most claims
   (p50/p99 over `--repeat` calls) against the plain SQL statements such a
   profile needs, run directly on a sqlite3 connection (PROFILE_PLAIN_SQL):
   the ratio is the overhead of custodes' layers.

    .venv/bin/python bench/ingest_speed.py --docs 100000 --checkpoint 10000 --pg-docs 20000

Prints figures; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from html import escape
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import newsgen  # noqa: E402  (bench/newsgen.py, the shared generator)

FILES_PER_FOLDER = 1000
SYNDICATED_BOILERPLATE = [
    "This story was distributed by a news agency and edited by our staff.",
    "Subscribe for unlimited access to our journalism.",
    "Related coverage: see our special report on public security.",
    "Comments are closed for this article.",
    "Share this article on social media.",
]


# -- corpus ---------------------------------------------------------------------

def syndicated_copy(seed: int, index: int, source: dict) -> dict:
    """Another site's copy of `source`: new headline, boilerplate, a few edits, maybe truncated."""
    rng = random.Random(f"copy:{seed}:{index}")
    paragraphs = source["text"].split("\n\n")
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(paragraphs))
        words = paragraphs[i].split()
        if words:
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "also", "now", "officially"])
            paragraphs[i] = " ".join(words)
    if len(paragraphs) > 5 and rng.random() < 0.3:
        paragraphs = paragraphs[:max(4, int(len(paragraphs) * rng.uniform(0.6, 0.9)))]
    text = "\n\n".join(rng.sample(SYNDICATED_BOILERPLATE, 1) + paragraphs +
                       rng.sample(SYNDICATED_BOILERPLATE, rng.randint(1, 2)))
    return {"id": f"copy-{seed}-{index}", "title": f"{rng.choice(['Report', 'Update', 'Wire'])}: {source['title']}",
            "text": text, "url": f"https://mirror{rng.randrange(30)}.example.net/story-{index}",
            "published": source["published"]}


def document(seed: int, index: int, syndicated_share: float) -> dict:
    rng = random.Random(f"pick:{seed}:{index}")
    if index > 10 and rng.random() < syndicated_share:
        source_index = max(0, index - rng.randint(1, 500))
        return syndicated_copy(seed, index, newsgen.make_document(seed, source_index))
    return newsgen.make_document(seed, index)


def page(doc: dict) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in doc["text"].split("\n\n"))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(doc['title'])}</title>"
            f"<link rel=\"canonical\" href=\"{escape(doc['url'])}\">"
            f"<meta property=\"article:published_time\" content=\"{doc['published']}\"></head><body>"
            f"<nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a> | <a href=\"/tech\">Tech</a></nav>"
            f"<article><h1>{escape(doc['title'])}</h1>\n{body}\n</article>"
            f"<footer>About us | Privacy | Terms</footer></body></html>")


def write_corpus(folder: Path, n: int, seed: int, syndicated_share: float) -> Path:
    """`n` files under `folder` (reused when a previous run wrote the same corpus)."""
    marker = folder / "COMPLETE"
    if marker.exists() and marker.read_text() == f"{n} {seed} {syndicated_share}":
        return folder
    started = time.monotonic()
    for index in range(n):
        doc = document(seed, index, syndicated_share)
        sub = folder / f"{index // FILES_PER_FOLDER:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        if index % 2:
            (sub / f"{index:07d}.txt").write_text(f"{doc['title']}\n\n{doc['text']}\n", encoding="utf-8")
        else:
            (sub / f"{index:07d}.html").write_text(page(doc), encoding="utf-8")
    marker.write_text(f"{n} {seed} {syndicated_share}")
    print(f"corpus: {n} files written to {folder} in {time.monotonic() - started:.0f} s", flush=True)
    return folder


def corpus_folders(corpus: Path, n: int) -> list[Path]:
    """The folders holding the first `n` files of the corpus (whole folders: n rounds up)."""
    return [corpus / f"{k:04d}" for k in range(max(1, (n + FILES_PER_FOLDER - 1) // FILES_PER_FOLDER))]


# -- watching one ingest run ---------------------------------------------------------

def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            children = []
        for child in map(int, children):
            pids.append(child)
            frontier.append(child)
    return pids


def count_documents(db: str) -> int:
    try:
        if db.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(db, autocommit=True) as conn:
                return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except Exception:
        return 0


def run_ingest(sources: list[Path], db: str, n: int, checkpoint: int, workers: int) -> dict:
    """Run `custodes ingest` and sample its progress and memory twice a second."""
    peak_file = Path(f"/tmp/custodes-bench-peak-{os.getpid()}")
    # the ingest process reports its own peak RSS and CPU time as it exits (the last sample
    # could miss the peak; its workers' CPU is not in RUSAGE_SELF)
    wrapper = ("import atexit, resource, sys; from pathlib import Path; "
               "usage = lambda: resource.getrusage(resource.RUSAGE_SELF); "
               f"atexit.register(lambda: Path({str(peak_file)!r}).write_text("
               "f'{usage().ru_maxrss} {usage().ru_utime + usage().ru_stime}')); "
               "from custodes.cli import main; sys.argv[0] = 'custodes'; main()")
    command = [sys.executable, "-c", wrapper, "ingest", *map(str, sources), "--db", db, "--quiet",
               "--workers", str(workers)]
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    at_checkpoint: dict | None = None
    tree_peak_kb = 0
    while proc.poll() is None:
        time.sleep(0.5)
        tree_peak_kb = max(tree_peak_kb, sum(_status_kb(p, "VmRSS") for p in _tree(proc.pid)))
        if at_checkpoint is None:
            stored = count_documents(db)
            if stored >= checkpoint:
                elapsed = time.monotonic() - started
                at_checkpoint = {"documents": stored, "elapsed_s": round(elapsed, 1),
                                 "documents_per_s": round(stored / elapsed, 1),
                                 "peak_rss_mb": round(_status_kb(proc.pid, "VmHWM") / 1024, 1),
                                 "tree_peak_rss_mb": round(tree_peak_kb / 1024, 1)}
                print(f"  {stored} documents after {elapsed:.0f} s: {stored / elapsed:.1f} documents/s, "
                      f"peak RSS {at_checkpoint['peak_rss_mb']} MB", flush=True)
    elapsed = time.monotonic() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    peak_kb, cpu_s = map(float, peak_file.read_text().split()) if peak_file.exists() else (0, 0.0)
    peak_file.unlink(missing_ok=True)
    stored = count_documents(db)
    end = {"documents": stored, "elapsed_s": round(elapsed, 1), "documents_per_s": round(stored / elapsed, 1),
           "peak_rss_mb": round(peak_kb / 1024, 1), "tree_peak_rss_mb": round(tree_peak_kb / 1024, 1),
           "ingest_process_cpu_ms_per_document": round(1000 * cpu_s / stored, 2) if stored else None,
           "exit_status": proc.returncode, "stderr_tail": stderr[-500:]}
    result = {"at_checkpoint": at_checkpoint, "at_end": end}
    if at_checkpoint:
        result["peak_rss_ratio_end_over_checkpoint"] = round(end["peak_rss_mb"] / at_checkpoint["peak_rss_mb"], 3)
    return result


# -- profile latency ----------------------------------------------------------------

# The statements a country profile needs, as plain SQL: the baseline for custodes' layers.
PROFILE_PLAIN_SQL = [
    ("SELECT iso2, name, region, subregion, lat, lon FROM countries WHERE iso2 = ?", 1),
    ("SELECT d.*, co.name, co.lat, co.lon FROM deployments d LEFT JOIN countries co ON co.iso2 = d.country "
     "WHERE d.country = ? ORDER BY d.n_clusters DESC, d.n_documents DESC, d.last_seen DESC, d.technology, d.id", 1),
    ("SELECT slug, name, country, aliases FROM vendors", 0),
    ("SELECT published, status, count(*) FROM claims WHERE country = ? AND published > '' "
     "GROUP BY published, status", 1),
    ("SELECT e.claim_id, e.sentence, e.matched, e.start, e.end_, e.page, c.deployment_id, c.technology, "
     "c.vendor, c.status, c.confidence, doc.id, doc.title, doc.url, doc.published, doc.domain, doc.cluster_id "
     "FROM evidence e JOIN claims c ON c.id = e.claim_id JOIN documents doc ON doc.id = c.document_id "
     "JOIN deployments d ON d.id = c.deployment_id WHERE c.country = ? "
     "ORDER BY d.n_clusters DESC, c.confidence DESC LIMIT 250", 1),
]


def profile_hook():
    """custodes' profile function (custodes.query.country_profile), or None while it does not exist."""
    try:
        from custodes.query import country_profile
    except ImportError:
        return None
    return country_profile


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2)}


def profile_latency(db: str, repeat: int) -> dict:
    conn = sqlite3.connect(db)
    country, n_claims = conn.execute(
        "SELECT country, count(*) FROM claims GROUP BY country ORDER BY 2 DESC LIMIT 1").fetchone()

    statements = [(sql, (country,) * n_params) for sql, n_params in PROFILE_PLAIN_SQL]
    baseline = "PROFILE_PLAIN_SQL (written by hand)"
    try:  # better: the very statements country_profile sends, recorded by bench/profile_speed.py
        from profile_speed import record_sql

        statements = record_sql(db, country)
        baseline = "the statements country_profile sends, replayed"
    except Exception:
        pass

    def plain() -> None:
        for sql, params in statements:
            conn.execute(sql, params).fetchall()

    plain()
    plain_s = []
    for _ in range(repeat):
        t = time.perf_counter()
        plain()
        plain_s.append(time.perf_counter() - t)
    out = {"country": country, "n_claims": n_claims, "baseline": baseline, "plain_sql": percentiles(plain_s)}
    profile = profile_hook()
    if profile is None:
        out["profile"] = "custodes.query.country_profile not available: plain SQL only"
        return out
    profile(db, country)
    profile_s = []
    for _ in range(repeat):
        t = time.perf_counter()
        profile(db, country)
        profile_s.append(time.perf_counter() - t)
    out["profile"] = percentiles(profile_s)
    out["ratio_p50"] = round(out["profile"]["p50_ms"] / out["plain_sql"]["p50_ms"], 2)
    out["ratio_p99"] = round(out["profile"]["p99_ms"] / out["plain_sql"]["p99_ms"], 2)
    return out


# -- main -----------------------------------------------------------------------

def fresh_postgres_schema(base: str) -> tuple[str, str] | None:
    try:
        import psycopg

        name = f"custodes_bench_{os.getpid()}"
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            conn.execute(f"CREATE SCHEMA {name}")
        return name, f"{base}?options=-csearch_path%3D{name}"
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc}")
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents to generate and ingest into SQLite")
    parser.add_argument("--checkpoint", type=int, default=10_000, help="where the first speed/memory reading is taken")
    parser.add_argument("--pg-docs", type=int, default=20_000,
                        help=f"documents for the PostgreSQL run, rounded up to folders of {FILES_PER_FOLDER} (0: skip)")
    parser.add_argument("--pg-checkpoint", type=int, default=2_000)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--syndicated-share", type=float, default=0.15)
    parser.add_argument("--repeat", type=int, default=100, help="profile calls timed")
    parser.add_argument("--workdir", type=Path, default=BENCH / "out" / "ingest_speed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(args.workdir / f"corpus-{args.docs}-{args.seed}", args.docs, args.seed,
                          args.syndicated_share)
    report: dict = {"machine_cpus": os.cpu_count(), "docs": args.docs, "workers": args.workers}

    db = args.workdir / "sqlite.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"SQLite: ingesting {args.docs} documents with {args.workers} workers", flush=True)
    report["sqlite"] = run_ingest([corpus], str(db), args.docs, args.checkpoint, args.workers)
    print(json.dumps(report["sqlite"], indent=1), flush=True)
    with sqlite3.connect(db) as conn:
        report["sqlite"]["stored"] = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                      for t in ("documents", "claims", "clusters", "deployments", "errors")}
        report["sqlite"]["stored"]["clusters_with_copies"] = conn.execute(
            "SELECT count(*) FROM clusters WHERE size > 1").fetchone()[0]
    report["profile"] = profile_latency(str(db), args.repeat)
    print(json.dumps({"stored": report["sqlite"]["stored"], "profile": report["profile"]}, indent=1), flush=True)

    if args.pg_docs:
        schema = fresh_postgres_schema(args.pg_url)
        if schema:
            name, url = schema
            folders = corpus_folders(corpus, args.pg_docs)
            print(f"PostgreSQL: ingesting the {len(folders)} first folders of the corpus", flush=True)
            report["postgresql"] = run_ingest(folders, url, args.pg_docs, args.pg_checkpoint, args.workers)
            print(json.dumps(report["postgresql"], indent=1), flush=True)
            import psycopg

            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
