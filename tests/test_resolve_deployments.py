"""Deployments: claims merged by (country, technology, vendor or supplier country), dated, counted by independent sources."""
from __future__ import annotations

import json
import random

from custodes.resolve import deployment_id, rebuild_deployments
from custodes.store import canonical_dump, ingest_documents, open_store
from custodes.synthetic import story, syndicate
from store_support import bracket_extractor, db_url, document  # noqa: F401  (fixture)


def deployment_docs():
    rng = random.Random(21)
    _, body, _ = story(rng, sentences=(10, 10))
    tag = "[KE facial_recognition vendor=Huawei from=CN status=planned settings=streets]"
    wire = document(" ".join(body) + " " + tag, url="https://www.a.example.org/1", published="2020-01-05")
    copy = document(syndicate(rng, body, 3) + " " + tag, url="https://b.example.org/2", published="2020-01-06")
    later = document("Nairobi police now run Huawei face recognition at the airport. "
                     "[KE facial_recognition vendor=Huawei status=deployed settings=airports]",
                     url="https://a.example.org/3", published="2021-06-01")
    undated = document("An activist said the Huawei system was switched off. "
                       "[KE facial_recognition vendor=Huawei status=halted]")
    no_vendor = document("Kenya imported face recognition cameras from China. "
                         "[KE facial_recognition from=CN status=deployed]",
                         url="https://c.example.org/4", published="2022-01-01")
    other = document("Uganda bought CCTV from Huawei. [UG video_surveillance vendor=Huawei from=CN]",
                     url="https://d.example.org/5", published="2019-03-03")
    return [wire, copy, later, undated, no_vendor, other]


def test_claims_merge_into_deployments(db_url):
    wire, copy, later, undated, no_vendor, other = docs = deployment_docs()
    summary = ingest_documents(docs, db_url, workers=1, extractor=bracket_extractor)
    assert summary.deployments == 3
    with open_store(db_url) as store:
        dep = store.query_dicts("SELECT * FROM deployments WHERE country = 'KE' AND vendor = 'Huawei'")[0]
        assert dep["id"] == deployment_id("KE", "facial_recognition", "Huawei", None)
        assert dep["supplier_country"] == "CN"
        # the latest dated claim decides the status; an undated one never outranks it
        assert dep["status"] == "deployed"
        assert json.loads(dep["status_history"]) == [
            {"date": None, "status": "halted", "document_id": undated.id},
            {"date": "2020-01-05", "status": "planned", "document_id": wire.id},
            {"date": "2021-06-01", "status": "deployed", "document_id": later.id},
        ]
        assert (dep["first_seen"], dep["last_seen"]) == ("2020-01-05", "2021-06-01")
        assert json.loads(dep["settings"]) == ["airports", "streets"]
        # the wire story and its copy are one cluster: four documents, three independent stories
        assert (dep["n_claims"], dep["n_documents"], dep["n_clusters"]) == (4, 4, 3)
        assert dep["n_domains"] == 2  # a.example.org (www. dropped) and b.example.org
        # without a vendor, the supplier country is part of the key
        anon = store.query_dicts("SELECT * FROM deployments WHERE country = 'KE' AND vendor IS NULL")[0]
        assert anon["supplier_country"] == "CN" and anon["n_documents"] == 1
        assert anon["id"] == deployment_id("KE", "facial_recognition", None, "CN")
        # every claim points at its deployment
        orphans = store.scalar("SELECT count(*) FROM claims c LEFT JOIN deployments d "
                               "ON d.id = c.deployment_id WHERE d.id IS NULL")
        assert orphans == 0


def test_incremental_ingest_equals_a_full_rebuild(db_url, tmp_path):
    docs = deployment_docs()
    for doc in docs:  # one run per document: each rebuilds from what is stored so far
        ingest_documents([doc], db_url, workers=1, extractor=bracket_extractor)
    ingest_documents(docs, tmp_path / "once.db", workers=1, extractor=bracket_extractor)
    with open_store(db_url) as store, open_store(tmp_path / "once.db") as once:
        tables = ["claims", "clusters", "deployments", "documents", "evidence"]
        incremental = canonical_dump(store, tables=tables)
        rebuild_deployments(store)
        assert canonical_dump(store, tables=tables) == incremental
        assert canonical_dump(once, tables=tables) == incremental
