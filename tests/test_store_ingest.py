"""Storing documents: one transaction each, idempotent, order- and worker-independent, failures kept as errors."""
from __future__ import annotations

import json

from custodes.model import IngestError
from custodes.store import canonical_dump, ingest_documents, open_store
from custodes.synthetic import corpus
from store_support import article_document, bracket_extractor, db_url, document  # noqa: F401  (fixture)


def sample_items():
    docs = [article_document(a) for a in corpus(25, seed=7)]
    docs[3] = document(docs[3].text + " [KE facial_recognition vendor=Huawei from=CN status=planned settings=schools]",
                       url="https://a.example.org/x", published="2022-02-02")
    docs[5] = document(docs[5].text + " [KE facial_recognition vendor=Huawei status=deployed settings=airports]",
                       url="https://b.example.org/y", published="2023-03-03")
    docs[8] = document("Die Polizei in Quito installierte Kameras zur Gesichtserkennung in der Altstadt. "
                       "[EC facial_recognition]", language="de", url="https://c.example.org/de")
    return docs + [IngestError(source="reports/broken.pdf", reason="not a PDF: no %PDF header")]


def test_ingesting_twice_adds_nothing(db_url):
    items = sample_items()
    first = ingest_documents(items, db_url, workers=1, extractor=bracket_extractor)
    assert first.documents_new == len(items) - 1 and first.errors == 1
    with open_store(db_url) as store:
        before = canonical_dump(store)
    second = ingest_documents(items, db_url, workers=1, extractor=bracket_extractor)
    assert second.documents_new == 0 and second.documents_existing == len(items) - 1
    assert second.claims == 0
    with open_store(db_url) as store:
        assert canonical_dump(store) == before


def test_claims_evidence_and_provenance_are_stored(db_url):
    ingest_documents(sample_items(), db_url, workers=1, extractor=bracket_extractor)
    with open_store(db_url) as store:
        claims = store.query_dicts("SELECT * FROM claims ORDER BY published")
        assert [(c["country"], c["technology"], c["vendor"], c["status"]) for c in claims] == [
            ("KE", "facial_recognition", "Huawei", "planned"), ("KE", "facial_recognition", "Huawei", "deployed")]
        assert json.loads(claims[0]["settings"]) == ["schools"]
        assert claims[0]["published"] == "2022-02-02" and claims[0]["extractor_version"] == "bracket-1"
        evidence = store.query_dicts("SELECT * FROM evidence WHERE claim_id = ?", (claims[0]["id"],))[0]
        text = store.scalar("SELECT text FROM documents WHERE id = ?", (claims[0]["document_id"],))
        assert text[evidence["start"]:evidence["end_"]] == evidence["sentence"]
        assert json.loads(evidence["matched"]) == ["facial_recognition"]
        doc = store.query_dicts("SELECT * FROM documents WHERE id = ?", (claims[0]["document_id"],))[0]
        assert doc["domain"] == "a.example.org" and doc["extracted"] == 1


def test_non_english_documents_are_stored_but_not_extracted(db_url):
    summary = ingest_documents(sample_items(), db_url, workers=1, extractor=bracket_extractor)
    assert summary.documents_not_extracted == 1
    with open_store(db_url) as store:
        row = store.query_dicts("SELECT language, extracted, note FROM documents WHERE url = ?",
                                ("https://c.example.org/de",))[0]
        assert row["language"] == "de" and row["extracted"] == 0
        assert "de" in row["note"] and "not extracted" in row["note"]
        assert store.scalar("SELECT count(*) FROM claims WHERE country = 'EC'") == 0


def test_a_failing_document_becomes_an_error_and_the_batch_goes_on(db_url):
    items = sample_items()
    bad = document("EXPLODE " + items[0].text, url="https://bad.example.org/1", source_name="feeds/x.xml")
    summary = ingest_documents([bad] + items, db_url, workers=1, extractor=bracket_extractor)
    assert summary.errors == 2 and summary.documents_new == len(items) - 1
    with open_store(db_url) as store:
        rows = store.query("SELECT source, reason FROM errors ORDER BY source")
        assert rows[0][0] == "feeds/x.xml" and "the extractor choked" in rows[0][1]
        assert rows[1] == ("reports/broken.pdf", "not a PDF: no %PDF header")
        assert store.scalar("SELECT count(*) FROM documents WHERE id = ?", (bad.id,)) == 0


def test_input_order_and_worker_count_do_not_change_the_database(tmp_path):
    items = sample_items()
    ingest_documents(items, tmp_path / "a.db", workers=1, extractor=bracket_extractor)
    ingest_documents(list(reversed(items)), tmp_path / "b.db", workers=2, extractor=bracket_extractor)
    with open_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        assert canonical_dump(a) == canonical_dump(b)


def test_sqlite_and_postgres_store_the_same_rows(tmp_path, request):
    from store_support import new_db

    items = sample_items()
    pg = new_db("postgresql", tmp_path, request)
    ingest_documents(items, tmp_path / "a.db", workers=1, extractor=bracket_extractor)
    ingest_documents(items, pg, workers=1, extractor=bracket_extractor)
    tables = ["documents", "claims", "evidence", "errors", "clusters", "deployments", "minhash", "minhash_bands"]
    with open_store(tmp_path / "a.db") as a, open_store(pg) as b:
        assert canonical_dump(a, tables=tables) == canonical_dump(b, tables=tables)


def test_text_with_nul_characters_is_stored_on_both_backends(db_url):
    doc = document("Cameras\x00 were installed in Gulu [UG video_surveillance]")
    summary = ingest_documents([doc], db_url, workers=1, extractor=bracket_extractor)
    assert summary.errors == 0
    with open_store(db_url) as store:
        text = store.scalar("SELECT text FROM documents")
        assert len(text) == len(doc.text) and "Gulu" in text


def test_progress_is_reported_as_documents_are_stored(tmp_path):
    seen = []
    items = sample_items()
    summary = ingest_documents(items, tmp_path / "c.db", workers=1, extractor=bracket_extractor,
                               progress=lambda s: seen.append((s.documents, s.claims, s.errors)))
    assert len(seen) >= len(items)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)  # never goes back
    assert seen[-1] == (summary.documents, summary.claims, summary.errors) == (len(items) - 1, 2, 1)
    described = summary.describe()
    assert f"documents: {len(items) - 1} new, 0 already stored" in described and "errors: 1" in described
