"""Story clusters: syndicated copies of one story join one cluster; distinct stories on one topic do not.

Precision and recall are pairwise, measured on corpora the generator invents
(copies with other headlines and boilerplate, edited sentences, truncation).
"""
from __future__ import annotations

import random

import pytest

from custodes.resolve import cluster_precision_recall
from custodes.store import canonical_dump, ingest_documents, open_store
from custodes.synthetic import corpus, story, syndicate
from store_support import article_document, bracket_extractor, db_url, document  # noqa: F401  (fixture)

MIN_PRECISION = 0.98
MIN_RECALL = 0.95


def clusters_of(store) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for doc_id, cluster_id in store.query("SELECT id, cluster_id FROM documents"):
        groups.setdefault(cluster_id, []).append(doc_id)
    return list(groups.values())


@pytest.mark.parametrize("seed", [11, 12])
def test_syndicated_copies_cluster_with_high_precision_and_recall(tmp_path, seed, record_property):
    articles = corpus(150, seed=seed, copies=(2, 6), syndicated_share=0.6)
    docs = [article_document(a) for a in articles]
    truth = {d.id: a.story for d, a in zip(docs, articles)}
    ingest_documents(docs, tmp_path / "c.db", workers=1, extractor=bracket_extractor)
    with open_store(tmp_path / "c.db") as store:
        precision, recall = cluster_precision_recall(clusters_of(store), truth)
    record_property("cluster_precision", precision)
    record_property("cluster_recall", recall)
    print(f"\nseed {seed}: {len(docs)} documents, {len(set(truth.values()))} stories: "
          f"pairwise precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


def test_distinct_stories_on_one_topic_stay_apart(db_url):
    rng = random.Random(5)
    docs = []
    while len(docs) < 80:
        country, body, date = story(rng)
        if country == "Kenya":  # one country, one technology vocabulary: the hard case
            docs.append(document(" ".join(body), url=f"https://ke{len(docs)}.example.org/", published=date))
    ingest_documents(docs, db_url, workers=1, extractor=bracket_extractor)
    with open_store(db_url) as store:
        assert store.scalar("SELECT count(*) FROM clusters") == len(docs)
        assert store.scalar("SELECT max(size) FROM clusters") == 1


def test_a_copy_joins_its_story_whatever_the_edits(db_url):
    rng = random.Random(3)
    _, body, date = story(rng, sentences=(12, 12))
    original = document(" ".join(body), url="https://wire.example.org/1", published=date)
    copies = [document(syndicate(rng, body, site), url=f"https://site{site}.example.net/x", published=date)
              for site in range(8)]
    truncated = document(" ".join(body[:8]) + " Read more in our newsletter.", url="https://short.example.org/")
    ingest_documents([original, *copies, truncated], db_url, workers=1, extractor=bracket_extractor)
    with open_store(db_url) as store:
        assert store.query("SELECT DISTINCT cluster_id FROM documents") == [
            (min(d.id for d in [original, *copies, truncated]),)]
        # the representative is the earliest published copy
        rep = store.scalar("SELECT representative_id FROM clusters")
        assert store.scalar("SELECT published FROM documents WHERE id = ?", (rep,)) == date


def test_clusters_persist_across_runs(tmp_path):
    """Ingesting a corpus in three runs gives the clusters of one run: the LSH index lives in the database."""
    docs = [article_document(a) for a in corpus(60, seed=4, copies=(2, 4), syndicated_share=0.8)]
    ingest_documents(docs, tmp_path / "one.db", workers=1, extractor=bracket_extractor)
    for part in (docs[:20], docs[20:45], docs[45:]):
        ingest_documents(part, tmp_path / "three.db", workers=1, extractor=bracket_extractor)
    with open_store(tmp_path / "one.db") as one, open_store(tmp_path / "three.db") as three:
        assert canonical_dump(one) == canonical_dump(three)
        assert one.scalar("SELECT count(*) FROM clusters WHERE size > 1") > 10


def test_ascii_text_splits_into_the_same_words_as_any_other():
    """ASCII text takes a faster split; its shingles must be those of the general one."""
    from custodes.resolve import shingles, signature

    ascii_text = ("Police in Lagos, Nigeria's biggest city, put up 1,200 CCTV cameras (phase_2) "
                  "at junctions -- and 40 plate-readers; officials said: 'more soon'.")
    # the same words with separators outside ASCII: the text takes the general split
    other = ascii_text.replace(" -- ", " \u2014 ").replace("'more", "\u2018more")
    assert not other.isascii()
    assert shingles(ascii_text).tolist() == shingles(other).tolist()
    assert signature(ascii_text) == signature(other)
    assert signature("...!!!") is None and len(shingles("")) == 0


def test_band_members_and_their_sketches_are_read_by_key(db_url):
    """Looking up a batch's band keys reads each member's sketch by its primary key, on both
    backends, whatever the statistics: a scan or hash join over all the sketches (which
    PostgreSQL once planned for each key, on a small table's statistics) costs every batch time
    in proportion to the whole database."""
    from custodes.resolve import _BAND_MEMBERS_SQL

    with open_store(db_url) as store:
        store.executemany("INSERT INTO minhash_sketches (document_id, sketch) VALUES (?, ?)",
                          [(f"doc{i:05d}", bytes(128)) for i in range(3000)])
        store.executemany("INSERT INTO minhash_bands (band_key, document_id) VALUES (?, ?)",
                          [(i % 13, f"doc{i:05d}") for i in range(3000)])
        statement = _BAND_MEMBERS_SQL[store.backend]
        if store.backend == "sqlite":
            plan = " | ".join(row[-1] for row in store.query("EXPLAIN QUERY PLAN " + statement, ("[1, 2, 3]",)))
            assert "SEARCH b USING PRIMARY KEY" in plan and "SEARCH s USING PRIMARY KEY" in plan, plan
        else:  # the generic plan the driver comes to use for a prepared statement, on small statistics
            store.execute("ANALYZE minhash_sketches")
            store.execute("ANALYZE minhash_bands")
            store.execute("SET plan_cache_mode = force_generic_plan")
            store.conn.execute("PREPARE band_members AS " + statement.replace("?", "$1"))
            plan = " | ".join(row[0] for row in store.conn.execute("EXPLAIN EXECUTE band_members('{1, 2, 3}')"))
            assert "Index Scan using minhash_sketches_pkey" in plan, plan
        assert "Hash" not in plan and "SCAN s" not in plan and "Seq Scan on minhash_sketches" not in plan, plan
