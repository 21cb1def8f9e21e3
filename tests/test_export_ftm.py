"""`custodes export --format ftm`: FollowTheMoney entities that FtM tooling reads back as valid."""
from __future__ import annotations

import json

from followthemoney import model
from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.export import export
from query_world import VENDORS, WORLD, db, sqlite_db  # noqa: F401  (fixtures)


def entities(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def proxies(path):
    """Re-read every line with followthemoney, which cleans each value by its FtM type."""
    out = {}
    for data in entities(path):
        proxy = model.get_proxy(data, cleaned=False)
        # cleaning changed nothing: every value was already valid for its type
        assert proxy.to_dict()["properties"] == data["properties"], data
        assert proxy.id not in out, f"{proxy.id} twice"
        out[proxy.id] = proxy
    return out


def test_entities_are_valid_and_references_resolve(db, tmp_path):
    out = tmp_path / "graph.ftm.json"
    counts = export(db, format="ftm", output=str(out))
    graph = proxies(out)
    assert counts["written"] == len(graph)
    for proxy in graph.values():
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in graph, f"{proxy.schema.name}.{prop.name} -> missing {value}"
                assert graph[value].schema.is_a(prop.range), (proxy.schema.name, prop.name)


def test_the_supply_graph(db, tmp_path):
    out = tmp_path / "graph.ftm.json"
    export(db, format="ftm", output=str(out))
    graph = proxies(out)
    by_schema: dict[str, list] = {}
    for proxy in graph.values():
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    deployments = custodes.query(db)
    with_vendor = [d for d in deployments if d["vendor"]]
    assert len(by_schema["Event"]) == len(deployments)
    assert len(by_schema["UnknownLink"]) == len(with_vendor)
    assert {p.first("name") for p in by_schema["Company"]} == {d["vendor"] for d in with_vendor}
    assert {p.first("country") for p in by_schema["PublicBody"]} == {d["country"].lower() for d in deployments}
    home = {name: country.lower() for _, name, country, _ in VENDORS}
    for company in by_schema["Company"]:
        assert company.first("jurisdiction") == home[company.first("name")]
    # Huawei supplies Kenya: subject the company, object the Kenyan state
    links = [(graph[l.first("subject")].first("name"), graph[l.first("object")].first("country"),
              l.first("role"), l.first("status")) for l in by_schema["UnknownLink"]]
    assert ("Huawei", "ke", "supplier of video surveillance", "deployed") in links
    assert ("NEC", "gb", "supplier of facial recognition", "halted") in links
    # every evidence document is a Document, documented against its deployment's Event
    assert {p.first("sourceUrl") for p in by_schema["Document"]} == {d["url"] for d in WORLD}
    sentences = {c["sentence"] for d in WORLD for c in d["claims"]}
    for doc in by_schema["Documentation"]:
        assert graph[doc.first("entity")].schema.name == "Event"
        assert set(doc.get("summary")) <= sentences


def test_same_database_same_entities(sqlite_db, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    export(sqlite_db, format="ftm", output=str(a))
    export(sqlite_db, format="ftm", output=str(b))
    assert a.read_text() == b.read_text()


def test_cli_ftm_filtered(sqlite_db):
    result = CliRunner().invoke(app, ["export", "--db", sqlite_db, "--format", "ftm", "--vendor", "NEC"])
    assert result.exit_code == 0, result.output
    schemata = [json.loads(line)["schema"] for line in result.stdout.splitlines()]
    assert schemata.count("Company") == 1 and schemata.count("UnknownLink") == 1
    assert schemata.count("Event") == len(custodes.query(sqlite_db, vendor="NEC"))
