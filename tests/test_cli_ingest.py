"""`custodes ingest` end to end: real files, the real readers and extractor, exit status, stderr, summary."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

from custodes.store import canonical_dump, open_store
from store_support import write_corpus

CUSTODES = [sys.executable, "-m", "custodes.cli"]


def custodes(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CUSTODES, *args], input=stdin, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_ingest_stores_extracts_and_summarises(tmp_path):
    write_corpus(tmp_path / "in", 20, seed=5, with_bad_file=False)
    db = str(tmp_path / "c.db")
    done = custodes("ingest", str(tmp_path / "in"), "--db", db, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "documents:" in done.stdout and "new" in done.stdout and "deployments:" in done.stdout
    with open_store(db) as store:
        n_docs = store.scalar("SELECT count(*) FROM documents")
        assert n_docs >= 40
        assert store.scalar("SELECT count(*) FROM claims") > 0
        assert store.scalar("SELECT count(*) FROM deployments") > 0
        assert set(r[0] for r in store.query("SELECT DISTINCT source_type FROM documents")) >= {"jsonl", "text", "html"}
    again = custodes("ingest", str(tmp_path / "in"), "--db", db, "--quiet")
    assert again.returncode == 0 and again.stdout == ""
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM documents") == n_docs


def test_bad_sources_are_reported_and_nothing_stored_is_lost(tmp_path):
    good = tmp_path / "good"
    write_corpus(good, 15, seed=8, with_bad_file=False)
    db = str(tmp_path / "c.db")
    assert custodes("ingest", str(good), "--db", db, "--quiet").returncode == 0
    with open_store(db) as store:
        before = canonical_dump(store)

    batch = tmp_path / "batch"
    write_corpus(batch, 5, seed=9, with_bad_file=False)
    (batch / "junk.html").write_bytes(os.urandom(3000))
    whole = gzip.compress(b"\n".join(json.dumps({"id": str(i), "text": "Police in Gulu installed cameras."}).encode()
                                     for i in range(3000)))
    (batch / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 3])
    (batch / "report.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    done = custodes("ingest", str(batch), str(good), "--db", db)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    for name in ("junk.html", "cut.jsonl.gz", "report.pdf"):
        mine = [line for line in lines if name in line]
        assert len(mine) == 1, f"{name}: expected one error line, got {mine}"
        assert len(mine[0]) > len(f"error: {batch / name}: ")  # and a reason after the name
    with open_store(db) as store:
        after = canonical_dump(store)
        errors = store.query("SELECT source FROM errors")
        assert {Path(e[0]).name for e in errors} >= {"junk.html", "cut.jsonl.gz", "report.pdf"}
        # the good documents of the batch are stored
        assert store.scalar("SELECT count(*) FROM documents WHERE source_name LIKE ?", (f"{batch}%",)) >= 10
    # every row stored before is still there, unchanged (deployments are recomputed, so they may grow)
    for table in ("documents", "claims", "evidence", "errors", "minhash", "countries", "vendors"):
        assert set(before[table]) <= set(after[table]), table


def test_ingest_reads_standard_input_and_the_db_from_the_environment(tmp_path):
    lines = [json.dumps({"id": f"d{i}", "text": f"Police in Nairobi installed {100 + i} Hikvision CCTV cameras "
                                                  f"at bus stations, the interior ministry said on Monday."})
             for i in range(3)]
    db = str(tmp_path / "env.db")
    done = custodes("ingest", "-", stdin="\n".join(lines) + "\n", env={"CUSTODES_DB": db})
    assert done.returncode == 0, done.stderr
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM documents") == 3
        assert store.query("SELECT DISTINCT country FROM claims") == [("KE",)]


def test_an_unusable_database_is_one_clear_line(tmp_path):
    done = custodes("ingest", str(tmp_path), "--db", str(tmp_path / "missing" / "c.db"))
    assert done.returncode == 1
    assert "missing" in done.stderr and "does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_ingest_help_documents_every_option():
    done = custodes("ingest", "--help", env={"COLUMNS": "200"})
    for option in ("--db", "--quiet", "--workers", "--commit-every", "sources", "CUSTODES_DB"):
        assert option in done.stdout
    assert "Example: custodes ingest" in done.stdout


def test_commit_every_must_be_positive(tmp_path):
    done = custodes("ingest", str(tmp_path), "--db", str(tmp_path / "c.db"), "--commit-every", "0")
    assert done.returncode == 2 and "--commit-every" in done.stderr
    assert not (tmp_path / "c.db").exists()
