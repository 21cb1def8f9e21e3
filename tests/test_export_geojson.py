"""`custodes export --format geojson`: a FeatureCollection QGIS opens, one point per deployment."""
from __future__ import annotations

import json

from typer.testing import CliRunner

import custodes
from custodes.cli import app
from custodes.export import export
from custodes.store import open_store
from query_world import db, sqlite_db  # noqa: F401  (fixtures)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_feature_collection_of_points_lon_lat(db, tmp_path):
    out = tmp_path / "d.geojson"
    counts = export(db, format="geojson", output=str(out))
    data = load(out)
    assert data["type"] == "FeatureCollection"
    deployments = {d["id"]: d for d in custodes.query(db)}
    assert counts["written"] == len(data["features"]) == len(deployments)
    for feature in data["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        profile = custodes.country_profile(db, feature["properties"]["country"])["country"]
        assert (lon, lat) == (profile["lon"], profile["lat"])  # RFC 7946 order: longitude first
        dep = deployments[feature["properties"]["id"]]
        assert feature["properties"]["technology"] == dep["technology"]
        # flat values only, so every property is a column in QGIS
        assert all(not isinstance(v, (list, dict)) for v in feature["properties"].values())
    points = {f["properties"]["country"]: f["geometry"]["coordinates"] for f in data["features"]}
    # where the countries are: Ecuador west of Greenwich and on the equator, North Korea far east and north
    assert points["EC"][0] < 0 and abs(points["EC"][1]) < 5
    assert points["KP"][0] > 120 and points["KP"][1] > 35


def test_deployments_without_coordinates_are_counted_not_invented(tmp_path):
    from query_world import fill

    path = str(tmp_path / "nogeo.db")
    store = open_store(path)
    fill(store)
    store.execute("UPDATE countries SET lat = NULL, lon = NULL WHERE iso2 = 'KP'")
    store.close()
    out = tmp_path / "d.geojson"
    counts = export(path, format="geojson", output=str(out))
    kp = len(custodes.query(path, country="KP"))
    assert counts["skipped"] == kp
    assert all(f["properties"]["country"] != "KP" for f in load(out)["features"])


def test_gdal_reads_it_as_a_point_layer(sqlite_db, tmp_path):
    """GDAL's GeoJSON driver, the one QGIS opens files with (through pyogrio), reads it."""
    import struct

    import pyogrio
    from pyogrio.raw import read

    out = tmp_path / "d.geojson"
    export(sqlite_db, format="geojson", output=str(out))
    info = pyogrio.read_info(out)
    assert info["geometry_type"] == "Point" and info["crs"] == "EPSG:4326"
    assert info["features"] == len(custodes.query(sqlite_db))
    assert {"country", "technology", "vendor", "status", "n_clusters"} <= set(info["fields"])
    meta, _, geometry, fields = read(out)
    columns = dict(zip(meta["fields"], fields))
    for wkb, country in zip(geometry, columns["country"]):
        order = "<" if wkb[0] == 1 else ">"
        kind, x, y = struct.unpack(order + "Idd", bytes(wkb[1:21]))
        assert kind == 1  # a WKB Point
        c = custodes.country_profile(sqlite_db, country)["country"]
        assert (x, y) == (c["lon"], c["lat"])


def test_cli_geojson_refuses_claims(sqlite_db):
    result = CliRunner().invoke(app, ["export", "--db", sqlite_db, "-f", "geojson", "--what", "claims"])
    assert result.exit_code == 2 and "geojson" in result.stderr
