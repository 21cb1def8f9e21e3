"""A small invented world of documents, claims and deployments for the question and
export tests, stored through the real migrations in SQLite or PostgreSQL.

`db` is a pytest fixture parametrised over both backends: it yields a database
target (a SQLite path or a postgresql:// URL with its own schema) already holding
WORLD. The PostgreSQL runs skip, saying why, only when no server answers.
"""
from __future__ import annotations

import json
import os
import uuid
from collections import defaultdict
from urllib.parse import quote, urlparse

import pytest

from custodes.model import content_id

PG_URL = os.environ.get("CUSTODES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

# Every document is invented. Each claim names the sentence of its document it rests on.
# Documents sharing a `cluster` are syndicated copies of one story.
WORLD = [
    {"id": "doc-ke-1", "url": "https://wire-one.example/kenya-safe-city", "cluster": "cl-ke-a",
     "title": "Nairobi switches on safe city cameras", "published": "2023-03-10",
     "text": "Nairobi switches on safe city cameras. Police in Nairobi now watch 1,800 Huawei "
             "cameras from a command centre. The ministry praised the system.",
     "claims": [{"country": "KE", "technology": "video_surveillance", "vendor": "Huawei",
                 "supplier_country": "CN", "settings": ["streets"], "status": "deployed",
                 "confidence": 0.9, "matched": ["Huawei", "cameras"],
                 "sentence": "Police in Nairobi now watch 1,800 Huawei cameras from a command centre."}]},
    {"id": "doc-ke-2", "url": "https://daily-copy.example/news/nairobi-cameras", "cluster": "cl-ke-a",
     "title": "Kenya: Nairobi cameras go live", "published": "2023-03-11",
     "text": "Kenya: Nairobi cameras go live. Police in Nairobi now watch 1,800 Huawei cameras "
             "from a command centre. Subscribe to our newsletter.",
     "claims": [{"country": "KE", "technology": "video_surveillance", "vendor": "Huawei",
                 "supplier_country": "CN", "settings": ["streets"], "status": "deployed",
                 "confidence": 0.9, "matched": ["Huawei", "cameras"],
                 "sentence": "Police in Nairobi now watch 1,800 Huawei cameras from a command centre."}]},
    {"id": "doc-ke-3", "url": "https://coast-review.example/2024/mombasa", "cluster": "cl-ke-b",
     "title": "Mombasa extends its camera network", "published": "2024-01-05",
     "text": "Mombasa extends its camera network. County police added Huawei CCTV along the "
             "port roads and at the airport. Huawei also planned face recognition gates "
             "for the airport.",
     "claims": [{"country": "KE", "technology": "video_surveillance", "vendor": "Huawei",
                 "supplier_country": "CN", "settings": ["streets", "airports"], "status": "deployed",
                 "confidence": 0.8, "matched": ["Huawei", "CCTV"],
                 "sentence": "County police added Huawei CCTV along the port roads and at the airport."},
                {"country": "KE", "technology": "facial_recognition", "vendor": "Huawei",
                 "supplier_country": "CN", "settings": ["airports"], "status": "planned",
                 "confidence": 0.6, "matched": ["planned", "face recognition"],
                 "sentence": "Huawei also planned face recognition gates for the airport."}]},
    {"id": "doc-kp-1", "url": "https://peninsula-watch.example/kp/schools", "cluster": "cl-kp-a",
     "title": "Chinese cameras in Pyongyang schools", "published": "2024-05-02",
     "text": "Chinese cameras in Pyongyang schools. Chinese-made cameras now watch classrooms "
             "in Pyongyang schools and state workplaces.",
     "claims": [{"country": "KP", "technology": "video_surveillance", "vendor": None,
                 "supplier_country": "CN", "settings": ["schools", "workplaces"], "status": "deployed",
                 "confidence": 0.85, "matched": ["Chinese-made", "cameras"],
                 "sentence": "Chinese-made cameras now watch classrooms in Pyongyang schools and state workplaces."}]},
    {"id": "doc-kp-2", "url": "https://peninsula-watch.example/kp/smartcards", "cluster": "cl-kp-b",
     "title": "Smartcard IDs with fingerprints", "published": "2024-06-15",
     "text": "Smartcard IDs with fingerprints. North Korea issues biometric smartcard IDs that "
             "store fingerprints. Officials collected fingerprints at every workplace.",
     "claims": [{"country": "KP", "technology": "digital_id", "vendor": None,
                 "supplier_country": None, "settings": [], "status": "deployed",
                 "confidence": 0.8, "matched": ["smartcard IDs"],
                 "sentence": "North Korea issues biometric smartcard IDs that store fingerprints."},
                {"country": "KP", "technology": "biometric_collection", "vendor": None,
                 "supplier_country": None, "settings": ["workplaces"], "status": "deployed",
                 "confidence": 0.7, "matched": ["fingerprints"],
                 "sentence": "Officials collected fingerprints at every workplace."}]},
    {"id": "doc-kp-3", "url": "https://border-notes.example/tumen", "cluster": "cl-kp-c",
     "title": "New sensors on the Tumen", "published": "2024-06-20",
     "text": "New sensors on the Tumen. Guards are reportedly testing electronic monitoring "
             "towers on the border with China.",
     "claims": [{"country": "KP", "technology": "border_surveillance", "vendor": None,
                 "supplier_country": None, "settings": ["border"], "status": "trial",
                 "confidence": 0.55, "matched": ["testing", "monitoring towers"],
                 "sentence": "Guards are reportedly testing electronic monitoring towers on the border with China."}]},
    {"id": "doc-gb-1", "url": "https://city-paper.example/met-nec-trial", "cluster": "cl-gb-a",
     "title": "Met police trial live facial recognition", "published": "2022-08-01",
     "text": "Met police trial live facial recognition. London police began a trial of NEC live "
             "facial recognition at Oxford Circus.",
     "claims": [{"country": "GB", "technology": "facial_recognition", "vendor": "NEC",
                 "supplier_country": "JP", "settings": ["streets"], "status": "trial",
                 "confidence": 0.9, "matched": ["trial", "facial recognition"],
                 "sentence": "London police began a trial of NEC live facial recognition at Oxford Circus."}]},
    {"id": "doc-gb-2", "url": "https://court-news.example/ruling", "cluster": "cl-gb-b",
     "title": "Court halts police face scanning", "published": "2023-09-09",
     "text": "Court halts police face scanning. A court ruled the NEC facial recognition used "
             "by London police unlawful and the force suspended it.",
     "claims": [{"country": "GB", "technology": "facial_recognition", "vendor": "NEC",
                 "supplier_country": "JP", "settings": [], "status": "halted",
                 "confidence": 0.85, "matched": ["unlawful", "facial recognition"],
                 "sentence": "A court ruled the NEC facial recognition used by London police unlawful and the force suspended it."}]},
    {"id": "doc-ec-1", "url": "https://andes-times.example/ecu911", "cluster": "cl-ec-a",
     "title": "Quito cameras", "published": "2019-04-02",
     "text": "Quito cameras. The ECU-911 network links 4,300 Hikvision cameras across Quito.",
     "claims": [{"country": "EC", "technology": "video_surveillance", "vendor": "Hikvision",
                 "supplier_country": "CN", "settings": ["streets"], "status": "deployed",
                 "confidence": 0.75, "matched": ["Hikvision", "cameras"],
                 "sentence": "The ECU-911 network links 4,300 Hikvision cameras across Quito."}]},
]

VENDORS = [
    ("huawei", "Huawei", "CN", ["Huawei Technologies", "Huawei Technologies Co."]),
    ("nec", "NEC", "JP", ["NEC Corporation"]),
    ("hikvision", "Hikvision", "CN", ["Hangzhou Hikvision", "Hikvision Digital Technology"]),
]


def deployment_key(claim: dict) -> tuple:
    return (claim["country"], claim["technology"], claim["vendor"] or claim["supplier_country"])


def deployment_id(claim: dict) -> str:
    return content_id(*deployment_key(claim))


def fill(store, world: list[dict] = WORLD) -> None:
    """Insert `world` through the store's own connection, deployments included."""
    jsonb = "::jsonb" if store.backend == "postgresql" else ""
    store.executemany(
        f"INSERT INTO vendors (slug, name, country, aliases) VALUES (?, ?, ?, ?{jsonb}) "
        "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, country = excluded.country,"
        " aliases = excluded.aliases",
        [(s, n, c, json.dumps(a)) for s, n, c, a in VENDORS])
    groups: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    clusters: dict[str, list[dict]] = defaultdict(list)
    for doc in world:
        clusters[doc["cluster"]].append(doc)
        store.execute(
            "INSERT INTO documents (id, url, domain, title, published, source_type, language, text,"
            " extracted, cluster_id) VALUES (?, ?, ?, ?, ?, 'html', 'en', ?, 1, ?)",
            (doc["id"], doc["url"], urlparse(doc["url"]).hostname, doc["title"], doc["published"],
             doc["text"], doc["cluster"]))
        for claim in doc["claims"]:
            cid = content_id(doc["id"], *map(str, deployment_key(claim)), claim["status"])
            start = doc["text"].index(claim["sentence"])
            store.execute(
                f"INSERT INTO claims (id, document_id, country, technology, vendor, supplier_country,"
                f" settings, status, confidence, published, deployment_id, extractor_version)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?{jsonb}, ?, ?, ?, ?, 'test')",
                (cid, doc["id"], claim["country"], claim["technology"], claim["vendor"],
                 claim["supplier_country"], json.dumps(claim["settings"]), claim["status"],
                 claim["confidence"], doc["published"], deployment_id(claim)))
            store.execute(
                f"INSERT INTO evidence (id, claim_id, document_id, sentence, start, end_, page, matched)"
                f" VALUES (?, ?, ?, ?, ?, ?, NULL, ?{jsonb})",
                (content_id(cid, str(start)), cid, doc["id"], claim["sentence"], start,
                 start + len(claim["sentence"]), json.dumps(claim["matched"])))
            groups[deployment_id(claim)].append((doc, claim))
    for cluster, docs in clusters.items():
        first = min(docs, key=lambda d: (d["published"], d["id"]))
        store.execute("INSERT INTO clusters (id, representative_id, size) VALUES (?, ?, ?)",
                      (cluster, first["id"], len(docs)))
    for dep_id, items in groups.items():
        items.sort(key=lambda dc: (dc[0]["published"], dc[0]["id"]))
        claim = items[-1][1]
        history = [{"date": d["published"], "status": c["status"], "document_id": d["id"]}
                   for d, c in items]
        settings = sorted({s for _, c in items for s in c["settings"]})
        store.execute(
            f"INSERT INTO deployments (id, country, technology, vendor, supplier_country, status,"
            f" status_history, settings, first_seen, last_seen, n_claims, n_documents, n_clusters,"
            f" n_domains) VALUES (?, ?, ?, ?, ?, ?, ?{jsonb}, ?{jsonb}, ?, ?, ?, ?, ?, ?)",
            (dep_id, claim["country"], claim["technology"], claim["vendor"],
             claim["supplier_country"], claim["status"], json.dumps(history), json.dumps(settings),
             items[0][0]["published"], items[-1][0]["published"], len(items),
             len({d["id"] for d, _ in items}), len({d["cluster"] for d, _ in items}),
             len({urlparse(d["url"]).hostname for d, _ in items})))
    if store.backend == "postgresql":
        store.conn.commit()


def pg_admin():
    """An autocommit connection to the test PostgreSQL server, or a skip saying why not."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at {PG_URL}: {str(exc).strip()[:200]}")


def empty_target(backend: str, tmp_path, request):
    """A fresh, empty database target for `backend`, dropped after the test."""
    if backend == "sqlite":
        return str(tmp_path / "custodes.db")
    admin = pg_admin()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.close()

    request.addfinalizer(drop)
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A database (SQLite path or PostgreSQL URL) holding WORLD, built by the real migrations."""
    from custodes.store import open_store

    target = empty_target(request.param, tmp_path, request)
    store = open_store(target)
    try:
        fill(store)
    finally:
        store.close()
    return target


@pytest.fixture
def sqlite_db(tmp_path):
    """WORLD in a SQLite file only (for Datasette and file-level checks)."""
    from custodes.store import open_store

    target = str(tmp_path / "custodes.db")
    store = open_store(target)
    try:
        fill(store)
    finally:
        store.close()
    return target
