"""The atlas over PostgreSQL: the same corpus ingested into SQLite and into a
PostgreSQL schema gives the same pages."""
from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from custodes.web import create_app
from custodes.web.db import ReadOnlyDB
from store_support import PostgresSchema
from web_support import build_db


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("web-pg")
    sqlite_db = build_db(folder / "sqlite")
    schema = PostgresSchema()
    try:
        build_db(folder / "pg", db=schema.url)
        yield TestClient(create_app(sqlite_db)), TestClient(create_app(schema.url)), schema.url
    finally:
        schema.drop()


def test_map_and_profiles_match_sqlite(clients):
    lite, pg, _ = clients
    assert pg.get("/index.json").json()["countries"] == lite.get("/index.json").json()["countries"]
    for address in ("/countries/KE.json", "/vendors/huawei.json", "/technologies/facial_recognition.json"):
        a, b = lite.get(address).json(), pg.get(address).json()
        assert sorted(d["id"] for d in a["deployments"]) == sorted(d["id"] for d in b["deployments"]), address
        assert {s["cluster_id"]: s["copies"] for s in a.get("stories", [])} == \
               {s["cluster_id"]: s["copies"] for s in b.get("stories", [])}, address
    filtered = {"technology": "facial_recognition", "year_from": "2019", "year_to": "2020"}
    assert pg.get("/index.json", params=filtered).json()["countries"] == \
        lite.get("/index.json", params=filtered).json()["countries"]


def test_every_page_answers_on_postgres(clients):
    lite, pg, _ = clients
    dep = lite.get("/countries/KE.json").json()["deployments"][0]["id"]
    doc = lite.get("/countries/KE.json").json()["stories"][0]["documents"][0]["id"]
    for address in ("/", "/countries/KE", f"/deployments/{dep}", f"/documents/{doc}", "/search?q=Quito",
                    "/new", "/new.atom?country=KE", "/method", "/vendors", "/technologies", "/index.csv"):
        assert pg.get(address).status_code == 200, address
    found = pg.get("/search.json", params={"q": "Quito"}).json()
    assert [d["title"] for d in found["documents"]] == [d["title"] for d in lite.get(
        "/search.json", params={"q": "Quito"}).json()["documents"]]
    assert pg.get("/new.json?country=KE").json()["claims"]


def test_postgres_connection_is_read_only(clients):
    import psycopg

    _, _, url = clients
    reader = ReadOnlyDB(url)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        reader.conn.execute("DELETE FROM claims")
