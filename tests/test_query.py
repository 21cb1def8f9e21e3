"""`custodes.query` and `custodes query`: filters, their names and codes, errors, formats.

Runs against SQLite and PostgreSQL (the `db` fixture of query_world).
"""
from __future__ import annotations

import csv
import sqlite3
import io
import json

import pytest
from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.model import STATUSES, TECHNOLOGIES
from query_world import WORLD, db, deployment_id, sqlite_db  # noqa: F401  (fixtures)


def keys(rows):
    return {(r["country"], r["technology"], r["vendor"] or r["supplier_country"]) for r in rows}


def world_claims():
    return [(doc, claim) for doc in WORLD for claim in doc["claims"]]


def test_every_deployment_once_with_counts_of_independent_sources(db):
    rows = custodes.query(db)
    expected = {deployment_id(c) for _, c in world_claims()}
    assert {r["id"] for r in rows} == expected
    assert len(rows) == len(expected)
    ke_video = next(r for r in rows if (r["country"], r["technology"]) == ("KE", "video_surveillance"))
    # three documents, but two of them are one syndicated story
    assert (ke_video["n_documents"], ke_video["n_clusters"], ke_video["n_domains"]) == (3, 2, 3)
    assert ke_video["settings"] == ["airports", "streets"]
    assert ke_video["country_name"] == "Kenya"
    clusters = [r["n_clusters"] for r in rows]
    assert clusters == sorted(clusters, reverse=True)
    json.dumps(rows)  # plain data, ready for the JSON API


@pytest.mark.parametrize("spelling", ["KP", "kp", "PRK", "North Korea", "north korea", "DPRK"])
def test_country_by_code_or_name(db, spelling):
    rows = custodes.query(db, country=spelling)
    assert rows and {r["country"] for r in rows} == {"KP"}
    assert {r["technology"] for r in rows} == {
        c["technology"] for d, c in world_claims() if c["country"] == "KP"}


@pytest.mark.parametrize("spelling,code", [("UK", "GB"), ("Britain", "GB"), ("United Kingdom", "GB"),
                                           ("Kenya", "KE"), ("ecuador", "EC")])
def test_common_country_names(db, spelling, code):
    rows = custodes.query(db, country=spelling)
    assert rows and {r["country"] for r in rows} == {code}


def test_unknown_country_is_a_clear_error(db):
    with pytest.raises(ValueError, match="Atlantis") as err:
        custodes.query(db, country="Atlantis")
    # the choices this database can answer for
    assert all(code in str(err.value) for code in ("EC", "GB", "KE", "KP"))


def test_ambiguous_country_names_its_candidates(db):
    with pytest.raises(ValueError) as err:
        custodes.query(db, country="Virgin Islands")
    assert "VG" in str(err.value) and "VI" in str(err.value)


def test_unknown_technology_and_status_list_the_choices(db):
    with pytest.raises(ValueError) as err:
        custodes.query(db, technology="face_scanning")
    assert all(t in str(err.value) for t in TECHNOLOGIES)
    with pytest.raises(ValueError) as err:
        custodes.query(db, status="rumoured")
    assert all(s in str(err.value) for s in STATUSES)


def test_technology_in_words(db):
    assert keys(custodes.query(db, technology="Facial recognition")) == keys(
        custodes.query(db, technology="facial_recognition")) == {("KE", "facial_recognition", "Huawei"),
                                                                 ("GB", "facial_recognition", "NEC")}


@pytest.mark.parametrize("spelling", ["Huawei", "huawei", "HUAWEI", "Huawei Technologies"])
def test_vendor_by_name_or_alias_any_case(db, spelling):
    assert keys(custodes.query(db, vendor=spelling)) == {
        ("KE", "video_surveillance", "Huawei"), ("KE", "facial_recognition", "Huawei")}


def test_unknown_vendor_matches_nothing(db):
    assert custodes.query(db, vendor="Nonesuch Optics") == []


def test_supplier_country_by_name(db):
    rows = custodes.query(db, supplier_country="China")
    assert keys(rows) == {(c["country"], c["technology"], c["vendor"] or c["supplier_country"])
                          for _, c in world_claims() if c["supplier_country"] == "CN"}
    assert custodes.query(db, supplier_country="JP", status="halted")[0]["vendor"] == "NEC"


def test_status_is_the_latest_by_publication_date(db):
    (gb,) = custodes.query(db, country="GB")
    assert gb["status"] == "halted"
    assert [h["status"] for h in gb["status_history"]] == ["trial", "halted"]
    assert custodes.query(db, country="GB", status="trial") == []


def test_min_sources_counts_clusters_not_copies(db):
    # doc-ke-1 and doc-ke-2 are one story: KE video has 3 documents but 2 sources
    assert keys(custodes.query(db, min_sources=2)) == {("KE", "video_surveillance", "Huawei"),
                                                       ("GB", "facial_recognition", "NEC")}
    assert custodes.query(db, min_sources=3) == []
    assert len(custodes.query(db, min_sources=0)) == len(custodes.query(db))


