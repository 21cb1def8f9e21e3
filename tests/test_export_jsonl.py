"""`custodes export --format jsonl`: the query's dicts, one per line."""
from __future__ import annotations

import json

from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.export import export
from query_world import WORLD, db, sqlite_db  # noqa: F401  (fixtures)


def test_deployments_jsonl_are_the_query_rows(db, tmp_path):
    out = tmp_path / "d.jsonl"
    export(db, format="jsonl", output=str(out), supplier_country="CN")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == custodes.query(db, supplier_country="CN")


def test_claims_jsonl_carry_evidence(db, tmp_path):
    out = tmp_path / "c.jsonl"
    export(db, format="jsonl", output=str(out), what="claims", min_sources=2)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    deployments = {d["id"] for d in custodes.query(db, min_sources=2)}
    assert rows and {r["deployment_id"] for r in rows} == deployments
    docs = {d["id"]: d for d in WORLD}
    for row in rows:
        (ev,) = row["evidence"]
        assert docs[row["document_id"]]["text"][ev["start"]:ev["end"]] == ev["sentence"]
        assert row["document_url"] == docs[row["document_id"]]["url"]


def test_cli_jsonl_to_file(sqlite_db, tmp_path):
    out = tmp_path / "gb.jsonl"
    result = CliRunner().invoke(app, ["export", "--db", sqlite_db, "-f", "jsonl", "-o", str(out),
                                      "--country", "UK"])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["country"] == "GB" and row["status"] == "halted"
    assert "1 deployments written" in result.stderr or "1 deployment" in result.stderr
