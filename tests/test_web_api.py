"""The atlas's JSON API (and the HTML twins' status codes) over a database the tests ingest.

Figures are checked against independent SQL on the same file; every error
gives a 4xx with a message naming the parameter.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from custodes.model import STATUSES, TECHNOLOGIES
from custodes.web import create_app
from custodes.web.db import DatabaseError, ReadOnlyDB
from web_support import CORPUS, HOSTILE_MARKERS, build_db, sql

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_db(tmp_path_factory.mktemp("web-api"))


@pytest.fixture(scope="module")
def client(db: str) -> TestClient:
    return TestClient(create_app(db))


def doc_id(db: str, corpus_id: str) -> str:
    """The stored ID of one corpus document (found by its URL)."""
    url = next(d["url"] for d in CORPUS if d["id"] == corpus_id)
    return sql(db, "SELECT id FROM documents WHERE url = ?", (url,))[0][0]


# -- the map ---------------------------------------------------------------------

def test_map_counts_match_the_deployments_table(client, db):
    data = client.get("/index.json").json()
    expected = {c: (t, n) for c, t, n in sql(
        db, "SELECT country, COUNT(DISTINCT technology), COUNT(*) FROM deployments GROUP BY country")}
    got = {c["iso2"]: (c["technologies"], c["deployments"]) for c in data["countries"]}
    assert got == expected
    assert data["max_technologies"] == max(t for t, _ in expected.values())
    assert data["totals"]["claims"] == sql(db, "SELECT COUNT(*) FROM claims")[0][0]
    assert client.get("/.json").json()["countries"] == data["countries"]


@pytest.mark.parametrize("technology", ["video_surveillance", "facial_recognition"])
def test_map_filter_by_technology(client, db, technology):
    data = client.get("/index.json", params={"technology": technology}).json()
    expected = {c for (c,) in sql(db, "SELECT DISTINCT country FROM deployments WHERE technology = ?", (technology,))}
    assert {c["iso2"] for c in data["countries"]} == expected
    assert all(c["technologies"] == 1 for c in data["countries"])
    assert data["filters"] == {"technology": technology}


def test_map_filters_combine_supplier_vendor_status_and_years(client, db):
    rows = sql(db, "SELECT country, vendor, supplier_country, status, first_seen, last_seen FROM deployments "
                   "WHERE vendor IS NOT NULL")
    vendor = rows[0][1]
    slug = next(v["slug"] for v in client.get("/vendors.json").json()["vendors"] if v["name"] == vendor)
    by_vendor = {c["iso2"] for c in client.get("/index.json", params={"vendor": slug}).json()["countries"]}
    assert by_vendor == {r[0] for r in rows if r[1] == vendor}
    origin = rows[0][2]
    by_origin = {c["iso2"] for c in client.get("/index.json", params={"supplier_country": origin.lower()}).json()["countries"]}
    assert by_origin == {c for (c,) in sql(db, "SELECT DISTINCT country FROM deployments WHERE supplier_country = ?", (origin,))}
    halted = {c["iso2"] for c in client.get("/index.json", params={"status": "halted"}).json()["countries"]}
    assert halted == {c for (c,) in sql(db, "SELECT DISTINCT country FROM deployments WHERE status = 'halted'")}
    window = {c["iso2"] for c in client.get("/index.json", params={"year_from": 2020, "year_to": 2021}).json()["countries"]}
    assert window == {c for (c,) in sql(db, "SELECT DISTINCT country FROM deployments "
                                            "WHERE last_seen >= '2020' AND first_seen < '2022'")}
    assert window and window != {c for (c,) in sql(db, "SELECT DISTINCT country FROM deployments")}


def test_csv_download_is_the_filtered_table(client):
    params = {"technology": "video_surveillance"}
    rows = list(csv.DictReader(io.StringIO(client.get("/index.csv", params=params).text)))
    data = client.get("/index.json", params=params).json()["countries"]
    assert [r["iso2"] for r in rows] == [c["iso2"] for c in data]
    assert [int(r["technologies"]) for r in rows] == [c["technologies"] for c in data]


# -- profiles --------------------------------------------------------------------

def test_country_profile_groups_syndicated_copies_into_one_story(client, db):
    data = client.get("/countries/KE.json").json()
    assert data["iso2"] == "KE" and data["name"] == "Kenya"
    assert {d["id"] for d in data["deployments"]} == {i for (i,) in sql(db, "SELECT id FROM deployments WHERE country = 'KE'")}
    copies = {doc_id(db, "ke-1"), doc_id(db, "ke-2")}
    stories = [s for s in data["stories"] if {d["id"] for d in s["documents"]} & copies]
    assert len(stories) == 1, "the two copies of one wire story must show as one story"
    assert stories[0]["copies"] == 2 and {d["id"] for d in stories[0]["documents"]} == copies
    html = client.get("/countries/KE").text
    for story in data["stories"]:
        for ev in story["evidence"]:
            assert ev["matched"] and all(w.lower() in ev["sentence"].lower() for w in ev["matched"])
            for word in ev["matched"]:
                assert re.search(r"<mark>" + re.escape(word) + r"\w*</mark>", html, re.IGNORECASE), word
    statuses = {t["technology"]: t["statuses"] for t in data["technologies"]}
    for tech, status, n in sql(db, "SELECT technology, status, COUNT(*) FROM deployments WHERE country = 'KE' "
                                   "GROUP BY technology, status"):
        assert statuses[tech][status] == n
    assert sum(y["claims"] for y in data["timeline"]) == sql(
        db, "SELECT COUNT(*) FROM claims WHERE country = 'KE' AND published IS NOT NULL")[0][0]


def test_country_codes_are_case_insensitive_and_filters_apply(client):
    assert client.get("/countries/ke.json").json()["iso2"] == "KE"
    only = client.get("/countries/KE.json", params={"status": "planned"}).json()
    assert only["deployments"] and all(d["status"] == "planned" for d in only["deployments"])


def test_vendor_profile(client, db):
    vendor = sql(db, "SELECT vendor FROM deployments WHERE vendor IS NOT NULL GROUP BY vendor ORDER BY COUNT(*) DESC")[0][0]
    slug = next(v["slug"] for v in client.get("/vendors.json").json()["vendors"] if v["name"] == vendor)
    data = client.get(f"/vendors/{slug}.json").json()
    assert data["vendor"]["name"] == vendor
    assert {c["iso2"] for c in data["countries"]} == {
        c for (c,) in sql(db, "SELECT DISTINCT country FROM deployments WHERE vendor = ?", (vendor,))}
    assert all(c["vendor"] == vendor for s in data["stories"] for ev in s["evidence"] for c in ev["claims"])
    assert client.get(f"/vendors/{slug}").status_code == 200


def test_technology_page_lists_countries_by_status(client, db):
    data = client.get("/technologies/facial_recognition.json").json()
    got = {(c["iso2"], g["status"]) for g in data["by_status"] for c in g["countries"]}
    assert got == set(sql(db, "SELECT DISTINCT country, status FROM deployments WHERE technology = 'facial_recognition'"))
    listing = client.get("/technologies.json").json()["technologies"]
    assert [t["id"] for t in listing] == list(TECHNOLOGIES)


def test_deployment_page_has_all_evidence_and_history(client, db):
    dep_id, n_docs = sql(db, "SELECT id, n_documents FROM deployments ORDER BY n_documents DESC, id LIMIT 1")[0]
    data = client.get(f"/deployments/{dep_id}.json").json()
    assert data["deployment"]["id"] == dep_id
    docs = {d["id"] for s in data["stories"] for d in s["documents"]}
    assert docs == {d for (d,) in sql(db, "SELECT DISTINCT document_id FROM claims WHERE deployment_id = ?", (dep_id,))}
    stored = json.loads(sql(db, "SELECT status_history FROM deployments WHERE id = ?", (dep_id,))[0][0])
    assert [(h["date"], h["status"]) for h in data["status_history"]] == [(h["date"], h["status"]) for h in stored]


def test_document_page_marks_every_evidence_span(client, db):
    did = doc_id(db, "ug-1")
    data = client.get(f"/documents/{did}.json").json()
    text = sql(db, "SELECT text FROM documents WHERE id = ?", (did,))[0][0]
    assert "".join(p["text"] for p in data["text_parts"]) == text
    marked = {p["text"] for p in data["text_parts"] if p["evidence_id"]}
    title = sql(db, "SELECT title FROM documents WHERE id = ?", (did,))[0][0]
    sentences = {s for (s,) in sql(db, "SELECT DISTINCT sentence FROM evidence WHERE document_id = ?", (did,))}
    assert marked == sentences - {title} and marked
    # evidence read from the title is marked on the title
    assert (data["title_evidence_id"] is not None) == (title in sentences)


# -- search, new, feed, method -----------------------------------------------------

def test_search_finds_documents_and_their_claims(client, db):
    data = client.get("/search.json", params={"q": "Quito"}).json()
    assert [d["id"] for d in data["documents"]] == [doc_id(db, "ec-1")]
    assert data["claims"] and {c["document_id"] for c in data["claims"]} == {doc_id(db, "ec-1")}
    assert any(hit for part, hit in data["documents"][0]["snippet"] if part.lower() == "quito")
    filtered = client.get("/search.json", params={"q": "police", "technology": "facial_recognition"}).json()
    assert filtered["claims"] and all(c["technology"] == "facial_recognition" for c in filtered["claims"])
    # the query language of the index is not exposed: operators are just words
    assert client.get("/search.json", params={"q": 'NEAR( "Quito" OR * -'}).status_code == 200
    assert client.get("/search.json", params={"q": "zzzznotaword"}).json()["documents"] == []
    newest = [d["id"] for d in client.get("/search.json", params={"q": "police"}).json()["documents"]]
    assert newest == [i for (i,) in sql(db, "SELECT d.id FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                                            "WHERE documents_fts MATCH 'police' ORDER BY d.rowid DESC")]
    relevant = [d["id"] for d in client.get("/search.json", params={"q": "police", "sort": "relevance"}).json()["documents"]]
    assert sorted(relevant) == sorted(newest)
    assert client.get("/search.json", params={"q": "police", "sort": "best"}).status_code == 400


def test_new_lists_latest_claims_and_filters(client, db):
    data = client.get("/new.json", params={"limit": 5}).json()
    assert len(data["claims"]) == 5
    latest = sql(db, "SELECT MAX(ingested_at) FROM documents")[0][0]
    assert data["claims"][0]["ingested_at"] == latest
    ke = client.get("/new.json", params={"country": "KE"}).json()["claims"]
    assert ke and all(c["country"] == "KE" for c in ke)
    assert len(ke) == sql(db, "SELECT COUNT(*) FROM claims WHERE country = 'KE'")[0][0]


def test_atom_feed_is_valid_and_filterable(client, db):
    r = client.get("/new.atom", params={"technology": "facial_recognition"})
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == sql(db, "SELECT COUNT(*) FROM claims WHERE technology = 'facial_recognition'")[0][0]
    for e in entries:
        assert {c.get("term") for c in e.findall(f"{ATOM}category")} >= {"facial_recognition"}
    everything = ET.fromstring(client.get("/new.atom").content)
    titles = " ".join(e.findtext(f"{ATOM}summary") or "" for e in everything.findall(f"{ATOM}entry"))
    assert "<script>" in titles  # hostile text travels as escaped XML text, parsed back as text


def test_method_page_reads_the_accuracy_file(client):
    data = client.get("/method.json").json()
    assert [t["id"] for t in data["technologies"]] == list(TECHNOLOGIES)
    assert [s["id"] for s in data["statuses"]] == list(STATUSES)
    from importlib import resources

    measured = json.loads(resources.files("custodes.web").joinpath("accuracy.json").read_text("utf-8"))
    assert data["accuracy"] == measured
    html = client.get("/method").text
    if measured["claims"]["f1"] is not None:
        assert f"F1 {measured['claims']['f1']:.2f}" in html
        for name, scores in measured.get("fields", {}).items():
            assert f"<td>{name}</td>" in html and f"{scores['f1']:.2f}" in html
    else:
        assert "has not been measured" in html


# -- every page has its HTML and JSON twin -------------------------------------------

def page_addresses(db: str) -> list[str]:
    dep = sql(db, "SELECT id FROM deployments LIMIT 1")[0][0]
    return ["/", "/countries/KE", "/vendors/huawei", "/technologies/video_surveillance", f"/deployments/{dep}",
            f"/documents/{doc_id(db, 'ke-1')}", "/search?q=cameras", "/new", "/method", "/vendors", "/technologies"]


def test_every_page_has_a_json_twin(client, db):
    for address in page_addresses(db):
        path, _, query = address.partition("?")
        html = client.get(address)
        twin = client.get(("/index" if path == "/" else path) + ".json" + ("?" + query if query else ""))
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), address
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json", address
        assert twin.json()["title"] in html.text.replace("&#39;", "'")


# -- errors ----------------------------------------------------------------------

@pytest.mark.parametrize("address, status, parameter", [
    ("/index.json?technology=cameras", 400, "technology"),
    ("/index.json?status=rumoured", 400, "status"),
    ("/index.json?supplier_country=China", 400, "supplier_country"),
    ("/index.json?vendor=no-such-vendor", 400, "vendor"),
    ("/index.json?year_from=20x0", 400, "year_from"),
    ("/index.json?year_from=1066", 400, "year_from"),
    ("/index.json?year_from=2022&year_to=2020", 400, "year_to"),
    ("/index.json?colour=red", 400, "colour"),
    ("/index.json?technology=drones&technology=drones", 400, "technology"),
    ("/countries/ZZ.json", 400, None),
    ("/countries/K%27E.json", 400, None),
    ("/countries/FR.json", 404, None),
    ("/vendors/no-such-vendor.json", 404, None),
    ("/technologies/telepathy.json", 404, None),
    ("/deployments/0000000000000000.json", 404, None),
    ("/documents/0000000000000000.json", 404, None),
    ("/search.json?q=" + "x" * 201, 400, "q"),
    ("/search.json?q=%3F%3F%3F", 400, "q"),
    ("/search.json?q=cameras&limit=0", 400, "limit"),
    ("/search.json?q=cameras&limit=501", 400, "limit"),
    ("/search.json?q=cameras&offset=-1", 400, "offset"),
    ("/new.json?limit=ten", 400, "limit"),
    ("/new.atom?year_from=2020", 400, "year_from"),
    ("/countries/KE.csv?table=secrets", 400, "table"),
    ("/no/such/page.json", 404, None),
])
def test_errors_are_clear_json(client, address, status, parameter):
    r = client.get(address)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()["error"]
    assert error["status"] == status and error["message"]
    if parameter:
        assert error["parameter"] == parameter
        assert parameter in error["message"] or parameter == "vendor"


def test_errors_on_html_pages_are_html(client):
    r = client.get("/?technology=cameras")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "technology must be one of" in r.text
    missing = client.get("/countries/FR")
    assert missing.status_code == 404 and "France" in missing.text


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("address", ["/", "/index.json", "/countries/KE", "/static/atlas.js", "/nowhere"])
def test_only_get_and_head(client, method, address):
    r = client.request(method, address)
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert client.head(address.replace("/nowhere", "/")).status_code == 200


def test_security_headers_on_every_response(client):
    for address in ("/", "/index.json", "/static/atlas.css", "/countries/FR", "/index.json?x=1", "/new.atom"):
        headers = client.get(address).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


# -- safety of document text ---------------------------------------------------------

def test_hostile_text_is_escaped_and_unsafe_links_are_not_links(client, db):
    pages = [f"/documents/{doc_id(db, d)}" for d in ("rs-1", "rs-2", "ir-1")]
    pages += ["/countries/RS", "/countries/IR", "/new", "/search?q=Belgrade", "/vendors/huawei"]
    for address in pages:
        html = client.get(address).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html, address
        assert "<iframe" not in html and "<b onmouseover" not in html, address
        assert 'href="javascript:' not in html.lower() and "href='javascript:" not in html.lower(), address
        assert html.count("<script") == 1, address  # only the atlas's own /static/atlas.js
    doc = client.get(f"/documents/{doc_id(db, 'rs-1')}").text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in doc
    data = client.get(f"/documents/{doc_id(db, 'rs-1')}.json").json()
    assert data["document"]["link"] is None and data["document"]["url"].startswith("javascript:")
    assert client.get(f"/documents/{doc_id(db, 'rs-2')}.json").json()["document"]["link"] is None
    assert client.get(f"/documents/{doc_id(db, 'ke-1')}.json").json()["document"]["link"].startswith("https://")


def test_highlighting_escapes_then_wraps():
    from jinja2 import Environment

    from custodes.web.views import segments

    sentence = "Police <b>installed</b> Hikvision cameras & \"hikvision\" software."
    parts = segments(sentence, ["Hikvision", "installed"])
    assert "".join(p for p, _ in parts) == sentence
    assert [p for p, hit in parts if hit] == ["installed", "Hikvision", "hikvision"]
    template = Environment(autoescape=True).from_string(
        "{% for p, hit in parts %}{% if hit %}<mark>{{ p }}</mark>{% else %}{{ p }}{% endif %}{% endfor %}")
    assert template.render(parts=parts) == (
        "Police &lt;b&gt;<mark>installed</mark>&lt;/b&gt; <mark>Hikvision</mark> cameras &amp; "
        "&#34;<mark>hikvision</mark>&#34; software.")
    assert segments("CCTV-cameras", ["CCTV"]) == [["CCTV", True], ["-cameras", False]]
    assert segments("NCCTV", ["CCTV"]) == [["NCCTV", False]]  # words, not parts of other words
    assert segments("it was extended.", ["extend"]) == [["it was ", False], ["extended", True], [".", False]]


# -- the database: read-only, changes show, clear errors ----------------------------------

def test_server_connection_is_read_only(db):
    reader = ReadOnlyDB(db)
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
        reader.conn.execute("DELETE FROM claims")
    assert sql(db, "SELECT COUNT(*) FROM claims")[0][0] > 0


def test_missing_or_foreign_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="no such database file"):
        create_app(tmp_path / "absent.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(DatabaseError, match="not a custodes database"):
        create_app(other)


def test_new_documents_show_without_restart_and_demo_notice(tmp_path):
    from custodes.web.demo import mark_demo

    db = build_db(tmp_path, documents=CORPUS[:3])
    client = TestClient(create_app(db))
    before = {c["iso2"] for c in client.get("/index.json").json()["countries"]}
    assert "EC" not in before and "Demo data" not in client.get("/").text
    build_db(tmp_path, db=db, documents=[d for d in CORPUS if d["id"] == "ec-1"])
    deadline = time.monotonic() + 5  # the server looks at the file at most every half second
    while "EC" not in (after := {c["iso2"] for c in client.get("/index.json").json()["countries"]}):
        assert time.monotonic() < deadline, "the new document never showed"
        time.sleep(0.1)
    assert after == before | {"EC"}
    mark_demo(db)
    time.sleep(0.6)
    for address in ("/", "/countries/KE", "/method", "/new", "/countries/FR"):
        assert "invented example" in client.get(address).text, address
    assert client.get("/index.json").json()["demo"] is True


# -- the OpenAPI description -------------------------------------------------------------

def concrete(path: str, db: str) -> str:
    dep = sql(db, "SELECT id FROM deployments LIMIT 1")[0][0]
    return (path.replace("{iso2}", "KE").replace("{slug}", "huawei").replace("{id}.json", "{id}.json")
            .replace("/technologies/{id}", "/technologies/drones").replace("/deployments/{id}", f"/deployments/{dep}")
            .replace("/documents/{id}", f"/documents/{doc_id(db, 'ke-1')}"))


def test_every_documented_path_exists(client, db):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path, item in spec["paths"].items():
        params = {p["name"]: p for p in item["get"]["parameters"] if p["in"] == "query"}
        r = client.get(concrete(path, db))
        assert r.status_code == 200, (path, r.text[:200])
        if "q" in params:
            assert client.get(concrete(path, db), params={"q": "camera"}).status_code == 200
        # every documented query parameter is accepted (unknown ones are 400s)
        for name, p in params.items():
            example = {"technology": "drones", "status": "deployed", "vendor": "huawei", "supplier_country": "CN",
                       "country": "KE", "year_from": "2019", "year_to": "2024", "q": "camera", "limit": "5",
                       "offset": "0", "sort": "relevance"}.get(name)
            if name == "table":
                example = p["schema"]["enum"][0]
            assert example is not None, f"no example value for the documented parameter {name}"
            r = client.get(concrete(path, db), params={name: example})
            assert r.status_code == 200, (path, name, r.text[:200])


def test_every_json_route_is_documented(client):
    spec_paths = set(client.get("/openapi.json").json()["paths"])
    app = client.app.app  # inside the Guard wrapper
    documented = set()
    for route in app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/static") or path == "/favicon.ico":
            continue
        if "{key}" in path:
            variants = [p for p in spec_paths if p.startswith(path.split("{")[0]) and "{" in p]
            assert {v.rsplit(".", 1)[1] for v in variants} >= {"json", "csv"}, path
            documented.update(variants)
        elif path.endswith((".json", ".csv", ".atom")):
            assert path in spec_paths, f"{path} is served but not in openapi.json"
            documented.add(path)
    assert documented == spec_paths


def test_pages_list_the_best_sourced_deployments_and_csv_has_them_all(tmp_path):
    """A large country: the page shows PAGE_ROWS deployments and says how many exist; the CSV holds every one."""
    import importlib.util

    from custodes.web.views import PAGE_ROWS

    spec = importlib.util.spec_from_file_location("web_load", Path(__file__).resolve().parents[1] / "bench" / "web_load.py")
    web_load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(web_load)
    db = tmp_path / "big.db"
    web_load.generate(db, 12_000)  # the load benchmark's deterministic generator, small
    country, n = sql(str(db), "SELECT country, COUNT(*) FROM deployments GROUP BY country ORDER BY 2 DESC LIMIT 1")[0]
    assert n > PAGE_ROWS
    client = TestClient(create_app(db))
    data = client.get(f"/countries/{country}.json").json()
    assert len(data["deployments"]) == PAGE_ROWS and data["n_deployments"] == n
    clusters = [d["n_clusters"] for d in data["deployments"]]
    assert clusters == sorted(clusters, reverse=True)
    assert min(clusters) >= sql(str(db), "SELECT MAX(n_clusters) FROM deployments WHERE country = ? AND id NOT IN (%s)"
                                % ",".join("?" * PAGE_ROWS), (country, *[d["id"] for d in data["deployments"]]))[0][0]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/countries/{country}.csv", params={"table": "deployments"}).text)))
    assert len(rows) == n and {r["id"] for r in rows} == {i for (i,) in sql(
        str(db), "SELECT id FROM deployments WHERE country = ?", (country,))}
    assert sum(t["total"] for t in data["technologies"]) == n
    assert f"of {n:,} deployments" in client.get(f"/countries/{country}").text