def test_since_until_on_publication_dates(db):
    in_2024 = keys(custodes.query(db, since="2024"))
    assert in_2024 == {(c["country"], c["technology"], c["vendor"] or c["supplier_country"])
                       for d, c in world_claims() if d["published"] >= "2024"}
    assert keys(custodes.query(db, until="2022")) == {("GB", "facial_recognition", "NEC"),
                                                      ("EC", "video_surveillance", "Hikvision")}
    assert keys(custodes.query(db, since="2023-09", until="2023-09")) == {("GB", "facial_recognition", "NEC")}
    # a deployment seen in 2023 and 2024 is in a window that holds only its 2024 claim
    assert ("KE", "video_surveillance", "Huawei") in keys(custodes.query(db, since="2024-01-01", until="2024-01-31"))
    assert custodes.query(db, since="2025") == []


@pytest.mark.parametrize("bad", ["last year", "2024-13", "2024-02-30", "24-01-01"])
def test_bad_dates_are_clear_errors(db, bad):
    with pytest.raises(ValueError, match="since"):
        custodes.query(db, since=bad)


def test_limit(db):
    everything = custodes.query(db)
    assert custodes.query(db, limit=3) == everything[:3]


def test_missing_database_names_the_file(tmp_path):
    missing = tmp_path / "nowhere.db"
    with pytest.raises(FileNotFoundError, match="nowhere.db"):
        custodes.query(str(missing))
    assert not missing.exists()  # asking a question never creates a database


def test_claims_with_their_evidence(db):
    rows = custodes.claims(db, country="KE", technology="video_surveillance")
    assert {r["document_id"] for r in rows} == {"doc-ke-1", "doc-ke-2", "doc-ke-3"}
    texts = {d["id"]: d["text"] for d in WORLD}
    for row in rows:
        (ev,) = row["evidence"]
        assert texts[row["document_id"]][ev["start"]:ev["end"]] == ev["sentence"]
        assert row["document_url"].startswith("https://")
        assert row["deployment_id"] == deployment_id(row)
    assert {r["status"] for r in custodes.claims(db, country="GB", status="trial")} == {"trial"}


# -- the command --------------------------------------------------------------------

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_cli_json_is_the_python_result(db):
    result = run("query", "--db", db, "--country", "North Korea", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == custodes.query(db, country="KP")


def test_cli_csv_has_a_row_per_deployment(db):
    result = run("query", "--db", db, "--supplier-country", "CN", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["id"] for r in rows} == {r["id"] for r in custodes.query(db, supplier_country="CN")}
    ke = next(r for r in rows if r["technology"] == "video_surveillance" and r["country"] == "KE")
    assert ke["settings"] == "airports;streets" and ke["n_clusters"] == "2"


def test_cli_table_shows_the_rows(sqlite_db):
    result = run("query", "--db", sqlite_db, "--vendor", "nec")
    assert result.exit_code == 0, result.output
    assert "facial_recognition" in result.stdout and "halted" in result.stdout
    assert "Huawei" not in result.stdout


def test_cli_bad_filter_is_one_line_and_status_2(sqlite_db):
    result = run("query", "--db", sqlite_db, "--technology", "mind_reading")
    assert result.exit_code == 2
    assert "mind_reading" in result.stderr and "facial_recognition" in result.stderr
    assert "Traceback" not in result.output


def test_cli_missing_database(tmp_path):
    result = run("query", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "none.db" in result.stderr


@pytest.mark.parametrize("command", ["query", "profile", "vendor", "export", "datasette-metadata"])
def test_command_is_documented(command):
    """Each question and export command has a worked example in its help and in the README."""
    from pathlib import Path

    help_text = runner.invoke(app, [command, "--help"], terminal_width=200).stdout
    assert "Example:" in help_text and f"custodes {command}" in help_text
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"custodes {command} " in readme


def test_a_store_can_be_passed_and_is_left_as_it_was(db):
    """The web atlas and scripts may pass an open Store; questions leave its connection idle."""
    from custodes.store import open_store

    store = open_store(db)
    try:
        if store.backend == "postgresql":
            store.conn.commit()
        assert custodes.query(store, country="KE") == custodes.query(db, country="KE")
        assert custodes.country_profile(store, "KE") == custodes.country_profile(db, "KE")
        if store.backend == "postgresql":
            import psycopg

            assert store.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    finally:
        store.close()


def test_a_file_that_is_no_custodes_database(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("not a database at all\n" * 100)
    result = run("query", "--db", str(junk))
    assert result.exit_code == 2 and "notes.db" in result.stderr and "not a custodes database" in result.stderr
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(ValueError, match="empty.db"):
        custodes.country_profile(str(empty), "KE")


def test_unreachable_postgresql_is_one_line():
    result = run("query", "--db", "postgresql://nobody:secret@127.0.0.1:9/none")
    assert result.exit_code == 2
    assert "cannot connect to PostgreSQL" in result.stderr and "secret" not in result.stderr
