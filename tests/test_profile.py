"""Country, vendor and technology profiles and deployment detail, in Python and on the command line.

Runs against SQLite and PostgreSQL (the `db` fixture of query_world).
"""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.query import NotFoundError
from query_world import WORLD, db, deployment_id, sqlite_db  # noqa: F401  (fixtures)


def claims_of(country):
    return [(d, c) for d in WORLD for c in d["claims"] if c["country"] == country]


def test_country_profile_technologies_by_status(db):
    profile = custodes.country_profile(db, "North Korea")
    assert profile["country"]["iso2"] == "KP"
    assert profile["country"]["name"] == "North Korea"
    assert -180 <= profile["country"]["lon"] <= 180 and -90 <= profile["country"]["lat"] <= 90
    got = {status: sorted(t["technology"] for t in items)
           for status, items in profile["technologies"].items()}
    want: dict[str, list] = {}
    for _, c in claims_of("KP"):
        want.setdefault(c["status"], []).append(c["technology"])
    assert got == {s: sorted(v) for s, v in want.items()}
    assert profile["n_deployments"] == sum(len(v) for v in want.values())
    json.dumps(profile)


def test_country_profile_suppliers_settings_timeline(db):
    profile = custodes.country_profile(db, "KE")
    (huawei,) = profile["suppliers"]["vendors"]
    assert huawei["vendor"] == "Huawei" and huawei["n_deployments"] == 2
    assert sorted(huawei["technologies"]) == ["facial_recognition", "video_surveillance"]
    assert profile["suppliers"]["supplier_countries"] == [
        {"supplier_country": "CN", "n_deployments": 2, "name": "China"}]
    settings = {s["setting"]: s["n_deployments"] for s in profile["settings"]}
    assert settings == {"airports": 2, "streets": 1}
    months = {m["month"]: m["n_claims"] for m in profile["timeline"]}
    want: dict[str, int] = {}
    for d, _ in claims_of("KE"):
        want[d["published"][:7]] = want.get(d["published"][:7], 0) + 1
    assert months == want
    assert [m["month"] for m in profile["timeline"]] == sorted(want)


def test_strongest_evidence_first_and_syndicated_copies_once(db):
    evidence = custodes.country_profile(db, "Kenya")["evidence"]
    sentences = [e["sentence"] for e in evidence]
    # doc-ke-1 and doc-ke-2 carry the same wire sentence: it shows once
    assert sentences.count("Police in Nairobi now watch 1,800 Huawei cameras from a command centre.") == 1
    assert evidence[0]["technology"] == "video_surveillance"  # the deployment with two sources
    assert [e["n_clusters"] for e in evidence] == sorted((e["n_clusters"] for e in evidence), reverse=True)
    docs = {d["id"]: d for d in WORLD}
    for e in evidence:
        doc = docs[e["document"]["id"]]
        assert e["document"]["title"] == doc["title"] and e["document"]["url"] == doc["url"]
        assert e["document"]["published"] == doc["published"]
        assert e["matched"] and all(w.lower() in e["sentence"].lower() for w in e["matched"])
    assert len(custodes.country_profile(db, "KE", evidence_limit=1)["evidence"]) == 1


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_evidence_ranking_is_the_same_by_either_path(db, limit):
    """Profiles walk deployments from the most sourced down; the plain ranking of all claims agrees."""
    from custodes.query import connect, strongest_evidence

    with connect(db) as reader:
        for where, params, profile in (
                (["cl.country = ?"], ["KE"], custodes.country_profile(db, "KE", evidence_limit=limit)),
                (["cl.technology = ?"], ["facial_recognition"],
                 custodes.technology_profile(db, "facial_recognition", evidence_limit=limit)),
                ([], [], None)):
            plain = strongest_evidence(reader, where, params, limit)
            assert len(plain) == min(limit, len(plain)) and plain
            if profile is not None:
                assert profile["evidence"] == plain


def test_country_with_nothing_is_an_empty_profile(db):
    profile = custodes.country_profile(db, "Iceland")
    assert profile["country"]["iso2"] == "IS"
    assert profile["n_deployments"] == 0 and profile["technologies"] == {} and profile["evidence"] == []


def test_unknown_country_profile(db):
    with pytest.raises(ValueError, match="Narnia"):
        custodes.country_profile(db, "Narnia")


@pytest.mark.parametrize("spelling", ["Hikvision", "hikvision", "Hangzhou Hikvision"])
def test_vendor_profile(db, spelling):
    profile = custodes.vendor_profile(db, spelling)
    assert profile["vendor"]["name"] == "Hikvision" and profile["vendor"]["country"] == "CN"
    assert [c["country"] for c in profile["countries"]] == ["EC"]
    assert profile["countries"][0]["statuses"] == {"deployed": 1}
    assert profile["technologies"][0]["technology"] == "video_surveillance"
    assert profile["evidence"][0]["document"]["id"] == "doc-ec-1"


