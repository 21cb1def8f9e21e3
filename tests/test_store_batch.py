"""Writing a transaction's documents together stores exactly what writing them one by one stores.

`store_documents` runs each statement once for a whole batch and works out the
story clusters of the batch in memory; near-duplicates inside one batch, crowded
LSH bands, repeated and already stored documents must come out as they do when
`store_document` stores the same documents one after the other.
"""
from __future__ import annotations

import numpy as np

from custodes.model import ExtractResult, IngestError
from custodes.resolve import MAX_DOCUMENTS_PER_BAND, NUM_PERM
from custodes.store import canonical_dump, ingest_documents, open_store
from custodes.store.ingest import _Run, document_rows, store_document, store_documents, work
from custodes.synthetic import corpus
from store_support import article_document, bracket_extractor, db_url, document, new_db  # noqa: F401  (fixture)

STORED_TABLES = ["documents", "claims", "evidence", "clusters", "minhash", "minhash_bands"]


def prepared(docs) -> list[tuple]:
    """(Document, ExtractResult, signature, DocumentRows) per document, as the workers send them."""
    return [(doc, *outcome[1:]) for doc, outcome in work(docs, bracket_extractor)]


def one_by_one(db: str, entries: list[tuple]) -> dict:
    with open_store(db) as store:
        for entry in entries:
            store_document(store, *entry)
        return canonical_dump(store, tables=STORED_TABLES)


def in_batches(db: str, entries: list[tuple], sizes: list[int]) -> tuple[dict, list]:
    results = []
    with open_store(db) as store:
        start = 0
        for size in sizes + [len(entries)]:
            if start < len(entries):
                results.extend(store_documents(store, entries[start:start + size]))
            start += size
        return canonical_dump(store, tables=STORED_TABLES), results


def with_claims(docs):
    """Some documents carry a bracketed claim, so claims and evidence are written too."""
    return [document(d.text + " [KE facial_recognition vendor=Huawei status=planned]", url=d.url,
                     title=d.title, published=d.published) if i % 3 == 0 else d for i, d in enumerate(docs)]


def test_near_duplicates_inside_one_batch_cluster_as_they_do_one_by_one(db_url, tmp_path, request):
    docs = with_claims([article_document(a) for a in corpus(40, seed=9, copies=(2, 5), syndicated_share=0.8)])
    entries = prepared(docs)
    # a document twice in one batch, and one already stored by an earlier batch
    batched = entries[:10] + [entries[3]] + entries[10:] + [entries[0]]
    expected = one_by_one(new_db("sqlite", tmp_path, request, "one-by-one.db"), entries)
    got, results = in_batches(db_url, batched, [10, 64])
    assert got == expected
    assert results[10] is None and results[-1] is None  # the repeat and the stored document add nothing
    assert sum(r is not None for r in results) == len(entries)
    assert sum(size > 1 for _, _, size in got["clusters"]) >= 10


def test_a_long_batch_is_worked_out_a_few_documents_at_a_time_as_one_by_one(tmp_path, request, monkeypatch):
    """A transaction longer than DOCS_PER_PLAN is planned in pieces (memory stays bounded);
    the pieces store what one-by-one stores, copies split across pieces included."""
    import importlib

    ingest_module = importlib.import_module("custodes.store.ingest")

    docs = with_claims([article_document(a) for a in corpus(30, seed=11, copies=(2, 5), syndicated_share=0.8)])
    entries = prepared(docs)
    expected = one_by_one(new_db("sqlite", tmp_path, request, "one-by-one.db"), entries)
    monkeypatch.setattr(ingest_module, "DOCS_PER_PLAN", 7)
    got, results = in_batches(str(tmp_path / "pieces.db"), entries, [len(entries)])
    assert got == expected and all(r is not None for r in results)
    assert sum(size > 1 for _, _, size in got["clusters"]) >= 5


def signed(text: str, value: int, keys: list[int]) -> tuple:
    """A document whose signature is `value` 128 times and whose band keys are `keys`."""
    doc = document(text, url=f"https://example.org/{value}")
    result = ExtractResult(id=doc.id, relevant=False, claims=[])
    sig = np.full(NUM_PERM, value, dtype="<u4").tobytes()
    rows = document_rows(doc, result, sig)
    rows.band_keys = keys
    return (doc, result, sig, rows)


def test_a_crowded_band_stops_nominating_inside_a_batch_as_it_does_one_by_one(db_url, tmp_path, request):
    # MAX_DOCUMENTS_PER_BAND + 1 unrelated documents share band key 7 (boilerplate); the last
    # document shares only that band with them and has the signature of the first, so it joins
    # the first one's cluster only if the crowded band still nominates: it must not
    crowd = [signed(f"Notice number {i}.", i, [7, 1000 + i]) for i in range(1, MAX_DOCUMENTS_PER_BAND + 2)]
    latecomer = signed("Notice number one again.", 1, [7, 5000])
    entries = crowd + [latecomer]
    expected = one_by_one(new_db("sqlite", tmp_path, request, "one-by-one.db"), entries)
    # the crowd crosses MAX_DOCUMENTS_PER_BAND in the middle of the second batch
    got, _ = in_batches(db_url, entries, [MAX_DOCUMENTS_PER_BAND - 5])
    assert got == expected
    assert len(expected["clusters"]) == len(entries)  # no one joined anyone


