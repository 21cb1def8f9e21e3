"""The SQLite file opens in Datasette as it is: a real `datasette serve` answers over HTTP
with the views of migration 0050, full-text search and the metadata custodes writes.
"""
from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

import custodes
from custodes.export.datasette import metadata
from query_world import WORLD, sqlite_db  # noqa: F401  (fixture)

DATASETTE = Path(sys.executable).with_name("datasette")
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db_file: str, folder: Path, with_metadata: bool):
    """A `datasette serve` process on a loopback port; yields (base URL, database name)."""
    if not DATASETTE.exists():
        pytest.skip(f"datasette is not installed beside {sys.executable} (pip install -e '.[dev]')")
    args = [str(DATASETTE), "serve", db_file, "--host", "127.0.0.1"]
    if with_metadata:
        meta = folder / "metadata.json"
        meta.write_text(json.dumps(metadata(db_file)), encoding="utf-8")
        args += ["--metadata", str(meta)]
    port = free_port()
    log = open(folder / "datasette.log", "w+")
    proc = subprocess.Popen(args + ["--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"datasette exited with {proc.returncode}: {log.read()[-2000:]}")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"datasette did not answer on {base} within {START_TIMEOUT_S} s")
            time.sleep(0.2)
        yield base, Path(db_file).stem
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def datasette(sqlite_db, tmp_path):
    with serving(sqlite_db, tmp_path, with_metadata=True) as served:
        yield served


def test_opens_as_it_is_without_metadata(sqlite_db, tmp_path):
    with serving(sqlite_db, tmp_path, with_metadata=False) as (base, name):
        rows = get(f"{base}/{name}/deployment_overview.json", _size="max")
        assert {r["id"] for r in rows} == {d["id"] for d in custodes.query(sqlite_db)}
        tables = {t["name"] for t in httpx.get(f"{base}/{name}.json", timeout=30).json()["tables"]}
        assert {"deployments", "claims", "evidence", "documents", "countries", "vendors"} <= tables


def get(url: str, **params):
    response = httpx.get(url, params={"_shape": "array", **params}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_deployment_overview_is_served(datasette, sqlite_db):
    base, name = datasette
    rows = get(f"{base}/{name}/deployment_overview.json", _size="max")
    deployments = {d["id"]: d for d in custodes.query(sqlite_db)}
    assert {r["id"] for r in rows} == set(deployments)
    for row in rows:
        dep = deployments[row["id"]]
        assert row["country_name"] == dep["country_name"]
        assert (row["n_clusters"], row["status"], row["vendor"]) == (dep["n_clusters"], dep["status"], dep["vendor"])
        assert row["latitude"] is not None and row["longitude"] is not None
    hik = next(r for r in rows if r["vendor"] == "Hikvision")
    assert hik["vendor_slug"] == "hikvision" and hik["supplier_country_name"] == "China"


def test_claim_evidence_and_filters(datasette):
    base, name = datasette
    rows = get(f"{base}/{name}/claim_evidence.json", _size="max")
    assert len(rows) == sum(len(d["claims"]) for d in WORLD)
    urls = {d["id"]: d["url"] for d in WORLD}
    assert all(r["document_url"] == urls[r["document_id"]] for r in rows)
    kp = get(f"{base}/{name}/claim_evidence.json", country="KP", status="trial")
    assert [r["sentence"] for r in kp] == [c["sentence"] for d in WORLD for c in d["claims"]
                                           if (c["country"], c["status"]) == ("KP", "trial")]


def test_summaries_and_full_text_search(datasette):
    base, name = datasette
    countries = {r["country"]: r for r in get(f"{base}/{name}/country_summary.json")}
    assert countries["KP"]["n_deployments"] == 4 and countries["KP"]["n_planned_or_trial"] == 1
    vendors = {r["vendor"]: r for r in get(f"{base}/{name}/vendor_summary.json")}
    assert vendors["Huawei"]["n_deployments"] == 2 and vendors["Huawei"]["countries"] == "KE"
    found = get(f"{base}/{name}/documents.json", _search="Pyongyang")
    assert [d["id"] for d in found] == ["doc-kp-1"]


def test_metadata_is_served(datasette):
    base, name = datasette
    served = httpx.get(f"{base}/-/metadata.json", timeout=30).json()
    tables = served["databases"][name]["tables"]
    assert "independent" in tables["deployment_overview"]["columns"]["n_clusters"].lower()
    page = httpx.get(f"{base}/{name}/deployment_overview", timeout=30)
    assert page.status_code == 200 and "syndicated copies count once" in page.text


def test_every_table_and_view_is_described(sqlite_db):
    """A new table or view without a description in datasette_metadata.json fails here."""
    with sqlite3.connect(sqlite_db) as conn:
        names = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'documents_fts_%'")}
    described = metadata(sqlite_db)["databases"][Path(sqlite_db).stem]["tables"]
    missing = sorted(n for n in names if not described.get(n, {}).get("description"))
    assert not missing, f"describe these in src/custodes/export/datasette_metadata.json: {missing}"


def test_views_exist_in_postgresql_too(tmp_path, request):
    from custodes.store import open_store
    from query_world import empty_target, fill

    target = empty_target("postgresql", tmp_path, request)
    store = open_store(target)
    try:
        fill(store)
        rows = store.query_dicts("SELECT id, country_name, vendor_slug FROM deployment_overview")
        assert {r["id"] for r in rows} == {d["id"] for d in custodes.query(target)}
        n = store.scalar("SELECT count(*) FROM claim_evidence")
        assert n == sum(len(d["claims"]) for d in WORLD)
        summary = {r["vendor"]: r for r in store.query_dicts("SELECT * FROM vendor_summary")}
        assert summary["Huawei"]["countries"] == "KE"
        store.conn.rollback()
    finally:
        store.close()


def test_views_arrive_on_an_older_database(tmp_path):
    """A database made before the views (schema version 2) gets them on its next open."""
    from custodes.store import open_store
    from query_world import fill

    path = str(tmp_path / "old.db")
    store = open_store(path, migrate=False)
    store.migrate(target=2)
    fill(store)
    store.close()
    with sqlite3.connect(path) as conn:
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'deployment_overview'").fetchall()
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        n = conn.execute("SELECT COUNT(*) FROM deployment_overview WHERE country_name IS NOT NULL").fetchone()[0]
    assert n == len(custodes.query(path))
