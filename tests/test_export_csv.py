"""`custodes export --format csv`: deployments, and claims with their evidence sentences."""
from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.export import export
from query_world import WORLD, db, sqlite_db  # noqa: F401  (fixtures)

runner = CliRunner()


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_deployments_csv_round_trips(db, tmp_path):
    out = tmp_path / "deployments.csv"
    counts = export(db, format="csv", output=str(out))
    rows = read(out)
    expected = custodes.query(db)
    assert counts == {"written": len(expected), "skipped": 0} and len(rows) == len(expected)
    for row, dep in zip(rows, expected):
        assert row["id"] == dep["id"] and row["status"] == dep["status"]
        assert row["settings"].split(";") == (dep["settings"] or [""])
        assert int(row["n_clusters"]) == dep["n_clusters"]
        assert json.loads(row["status_history"]) == dep["status_history"]
        assert row["vendor"] == (dep["vendor"] or "")


def test_filters_apply(db, tmp_path):
    out = tmp_path / "kp.csv"
    export(db, format="csv", output=str(out), country="North Korea", status="deployed")
    assert {(r["country"], r["status"]) for r in read(out)} == {("KP", "deployed")}


def test_claims_csv_has_a_row_per_evidence_sentence(db, tmp_path):
    out = tmp_path / "claims.csv"
    export(db, format="csv", output=str(out), what="claims")
    rows = read(out)
    world = [(d, c) for d in WORLD for c in d["claims"]]
    assert len(rows) == len(world)
    texts = {d["id"]: d["text"] for d in WORLD}
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert texts[row["document_id"]][start:end] == row["sentence"]
        assert row["document_url"] and row["document_title"]
        assert all(w.lower() in row["sentence"].lower() for w in row["matched"].split(";"))


def test_cli_to_stdout_and_bad_choices(sqlite_db, tmp_path):
    result = runner.invoke(app, ["export", "--db", sqlite_db, "--format", "csv", "--vendor", "hikvision"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("id,country") and len(lines) == 2 and ",EC," in lines[1]
    result = runner.invoke(app, ["export", "--db", sqlite_db, "--format", "xlsx"])
    assert result.exit_code != 0 and "xlsx" in result.output
    out = tmp_path / "never.csv"
    result = runner.invoke(app, ["export", "--db", sqlite_db, "--format", "csv", "-o", str(out),
                                 "--country", "Narnia"])
    assert result.exit_code == 2 and "Narnia" in result.stderr
    assert not out.exists()  # a bad filter leaves no half-written file


def test_unknown_what(sqlite_db):
    with pytest.raises(ValueError, match="claims"):
        export(sqlite_db, format="csv", what="documents")