def test_a_crowded_band_stops_nominating_in_its_own_database_only(tmp_path):
    """Once a band key is crowded it nominates no one again; another database's band with the
    same key and few members still nominates."""
    crowd = [signed(f"Notice number {i}.", i, [7, 1000 + i]) for i in range(1, MAX_DOCUMENTS_PER_BAND + 2)]
    latecomers = [signed(f"Notice number one, copy {n}.", 1, [7, 5000 + n]) for n in range(2)]
    with open_store(tmp_path / "crowded.db") as crowded, open_store(tmp_path / "quiet.db") as quiet:
        store_documents(crowded, crowd)
        for latecomer in latecomers:
            store_documents(crowded, [latecomer])
            assert crowded.scalar("SELECT cluster_id FROM documents WHERE id = ?",
                                  (latecomer[0].id,)) == latecomer[0].id
        store_documents(quiet, crowd[:1])
        store_documents(quiet, latecomers[:1])
        first, late = crowd[0][0].id, latecomers[0][0].id
        assert quiet.scalar("SELECT cluster_id FROM documents WHERE id = ?", (late,)) == min(first, late)


def test_a_document_that_cannot_be_stored_fails_alone_in_its_batch(db_url, tmp_path, request):
    docs = with_claims([article_document(a) for a in corpus(12, seed=3, copies=(2, 3), syndicated_share=0.7)])
    outcomes = work(docs, bracket_extractor)
    bad_doc, bad = next((doc, outcome) for doc, outcome in outcomes if outcome[3].evidence)
    evidence = bad[3].evidence[0]
    bad[3].evidence[0] = evidence[:3] + (None,) + evidence[4:]  # evidence without its sentence: NOT NULL
    with open_store(db_url) as store:
        run = _Run(store, workers=2, extractor=None, progress=None, on_error=None)
        run.write(outcomes)
        assert run.summary.errors == 1 and run.summary.documents_new == len(docs) - 1
        reason = store.scalar("SELECT reason FROM errors")
        assert reason.startswith("could not store") and store.scalar(
            "SELECT count(*) FROM documents WHERE id = ?", (bad_doc.id,)) == 0
        got = canonical_dump(store, tables=STORED_TABLES)
    good = [(doc, *outcome[1:]) for doc, outcome in outcomes if doc.id != bad_doc.id]
    assert got == one_by_one(new_db("sqlite", tmp_path, request, "one-by-one.db"), good)


def test_outcomes_that_are_errors_or_already_stored_are_counted_not_written(tmp_path):
    docs = [article_document(a) for a in corpus(6, seed=5)]
    with open_store(tmp_path / "c.db") as store:
        run = _Run(store, workers=2, extractor=None, progress=None, on_error=None)
        run.write(work(docs[:3], bracket_extractor))
        run.write(work(docs, bracket_extractor, stored=run.stored)
                  + [(IngestError(source="feeds/x.xml", reason="not a feed"), None)])
        assert (run.summary.documents_new, run.summary.documents_existing, run.summary.errors) == (
            len(docs), 3, 1)


def test_documents_are_committed_a_set_number_at_a_time(tmp_path):
    """`commit_every` documents go into each transaction, the rest into a last one: another
    connection sees the stored documents grow by that many (what a kill can lose)."""
    import sqlite3

    docs = [article_document(a) for a in corpus(20, seed=6)]
    db = tmp_path / "steps.db"
    open_store(db).close()
    seen: list[int] = []

    def progress(summary) -> None:
        with sqlite3.connect(db) as other:
            seen.append(other.execute("SELECT count(*) FROM documents").fetchone()[0])

    for workers in (1, 2):
        seen.clear()
        db.unlink()
        open_store(db).close()
        summary = ingest_documents(docs, db, workers=workers, extractor=bracket_extractor, commit_every=10,
                                   progress=progress)
        assert summary.documents_new == len(docs)
        assert len(docs) % 10 and sorted(set(seen)) == [*range(10, len(docs), 10), len(docs)], workers


