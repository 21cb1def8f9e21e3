"""The database contract: docs/schema.md's tables and columns, migrations, upgrades from an older schema."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from custodes.model import ExtractResult
from custodes.resolve import signature
from custodes.store import StoreError, canonical_dump, open_store
from custodes.store.db import list_migrations
from custodes.store.ingest import store_document, store_error
from custodes.model import IngestError
from store_support import bracket_extractor, db_url, document  # noqa: F401  (fixture)

SCHEMA_MD = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def documented_columns() -> dict[str, list[str]]:
    """{table: [columns]} from the table in docs/schema.md."""
    tables = {}
    for line in SCHEMA_MD.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)` \| (.+) \|$", line)
        if m:
            cell = re.sub(r"\([^()]*\)", "", m[2]).split(":")[0]  # drop explanations
            tables[m[1]] = re.findall(r"`(\w+)`", cell)
    return tables


def actual_columns(store, table: str) -> list[str]:
    if store.backend == "sqlite":
        return [r[1] for r in store.query(f"PRAGMA table_info({table})")]
    return [r[0] for r in store.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position", (table,))]


def test_every_documented_table_and_column_exists(db_url):
    documented = documented_columns()
    assert {"documents", "claims", "evidence", "deployments", "minhash"} <= set(documented)
    with open_store(db_url) as store:
        for table, columns in documented.items():
            present = actual_columns(store, table)
            missing = [c for c in columns if c not in present]
            assert not missing, f"{table}: documented columns missing from the database: {missing}"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    with open_store(tmp_path / "c.db") as store:
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA busy_timeout") >= 10_000


def test_reopening_applies_nothing_and_keeps_the_version(db_url):
    with open_store(db_url) as store:
        version = store.schema_version
        assert version == max(m.version for m in list_migrations(store.backend))
    with open_store(db_url) as store:
        assert store.migrate() == []
        assert store.schema_version == version


def test_reference_tables_are_filled(db_url):
    with open_store(db_url) as store:
        kp = store.query_dicts("SELECT * FROM countries WHERE iso2 = 'KP'")[0]
        assert kp["name"] == "North Korea" and kp["region"] == "Asia"
        assert 35 < kp["lat"] < 45 and 120 < kp["lon"] < 135
        assert store.scalar("SELECT count(*) FROM countries") >= 240
        vendors = store.scalar("SELECT count(*) FROM vendors")
        assert vendors > 0
        # a leading "=" marks a case-sensitive alias in vendors.tsv; it is not part of the alias
        for (aliases,) in store.query("SELECT aliases FROM vendors"):
            assert '"=' not in aliases


def test_upgrade_from_schema_1_keeps_every_row_and_indexes_old_documents(db_url):
    """A database made by the first migration only, with rows in it, upgrades without loss."""
    old = document("Police in Mombasa installed cameras at the port. [KE video_surveillance vendor=Dahua]",
                   url="https://old.example.org/a", published="2021-05-01")
    copy = document("Reprinted: Police in Mombasa installed cameras at the port. [KE video_surveillance vendor=Dahua]",
                    url="https://other.example.org/b", published="2021-05-02")
    with open_store(db_url, migrate=False) as store:
        assert store.migrate(target=1) == [1]
        for doc in (old, copy):
            store.execute(
                "INSERT INTO documents (id, url, domain, title, published, source_type, source_name, "
                "language, text, extracted, note, cluster_id, ingested_at, extractor_version) "
                "VALUES (?, ?, ?, ?, ?, 'text', 'old.txt', 'en', ?, 1, NULL, NULL, '2021-06-01T00:00:00Z', 'v0')",
                (doc.id, doc.url, doc.url.split("/")[2], "Old story", doc.published, doc.text))
        store.execute("INSERT INTO errors (id, source, location, reason, occurred_at) "
                      "VALUES ('e1', 'bad.pdf', NULL, 'corrupt', '2021-06-01T00:00:00Z')")
        before = canonical_dump(store, tables=["documents", "errors"])
    with open_store(db_url) as store:
        assert store.schema_version == max(m.version for m in list_migrations(store.backend))
        after = canonical_dump(store, tables=["documents", "errors"])
        # the rows are all there; only the story cluster, computed by the upgrade, is new
        strip = lambda rows: [r[:11] + r[12:] for r in rows]  # noqa: E731 (cluster_id is column 12)
        assert strip(after["documents"]) == strip(before["documents"])
        assert after["errors"] == before["errors"]
        # the old documents are in the full-text index and clustered as copies of one story
        if store.backend == "sqlite":
            hits = store.query("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'mombasa'")
        else:
            hits = store.query("SELECT id FROM documents WHERE search @@ plainto_tsquery('english', 'mombasa')")
        assert len(hits) == 2
        clusters = store.query("SELECT DISTINCT cluster_id FROM documents")
        assert clusters == [(min(old.id, copy.id),)]
        assert store.query("SELECT size FROM clusters") == [(2,)]


def test_full_text_index_follows_inserts(db_url):
    with open_store(db_url) as store:
        doc = document("Authorities in Quito deployed a safe city platform with thermal sensors.")
        store_document(store, doc, ExtractResult(id=doc.id, relevant=False, claims=[]), signature(doc.text))
        if store.backend == "sqlite":
            rows = store.query("SELECT d.id FROM documents_fts f JOIN documents d ON d.rowid = f.rowid "
                               "WHERE documents_fts MATCH 'thermal'")
        else:
            rows = store.query("SELECT id FROM documents WHERE search @@ plainto_tsquery('english', 'thermal')")
        assert rows == [(doc.id,)]


def test_an_unusable_database_path_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "folder" / "c.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        open_store(junk)


def test_an_unreachable_postgres_server_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_errors_are_stored_once(db_url):
    with open_store(db_url) as store:
        error = IngestError(source="feeds/bad.xml", reason="not well-formed XML", location="line 3")
        store_error(store, error)
        store_error(store, error)
        assert store.query("SELECT source, location, reason FROM errors") == [
            ("feeds/bad.xml", "line 3", "not well-formed XML")]


def test_upgrade_to_sketches_gives_every_stored_signature_its_sketch(db_url):
    """Schema 95 adds minhash_sketches: the signatures stored before it get theirs, so story
    clustering reads them from the first document after the upgrade."""
    from custodes.resolve import sketch
    from custodes.store.ingest import store_documents, work
    from store_support import bracket_extractor

    docs = [document(f"Police in Lagos installed {n} cameras at junctions, officials said on Monday.",
                     url=f"https://example.org/{n}") for n in range(1, 6)]
    entries = [(doc, *outcome[1:]) for doc, outcome in work(docs, bracket_extractor)]
    with open_store(db_url, migrate=False) as store:
        store.migrate(target=94)
        store_documents(store, entries)
        with store.transaction():  # as a writer of schema 94 left them: signatures without sketches
            store.execute("DELETE FROM minhash_sketches")
    with open_store(db_url) as store:
        signatures = dict(store.query("SELECT document_id, signature FROM minhash"))
        sketches = dict(store.query("SELECT document_id, sketch FROM minhash_sketches"))
        assert len(signatures) == len(docs) and sketches.keys() == signatures.keys()
        assert all(bytes(sketches[i]) == sketch(bytes(s)) and len(sketches[i]) == 128 for i, s in signatures.items())



def test_upgrade_to_crowded_bands_keeps_one_row_for_a_crowded_key(db_url):
    """Schema 96: a band key stored with more than MAX_DOCUMENTS_PER_BAND members keeps one
    CROWDED row; a key with fewer keeps its members."""
    from custodes.resolve import CROWDED, MAX_DOCUMENTS_PER_BAND

    with open_store(db_url, migrate=False) as store:
        store.migrate(target=95)
        with store.transaction():
            store.executemany("INSERT INTO minhash_bands (band_key, document_id) VALUES (?, ?)",
                              [(9, f"d{n:03d}") for n in range(MAX_DOCUMENTS_PER_BAND + 10)]
                              + [(10, f"d{n:03d}") for n in range(3)])
    with open_store(db_url) as store:
        assert store.query("SELECT band_key, document_id FROM minhash_bands ORDER BY band_key, document_id") == [
            (9, CROWDED), (10, "d000"), (10, "d001"), (10, "d002")]


def test_upgrade_to_the_deployment_rule_fixes_stale_ids_once(db_url):
    """Schema 97: claims whose deployment_id is not that of their key get the right one, and the
    rule is recorded, so rebuilding deployments does not read every claim again for that;
    a rule other than the recorded one (a later version's) has the claims checked again."""
    from custodes.resolve import DEPLOYMENT_RULE_KEY, deployment_id, rebuild_deployments
    from custodes.store.ingest import store_documents, work
    from store_support import bracket_extractor

    docs = [document(f"Police in Lagos installed {n} cameras. [NG cctv vendor=Hikvision status=deployed]",
                     url=f"https://example.org/{n}") for n in range(1, 4)]
    entries = [(doc, *outcome[1:]) for doc, outcome in work(docs, bracket_extractor)]
    right = deployment_id("NG", "cctv", "Hikvision", None)
    with open_store(db_url, migrate=False) as store:
        store.migrate(target=96)
        store_documents(store, entries)
        with store.transaction():  # as an older key rule left them
            store.execute("UPDATE claims SET deployment_id = 'old-rule'")
    with open_store(db_url) as store:
        assert store.query("SELECT DISTINCT deployment_id FROM claims") == [(right,)]
        assert store.scalar("SELECT value FROM meta WHERE key = ?", (DEPLOYMENT_RULE_KEY,))
        rebuild_deployments(store)
        assert store.query("SELECT id, n_documents FROM deployments") == [(right, 3)]
        with store.transaction():
            store.execute("UPDATE claims SET deployment_id = 'old-rule'")
            store.execute("UPDATE meta SET value = 'another rule' WHERE key = ?", (DEPLOYMENT_RULE_KEY,))
        rebuild_deployments(store)
        assert store.query("SELECT id, n_documents FROM deployments") == [(right, 3)]
        assert store.query("SELECT DISTINCT deployment_id FROM claims") == [(right,)]


def test_rebuilding_deployments_keeps_their_indexes(tmp_path):
    """The SQLite rebuild refills deployments with their indexes set aside and builds them
    again with a small page cache: the indexes are all back, as they were, the planner uses
    them, and the connection keeps the cache size it had."""
    from custodes.resolve import rebuild_deployments
    from custodes.store.ingest import store_documents, work
    from store_support import bracket_extractor

    docs = [document(f"Cameras in Nairobi, report {n}. [KE video_surveillance vendor=Huawei status=planned]",
                     url=f"https://example.org/{n}") for n in range(1, 4)]
    with open_store(tmp_path / "i.db") as store:
        store_documents(store, [(doc, *outcome[1:]) for doc, outcome in work(docs, bracket_extractor)])
        before = store.query("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'deployments' ORDER BY name")
        store.execute("PRAGMA cache_size = -49152")  # an ingest's cache: made small while indexes are built
        assert rebuild_deployments(store) == 1
        assert store.scalar("PRAGMA cache_size") == -49152
        assert store.query("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'deployments' "
                           "ORDER BY name") == before
        assert len(before) > 3
        plan = " ".join(str(row) for row in store.query(
            "EXPLAIN QUERY PLAN SELECT id FROM deployments WHERE country = 'KE' AND vendor = 'Huawei'"))
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