def test_vendor_profile_groups_technologies_by_country(db):
    profile = custodes.vendor_profile(db, "huawei")
    (kenya,) = profile["countries"]
    assert kenya["technologies"] == ["facial_recognition", "video_surveillance"]
    assert kenya["statuses"] == {"deployed": 1, "planned": 1}
    assert {e["claim_id"] for e in profile["evidence"]}  # sentences with their claims
    json.dumps(profile)


def test_unknown_vendor_suggests_close_names(db):
    with pytest.raises(NotFoundError) as err:
        custodes.vendor_profile(db, "Hikvison")
    assert "Hikvison" in str(err.value) and "Hikvision" in str(err.value)


def test_technology_profile(db):
    profile = custodes.technology_profile(db, "facial_recognition")
    where = {s: sorted(d["country"] for d in items) for s, items in profile["by_status"].items()}
    assert where == {"planned": ["KE"], "halted": ["GB"]}
    assert {v["vendor"] for v in profile["vendors"]} == {"Huawei", "NEC"}
    with pytest.raises(ValueError, match="video_surveillance"):
        custodes.technology_profile(db, "telepathy")


def test_deployment_detail_groups_evidence_by_story(db):
    dep = deployment_id({"country": "KE", "technology": "video_surveillance", "vendor": "Huawei",
                         "supplier_country": "CN"})
    detail = custodes.deployment_detail(db, dep)
    assert detail["deployment"]["id"] == dep
    assert detail["n_clusters"] == detail["deployment"]["n_clusters"] == 2
    by_cluster = {c["cluster_id"]: sorted(d["id"] for d in c["documents"]) for c in detail["clusters"]}
    assert by_cluster == {"cl-ke-a": ["doc-ke-1", "doc-ke-2"], "cl-ke-b": ["doc-ke-3"]}
    first = detail["clusters"][0]
    assert first["cluster_id"] == "cl-ke-a" and first["representative_id"] == "doc-ke-1"
    for cluster in detail["clusters"]:
        for doc in cluster["documents"]:
            for claim in doc["claims"]:
                assert claim["evidence"] and claim["evidence"][0]["sentence"]
    assert [h["document_id"] for h in detail["status_history"]] == ["doc-ke-1", "doc-ke-2", "doc-ke-3"]
    json.dumps(detail)


def test_deployment_detail_status_history(db):
    dep = deployment_id({"country": "GB", "technology": "facial_recognition", "vendor": "NEC",
                         "supplier_country": "JP"})
    detail = custodes.deployment_detail(db, dep)
    assert [(h["date"], h["status"]) for h in detail["status_history"]] == [
        ("2022-08-01", "trial"), ("2023-09-09", "halted")]


def test_unknown_deployment(db):
    with pytest.raises(NotFoundError, match="0000"):
        custodes.deployment_detail(db, "0000")


def test_lists_for_maps(db):
    countries = {c["country"]: c for c in custodes.list_countries(db)}
    assert set(countries) == {d["claims"][0]["country"] for d in WORLD}
    assert countries["KP"]["statuses"] == {"deployed": 3, "trial": 1}
    assert countries["KE"]["lat"] is not None
    vendors = {v["vendor"]: v for v in custodes.list_vendors(db)}
    assert vendors["Huawei"]["countries"] == ["KE"] and vendors["NEC"]["home_country"] == "JP"


# -- the commands -------------------------------------------------------------------

runner = CliRunner()


def test_cli_profile_json_is_the_python_result(db):
    result = runner.invoke(app, ["profile", "North Korea", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == custodes.country_profile(db, "KP")


def test_cli_profile_text(sqlite_db):
    result = runner.invoke(app, ["profile", "kp", "--db", sqlite_db])
    assert result.exit_code == 0, result.output
    for word in ("North Korea", "digital_id", "trial", "China", "Smartcard IDs with fingerprints"):
        assert word in result.stdout


def test_cli_vendor(db):
    result = runner.invoke(app, ["vendor", "NEC Corporation", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == custodes.vendor_profile(db, "NEC")
    text = runner.invoke(app, ["vendor", "nec", "--db", db])
    assert "United Kingdom" in text.stdout and "halted" in text.stdout


def test_cli_unknown_vendor_and_country(sqlite_db):
    result = runner.invoke(app, ["vendor", "Nonesuch", "--db", sqlite_db])
    assert result.exit_code == 2 and "Nonesuch" in result.stderr
    result = runner.invoke(app, ["profile", "Narnia", "--db", sqlite_db])
    assert result.exit_code == 2 and "Narnia" in result.stderr