def test_sketches_rule_out_only_pairs_their_signatures_rule_out(tmp_path):
    """A stored candidate is first judged on its sketch (signature values cut to a byte); the
    pairs the sketch lets through, even those whose differing values share their low byte, are
    decided on the whole signatures, so a copy joins its story exactly when >= 52 of 128 agree."""
    import custodes.resolve as resolve

    rng = np.random.default_rng(5)
    for equal in (40, 51, 52, 53, 64, 128):
        for same_low_byte in (False, True):
            base = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)
            other = base.copy()
            differ = rng.choice(NUM_PERM, NUM_PERM - equal, replace=False)
            # a different value with the same low byte: the sketch cannot tell them apart
            other[differ] = (base[differ] + (256 if same_low_byte else 1)) % 2**32
            first = signed_with(f"Story {equal} {same_low_byte}.", base.astype("<u4"), [1, 100])
            second = signed_with(f"Copy {equal} {same_low_byte}.", other.astype("<u4"), [1, 200])
            with open_store(tmp_path / f"s-{equal}-{same_low_byte}.db") as store:
                store_documents(store, [first])
                resolve._signature_cache.clear()  # the first signature is read from the store
                store_documents(store, [second])
                clusters = {row[0] for row in store.query("SELECT cluster_id FROM documents")}
            assert (len(clusters) == 1) == (equal >= resolve.MIN_EQUAL_VALUES), (equal, same_low_byte)


def signed_with(text: str, sig: np.ndarray, keys: list[int]) -> tuple:
    """A document with this signature and these band keys."""
    doc = document(text, url=f"https://example.org/{abs(hash(text))}")
    result = ExtractResult(id=doc.id, relevant=False, claims=[])
    rows = document_rows(doc, result, sig.tobytes())
    rows.band_keys = keys
    return (doc, result, sig.tobytes(), rows)


def test_a_crowded_band_keeps_one_row_whatever_the_order(tmp_path):
    """A band key past MAX_DOCUMENTS_PER_BAND members keeps one CROWDED row and no members,
    so the index holds the same rows whatever order and batches the documents came in."""
    from custodes.resolve import CROWDED

    crowd = [signed(f"Notice number {i}.", i, [7, 1000 + i]) for i in range(1, MAX_DOCUMENTS_PER_BAND + 6)]
    forward, _ = in_batches(str(tmp_path / "forward.db"), crowd, [MAX_DOCUMENTS_PER_BAND - 3])
    backward, _ = in_batches(str(tmp_path / "backward.db"), crowd[::-1], [4, 60])
    assert forward == backward
    assert [row for row in forward["minhash_bands"] if row[0] == 7] == [(7, CROWDED)]
    assert len(forward["minhash_bands"]) == len(crowd) + 1  # each one's own key, and the marker


def test_a_transaction_that_fails_leaves_no_crowded_band(tmp_path):
    """A band key crowded by a transaction that is rolled back is not crowded afterwards."""
    crowd = [signed(f"Notice number {i}.", i, [7, 1000 + i]) for i in range(1, MAX_DOCUMENTS_PER_BAND + 3)]
    with open_store(tmp_path / "undone.db") as store:
        try:
            with store.transaction():
                store_documents(store, crowd[:MAX_DOCUMENTS_PER_BAND + 1])
                store_documents(store, crowd[-1:])  # finds band 7 crowded
                raise RuntimeError("the batch fails")
        except RuntimeError:
            pass
        assert store.scalar("SELECT count(*) FROM documents") == 0
        # the late document alone with the first: band 7 has one member and nominates it
        store_documents(store, crowd[:1])
        store_documents(store, [signed("Notice number one again.", 1, [7, 5000])])
        assert store.scalar("SELECT count(DISTINCT cluster_id) FROM documents") == 1


def test_workers_run_nicer_than_the_writing_process():
    """The ingest process writes; its workers step down WORKER_NICENESS, so the writer is not
    slowed by the workers it feeds (nor are other programs on the machine)."""
    import os

    from custodes.store.ingest import WORKER_NICENESS, _pool

    own = os.nice(0)
    pool = _pool(2, None)
    try:
        assert {pool.submit(os.nice, 0).result() for _ in range(4)} == {min(19, own + WORKER_NICENESS)}
    finally:
        pool.shutdown()
    assert os.nice(0) == own


def test_a_failure_while_writing_stops_the_run_and_keeps_what_was_committed(tmp_path):
    """With worker processes the batches are written by a thread of the ingest process: what goes
    wrong there (here the progress callback, after the first commit) stops the run with that
    error, as it does without workers, and the batches committed before it stay stored."""
    import pytest

    docs = [article_document(a) for a in corpus(30, seed=8)]
    for workers in (1, 2):
        db = tmp_path / f"fails-{workers}.db"
        open_store(db).close()

        def progress(summary) -> None:
            if summary.documents_new > 10:
                raise RuntimeError("disk full")

        with pytest.raises(RuntimeError, match="disk full"):
            ingest_documents(docs, db, workers=workers, extractor=bracket_extractor, commit_every=10,
                             progress=progress)
        with open_store(db) as store:
            assert store.scalar("SELECT count(*) FROM documents") == 20, workers
