"""From documents to answers: real `custodes ingest` processes store documents written here,
then query, profile, vendor and every export read what they stored (SQLite and PostgreSQL).

The assertions hold for any extractor that finds the plainly stated claims below;
they check what the question layer makes of stored claims, not extraction accuracy.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from followthemoney import model
from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.export import export

CUSTODES = Path(sys.executable).with_name("custodes")
INGEST_TIMEOUT_S = 300

STORY = (
    "Police in Nairobi have installed 1,800 Huawei CCTV cameras along the main roads of the city, "
    "officials said on Tuesday. The cameras feed a new command centre at police headquarters, where "
    "officers watch the streets around the clock. The interior ministry said the network, paid for "
    "with a loan from a Chinese state bank, would be extended to Mombasa next year. Rights groups "
    "asked who can see the recordings and how long they are kept. The ministry did not say how much "
    "the contract was worth, and parliament has not published the agreement with the company. "
    "Traders in the city centre said the new poles went up within weeks of the announcement."
)
DOCS = [
    {"id": "wire-1", "url": "https://wire-service.example/kenya-cameras", "published": "2023-03-10",
     "title": "Nairobi police switch on Huawei cameras",
     "text": "Nairobi police switch on Huawei cameras\n\n" + STORY},
    {"id": "copy-1", "url": "https://daily-reprint.example/world/africa/cameras", "published": "2023-03-11",
     "title": "Kenya: cameras watch Nairobi roads",
     "text": "Kenya: cameras watch Nairobi roads\n\nDAILY REPRINT - " + STORY + " Sign up for our newsletter."},
    {"id": "own-1", "url": "https://coast-observer.example/mombasa-cctv", "published": "2024-02-01",
     "title": "Mombasa gets its own camera grid",
     "text": "Mombasa gets its own camera grid\n\nCounty police in Mombasa installed Huawei CCTV cameras "
             "at the port gates this month, the county commissioner said. Residents say the cameras "
             "went up without any public consultation."},
    {"id": "kp-1", "url": "https://peninsula-monitor.example/pyongyang-schools", "published": "2024-05-02",
     "title": "Chinese cameras in Pyongyang classrooms",
     "text": "Chinese cameras in Pyongyang classrooms\n\nNorth Korea has installed Chinese-made "
             "surveillance cameras in schools and state workplaces in Pyongyang, a new report says. "
             "The report also found biometric smartcard IDs that store fingerprints."},
]


def pg_url(schema: str) -> str | None:
    base = os.environ.get("CUSTODES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means skip
        pytest.skip(f"no PostgreSQL server answers at {base}: {str(exc).strip()[:200]}")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def drop_schema(schema: str) -> None:
    import psycopg

    base = os.environ.get("CUSTODES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ingested(request, tmp_path_factory):
    """A database filled by one real `custodes ingest` process from DOCS."""
    folder = tmp_path_factory.mktemp("e2e")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    if request.param == "sqlite":
        db = str(folder / "custodes.db")
    else:
        schema = "e2e_" + uuid.uuid4().hex[:12]
        db = pg_url(schema)
        request.addfinalizer(lambda: drop_schema(schema))
    done = subprocess.run([str(CUSTODES), "ingest", str(source), "--db", db, "--quiet"],
                          capture_output=True, text=True, timeout=INGEST_TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    return db


def test_syndicated_copies_are_one_source(ingested):
    (row,) = custodes.query(ingested, country="Kenya", technology="video_surveillance", vendor="huawei")
    assert row["n_documents"] == 3
    assert row["n_clusters"] == 2  # the wire story and its reprint count once
    assert row["n_domains"] == 3
    assert (row["first_seen"], row["last_seen"]) == ("2023-03-10", "2024-02-01")
    assert [r["id"] for r in custodes.query(ingested, min_sources=2)] == [row["id"]]


def test_profile_evidence_is_in_the_documents(ingested):
    profile = custodes.country_profile(ingested, "KP")
    assert "video_surveillance" in {t["technology"] for t in profile["technologies"].get("deployed", [])}
    assert "CN" in {s["supplier_country"] for s in profile["suppliers"]["supplier_countries"]}
    texts = {d["url"]: d["text"] for d in DOCS}
    assert profile["evidence"]
    for ev in profile["evidence"]:
        text = texts[ev["document"]["url"]]
        assert text[ev["start"]:ev["end"]] == ev["sentence"]
    assert profile["timeline"] and profile["timeline"][0]["month"] == "2024-05"


def test_vendor_and_detail(ingested):
    profile = custodes.vendor_profile(ingested, "Huawei")
    assert "KE" in [c["country"] for c in profile["countries"]]
    dep = custodes.query(ingested, country="KE", technology="video_surveillance")[0]["id"]
    detail = custodes.deployment_detail(ingested, dep)
    sizes = sorted(c["n_documents"] for c in detail["clusters"])
    assert sizes == [1, 2]


def test_exports_read_back(ingested, tmp_path):
    geo = tmp_path / "d.geojson"
    export(ingested, format="geojson", output=str(geo))
    features = json.loads(geo.read_text())["features"]
    assert {f["properties"]["country"] for f in features} >= {"KE", "KP"}
    ftm = tmp_path / "d.ftm.json"
    export(ingested, format="ftm", output=str(ftm))
    schemata = [model.get_proxy(json.loads(line)).schema.name for line in ftm.read_text().splitlines()]
    assert "UnknownLink" in schemata and schemata.count("Document") == len(DOCS)


def test_cli_profile_reads_the_ingested_database(ingested):
    result = CliRunner().invoke(app, ["profile", "Kenya", "--db", ingested, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["suppliers"]["vendors"][0]["vendor"] == "Huawei"
