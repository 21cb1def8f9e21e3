"""Resolve: story clusters (syndicated copies of one story) and claims to deployments.

Story clusters are the connected components of a near-duplicate graph: two
documents are linked when their MinHash signatures (word shingles of the main
text) share an LSH band and their estimated Jaccard similarity is at least
`DUPLICATE_JACCARD`. The band keys live in the database (`minhash_bands`), so
the index is persistent, bounded in memory, and shared by concurrent writers;
components do not depend on the order documents arrive in.

Deployments merge claims keyed by (country, technology, vendor or, when no
vendor is named, supplier_country); `rebuild_deployments` recomputes them all.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import zlib
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

import numpy as np

from custodes._native import c_extension
from custodes.model import Claim, content_id

if TYPE_CHECKING:
    from custodes.store.db import Store

SHINGLE_WORDS = 4  # words per shingle: long enough to ignore shared topic phrases
NUM_PERM = 128
LSH_BANDS = 42  # 42 bands x 3 rows: pairs at Jaccard 0.4 become candidates 94% of the time
LSH_ROWS = 3
DUPLICATE_JACCARD = 0.4  # estimated Jaccard at or above which two texts are one story
MIN_EQUAL_VALUES = math.ceil(DUPLICATE_JACCARD * NUM_PERM)  # equal signature values that make one story
MINHASH_SEED = 1
# An LSH band key shared by more documents than this comes from boilerplate (menus, notices)
# rather than a story, and nominates no candidates; a story's own bands are far rarer.
MAX_DOCUMENTS_PER_BAND = 50
# ... and then it keeps one row, with this in place of a document id, instead of its members:
# what a key holds depends on its members only (not on the order they came in), and the
# band index does not grow with boilerplate
CROWDED = "*"
# Most recent news first when two claims share a date: a halt outranks a deployment, etc.
STATUS_RANK = {"alleged": 0, "development": 1, "planned": 2, "trial": 3, "deployed": 4, "halted": 5}

_WORD = re.compile(r"\w+", re.UNICODE)


# -- signatures -------------------------------------------------------------

def shingles(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct 32-bit hashes of a text's `size`-word shingles (lower-cased, punctuation dropped)."""
    return np.unique(_shingle_hashes(text, size))


def _shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """The 32-bit hash of each `size`-word shingle of a text, in order, repeats included.

    Words are hashed once (crc32 of their UTF-8 bytes, the same in every process) and
    combined per shingle. ASCII text (most news in English) goes through custodes._minhash
    in one pass (0.24 -> 0.08 ms for a 700-word article); other text, and any text where the
    module was not built, through numpy (_python_shingle_hashes), with the same result.
    """
    if _ASCII_SHINGLES is not None and text.isascii():  # the same hashes in one pass of C
        return np.frombuffer(_ASCII_SHINGLES(text.encode("ascii"), size), dtype=np.uint32)
    return _python_shingle_hashes(text, size)


def _python_shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """_shingle_hashes in Python and numpy: any text, where custodes._minhash was not built."""
    if text.isascii():
        words = text.encode("ascii").lower().translate(_ASCII_NON_WORD_AS_SPACE).split()
    else:
        words = _WORD.findall(text.lower())
    if not words:
        return np.empty(0, dtype=np.uint32)
    values = list(map(_word_hashes.get, words))  # one C-level pass; unknown words are None
    if None in values:
        values = [_word_hash(w) if v is None else v for w, v in zip(words, values)]
    hashes = np.array(values, dtype=np.uint64)
    if len(words) < size:
        hashes = np.concatenate([hashes, np.zeros(size - len(words), dtype=np.uint64)])
    n = len(hashes) - size + 1
    with np.errstate(over="ignore"):
        combined = np.zeros(n, dtype=np.uint64)
        for k in range(size):  # a different odd multiplier per position keeps word order
            combined ^= hashes[k:k + n] * _POSITION_MULTIPLIERS[k]
        combined ^= combined >> np.uint64(29)
        combined *= np.uint64(0xBF58476D1CE4E5B9)
        combined ^= combined >> np.uint64(32)
    return combined.astype(np.uint32)


# bytes that \w does not match in ASCII text, as spaces
_ASCII_NON_WORD_AS_SPACE = bytes(c if (chr(c).isalnum() or c == ord("_")) and c < 128 else ord(" ") for c in range(256))

_POSITION_MULTIPLIERS = [np.uint64(m) for m in
                         (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                          0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)]
_word_hashes: dict[str | bytes, int] = {}  # words of ASCII text are bytes


def _word_hash(word: str | bytes) -> int:
    value = zlib.crc32(word if isinstance(word, bytes) else word.encode("utf-8"))
    if len(_word_hashes) < 200_000:  # a bounded cache: vocabularies are small, memory must stay flat
        _word_hashes[word] = value
    return value


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for (NUM_PERM, MINHASH_SEED), as (1, NUM_PERM) uint32 rows."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32").permutations
    return (np.asarray(a, dtype=np.uint32).reshape(1, -1), np.asarray(b, dtype=np.uint32).reshape(1, -1))


SIGNATURE_CHUNK = 2048  # shingles permuted at once: bounds memory on a very long text
_MINHASH = c_extension("_minhash")  # the loop below in C, where setup built it
_ASCII_SHINGLES = getattr(_MINHASH, "ascii_shingles", None)


def signature(text: str) -> bytes | None:
    """The MinHash signature of a text (NUM_PERM little-endian uint32), or None when it has no words.

    The values of datasketch's MinHash (scheme "affine32", the shingle hashes as
    input): each hash goes through the MurmurHash3 finalizer, then a * h + b mod 2^32
    per permutation, and the minimum per permutation is kept; computed in one pass,
    by custodes._minhash or else numpy, instead of through a Python list.
    """
    parts = _shingle_hashes(text)  # a repeated shingle changes no minimum: no need to drop repeats
    if not len(parts):
        return None
    a, b = _permutations()
    if _MINHASH is not None:
        return _MINHASH.signature(np.ascontiguousarray(parts, dtype=np.uint32), a, b)
    return _numpy_signature(parts, a, b)


def _numpy_signature(parts: np.ndarray, a: np.ndarray, b: np.ndarray) -> bytes:
    """signature's minimums with numpy, a chunk of shingles at a time."""
    mins = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(parts), SIGNATURE_CHUNK):
        hv = _fmix32(parts[start:start + SIGNATURE_CHUNK]).reshape(-1, 1)
        np.minimum(mins, (hv * a + b).min(axis=0), out=mins)
    return mins.astype("<u4").tobytes()


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """The 32-bit MurmurHash3 finalizer (as datasketch pre-mixes its input): a bijection."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def band_keys(sig: bytes) -> list[int]:
    """One signed 64-bit key per LSH band of a signature."""
    keys = []
    width = LSH_ROWS * 4
    for band in range(LSH_BANDS):
        chunk = sig[band * width:(band + 1) * width]
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def sketch(sig: bytes) -> bytes:
    """The signature's values cut to their lowest byte (b"" for an empty signature).

    Two values that are equal have equal sketches, so the number of equal sketch bytes bounds
    the number of equal values from above: a pair whose sketches agree in fewer than
    MIN_EQUAL_VALUES places cannot reach DUPLICATE_JACCARD, and its signatures need not be read."""
    if len(sig) != NUM_PERM * 4:
        return b""
    return np.frombuffer(sig, dtype="<u4").astype(np.uint8).tobytes()


def create_sketch_table(store: "Store") -> None:
    """The table of sketches (schema migration 95), if it is not there yet."""
    blob, without_rowid = ("BLOB", " WITHOUT ROWID") if store.backend == "sqlite" else ("BYTEA", "")
    store.execute(f"CREATE TABLE IF NOT EXISTS minhash_sketches (document_id TEXT PRIMARY KEY, "
                  f"sketch {blob} NOT NULL){without_rowid}")


def estimated_jaccard(a: bytes, b: bytes) -> float:
    va = np.frombuffer(a, dtype="<u4")
    vb = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(va == vb)) / len(va)


# -- story clusters ---------------------------------------------------------

# The stored members of each band key, with their sketches: a key holds at most
# MAX_DOCUMENTS_PER_BAND rows, or one CROWDED row (see write_clusters), so the work per document
# stays bounded however big the database grows, with one index seek per key and one per member
# (reading the sketches in the same statement costs less than a second statement listing the
# candidates again: 0.57 against 0.63 ms per document on a 100,000-document database).
_BAND_MEMBERS_SQL = {
    "sqlite": ("SELECT b.band_key, b.document_id, s.sketch FROM json_each(?) AS k "
               "JOIN minhash_bands b ON b.band_key = k.value "
               "LEFT JOIN minhash_sketches s ON s.document_id = b.document_id"),
    # a lateral seek per key, and one per member for its sketch, whatever the planner's
    # statistics (a fresh table has none; with a join, the generic plan of the prepared statement
    # hashed the whole sketches table for each key: 20,000 documents at 86 instead of 332/s)
    "postgresql": (
        "SELECT k.band_key, b.document_id, "
        "(SELECT s.sketch FROM minhash_sketches s WHERE s.document_id = b.document_id) "
        "FROM unnest(?::bigint[]) AS k (band_key) CROSS JOIN LATERAL "
        "(SELECT document_id FROM minhash_bands m WHERE m.band_key = k.band_key "
        f"LIMIT {MAX_DOCUMENTS_PER_BAND + 1}) AS b"),
}


def _band_members(store: "Store", keys: Iterable[int]) -> tuple[dict[int, list[str] | None], dict[str, bytes]]:
    """The stored documents under each band key that has any: a list, or None when a key has more
    than MAX_DOCUMENTS_PER_BAND (boilerplate, which nominates no one); and the sketches of
    those documents (see `sketch`), by id."""
    keys = sorted(keys)  # seeks in index order: each starts near the one before
    param = json.dumps(keys) if store.backend == "sqlite" else keys
    members: dict[int, list[str]] = {}
    sketches: dict[str, bytes] = {}
    for key, document_id, found in store.query(_BAND_MEMBERS_SQL[store.backend], (param,)):
        members.setdefault(key, []).append(document_id)
        if found is not None and document_id not in sketches:
            sketches[document_id] = bytes(found)
    return ({key: None if CROWDED in found or len(found) > MAX_DOCUMENTS_PER_BAND else found
             for key, found in members.items()}, sketches)


# Signatures of recent candidates, kept in memory: the same documents come back as
# candidates again and again (the first members of each shared band), and a document id
# is a hash of its text, so its signature never changes (whatever the database).
SIGNATURE_CACHE_SIZE = 5_000  # about 4 MB, full early in a run: memory stays flat on any corpus
_signature_cache: "OrderedDict[str, bytes]" = OrderedDict()


def _signatures(store: "Store", document_ids: Iterable[str]) -> dict[str, bytes]:
    """The stored signatures of these documents (those that have one), by id."""
    cache = _signature_cache
    found: dict[str, bytes] = {}
    missing = []
    for doc_id in document_ids:
        sig = cache.get(doc_id)
        if sig is None:
            missing.append(doc_id)
        else:
            cache.move_to_end(doc_id)
            found[doc_id] = sig
    if missing:
        condition, param = store.in_list(missing)
        for doc_id, sig in store.query(
                f"SELECT document_id, signature FROM minhash WHERE document_id {condition}", (param,)):
            sig = bytes(sig)
            if len(sig) == NUM_PERM * 4:
                found[doc_id] = cache[doc_id] = sig
        while len(cache) > SIGNATURE_CACHE_SIZE:
            cache.popitem(last=False)
    return found


def _rule_out_by_sketch(documents: Sequence[tuple[str, bytes | None, list[int] | None]],
                        candidates_of: list[set[str]], sketches: dict[str, bytes]) -> None:
    """Drop from each document's candidates the stored ones whose sketch shows they cannot be
    a copy of it (see `sketch`), so their signatures are not read; what is left is decided on
    the signatures as before."""
    for (_, sig, _), candidates in zip(documents, candidates_of):
        judged = [other for other in candidates if len(sketches.get(other, b"")) == NUM_PERM]
        if not judged or sig is None or len(sig) != NUM_PERM * 4:
            continue
        others = np.frombuffer(b"".join(sketches[other] for other in judged), dtype=np.uint8)
        equal = (others.reshape(len(judged), NUM_PERM) == np.frombuffer(sketch(sig), dtype=np.uint8)).sum(axis=1)
        candidates.difference_update(other for other, n in zip(judged, equal) if n < MIN_EQUAL_VALUES)


@dataclass
class ClusterPlan:
    """Where a batch of documents goes among the story clusters, and the rows that say so.

    Worked out by `plan_clusters` before the documents are written (so each can be
    inserted with its cluster), written by `write_clusters` after them.
    """

    cluster_of: dict[str, str] = field(default_factory=dict)  # each document's cluster id
    bands: list[tuple[int, str]] = field(default_factory=list)  # (band_key, document_id)
    crowded: list[int] = field(default_factory=list)  # band keys whose members give way to one CROWDED row
    signatures: list[tuple[str, bytes]] = field(default_factory=list)  # (document_id, signature)
    merged: list[tuple[str, str]] = field(default_factory=list)  # (cluster it joined, former cluster)
    singletons: list[str] = field(default_factory=list)  # documents alone in their cluster
    refresh: list[str] = field(default_factory=list)  # clusters whose size and representative change


def plan_clusters(store: "Store", documents: Sequence[tuple[str, bytes | None, list[int] | None]]) -> ClusterPlan:
    """The story clusters of documents (id, signature, band keys or None) about to be indexed.

    Call inside the documents' transaction; concurrent writers wait for it to end.
    The result is exactly that of indexing the documents one after the other
    (`assign_cluster` on each), with the database read a few times for the whole
    batch instead of a few times per document: a document joins the cluster of
    every earlier one, stored or in the batch, that shares a band it can nominate
    from and whose estimated Jaccard similarity reaches DUPLICATE_JACCARD; a
    cluster's id is its smallest document id.
    """
    store.lock("clusters")  # concurrent writers must see each other's bands
    plan = ClusterPlan()
    keys_of = [keys if keys is not None else band_keys(sig) if sig is not None else []
               for _, sig, keys in documents]
    stored_members, sketches = _band_members(store, {key for keys in keys_of for key in keys})
    # candidates of each document: the other members of its bands, if a band has few enough
    batch_members: dict[int, list[str]] = {}
    candidates_of: list[set[str]] = []
    for (doc_id, _, _), keys in zip(documents, keys_of):
        candidates: set[str] = set()
        for key in keys:
            stored = stored_members.get(key, ())
            earlier = batch_members.get(key)
            if earlier is None:  # most keys: the first of the batch, and no stored member either
                batch_members[key] = [doc_id]
                if stored:  # None when the key has too many members
                    candidates.update(stored)
                continue
            if stored is not None and len(stored) + len(earlier) <= MAX_DOCUMENTS_PER_BAND:
                candidates.update(stored)
                candidates.update(earlier)
            earlier.append(doc_id)
        candidates.discard(doc_id)
        candidates_of.append(candidates)
    batch_signatures = {doc_id: sig for doc_id, sig, _ in documents if sig is not None}
    _rule_out_by_sketch(documents, candidates_of, sketches)
    signatures = _signatures(store, sorted({other for candidates in candidates_of for other in candidates
                                            if other not in batch_signatures}))
    signatures.update(batch_signatures)
    matches_of: list[list[str]] = []
    for (_, sig, _), candidates in zip(documents, candidates_of):
        found = {other: signatures[other] for other in candidates if other in signatures}
        if not found:
            matches_of.append([])
            continue
        others = np.frombuffer(b"".join(found.values()), dtype="<u4").reshape(len(found), -1)
        similar = (others == np.frombuffer(sig, dtype="<u4")).mean(axis=1) >= DUPLICATE_JACCARD
        matches_of.append([other for other, hit in zip(found, similar) if hit])

    # join clusters in document order; `joined` maps a cluster merged away to the one it joined
    in_batch = {doc_id for doc_id, _, _ in documents}
    stored_matches = sorted({m for matches in matches_of for m in matches if m not in in_batch})
    stored_cluster: dict[str, str | None] = {}
    if stored_matches:
        condition, param = store.in_list(stored_matches)
        stored_cluster = dict(store.query(f"SELECT id, cluster_id FROM documents WHERE id {condition}", (param,)))
    joined: dict[str, str] = {}

    def current(cluster_id: str) -> str:
        while cluster_id in joined:
            cluster_id = joined[cluster_id]
        return cluster_id

    grown: set[str] = set()  # clusters a document joined with matches
    for (doc_id, _, _), matches in zip(documents, matches_of):
        old_clusters = {current(c) for c in (plan.cluster_of.get(m) or stored_cluster.get(m) for m in matches)
                        if c is not None}
        cluster_id = min(old_clusters | {doc_id})
        for stale in old_clusters - {cluster_id}:
            joined[stale] = cluster_id
        plan.cluster_of[doc_id] = cluster_id
        if matches:
            grown.add(cluster_id)
    for doc_id in plan.cluster_of:
        plan.cluster_of[doc_id] = current(plan.cluster_of[doc_id])
    plan.merged = [(current(stale), stale) for stale in sorted(joined)]
    refresh = {current(c) for c in grown}
    plan.refresh = sorted(refresh)
    plan.singletons = [doc_id for (doc_id, _, _), matches in zip(documents, matches_of)
                       if not matches and plan.cluster_of[doc_id] == doc_id and doc_id not in refresh]
    # a key this batch takes past MAX_DOCUMENTS_PER_BAND members loses its rows to one CROWDED
    # row, and a key that has one already gets no more: its members need not be kept
    plan.crowded = sorted(key for key, members in batch_members.items()
                          if (stored := stored_members.get(key, ())) is not None
                          and len(stored) + len(members) > MAX_DOCUMENTS_PER_BAND)
    unkept = set(plan.crowded) | {key for key, stored in stored_members.items() if stored is None}
    for (doc_id, sig, _), keys in zip(documents, keys_of):
        plan.bands.extend((key, doc_id) for key in keys if key not in unkept)
        # an empty signature marks a document with no words as indexed all the same
        plan.signatures.append((doc_id, sig or b""))
    return plan


def write_clusters(store: "Store", plan: ClusterPlan) -> None:
    """Index the planned documents (band keys, signatures) and bring the clusters they change up to date.

    Call in the transaction of `plan_clusters`, once the documents hold their cluster ids.
    """
    store.executemany("DELETE FROM minhash_bands WHERE band_key = ?", [(key,) for key in plan.crowded])
    store.executemany("INSERT INTO minhash_bands (band_key, document_id) VALUES (?, ?) "
                      "ON CONFLICT DO NOTHING", plan.bands + [(key, CROWDED) for key in plan.crowded])
    store.executemany("INSERT INTO minhash (document_id, signature) VALUES (?, ?) "
                      "ON CONFLICT (document_id) DO NOTHING", plan.signatures)
    store.executemany("INSERT INTO minhash_sketches (document_id, sketch) VALUES (?, ?) "
                      "ON CONFLICT (document_id) DO NOTHING",
                      [(doc_id, sketch(sig)) for doc_id, sig in plan.signatures])
    store.executemany("UPDATE documents SET cluster_id = ? WHERE cluster_id = ?", plan.merged)
    store.executemany("DELETE FROM clusters WHERE id = ?", [(stale,) for _, stale in plan.merged])
    # a story of its own: no need to look for its members or its earliest document
    store.executemany("INSERT INTO clusters (id, representative_id, size) VALUES (?, ?, 1) "
                      "ON CONFLICT (id) DO UPDATE SET representative_id = excluded.representative_id, "
                      "size = excluded.size", [(doc_id, doc_id) for doc_id in plan.singletons])
    for cluster_id in plan.refresh:
        _refresh_cluster(store, cluster_id)


def assign_cluster(store: "Store", document_id: str, sig: bytes | None,
                   keys: list[int] | None = None) -> str:
    """Index one stored document's signature and join it to its story cluster.

    Call inside the document's transaction. Returns the document's cluster id
    (the smallest document id of the cluster); merges clusters the document
    links together. `keys`: band_keys(sig), when computed ahead.
    """
    plan = plan_clusters(store, [(document_id, sig, keys)])
    cluster_id = plan.cluster_of[document_id]
    store.execute("UPDATE documents SET cluster_id = ? WHERE id = ?", (cluster_id, document_id))
    write_clusters(store, plan)
    return cluster_id


def _refresh_cluster(store: "Store", cluster_id: str) -> None:
    """Size and representative (earliest dated document, then smallest id; undated last) of a cluster."""
    size = store.scalar("SELECT count(*) FROM documents WHERE cluster_id = ?", (cluster_id,))
    # two index seeks (documents_cluster_published) rather than sorting the members
    representative = store.scalar(
        "SELECT id FROM documents WHERE cluster_id = ? AND published IS NOT NULL "
        "ORDER BY published, id LIMIT 1", (cluster_id,))
    if representative is None:
        representative = store.scalar(
            "SELECT id FROM documents WHERE cluster_id = ? AND published IS NULL ORDER BY id LIMIT 1",
            (cluster_id,))
    store.execute("INSERT INTO clusters (id, representative_id, size) VALUES (?, ?, ?) "
                  "ON CONFLICT (id) DO UPDATE SET representative_id = excluded.representative_id, "
                  "size = excluded.size", (cluster_id, representative, size))


def cluster_unindexed(store: "Store", batch_size: int = 500) -> int:
    """Sign and cluster stored documents that have no signature yet (e.g. after an upgrade)."""
    done = 0
    while True:
        rows = store.query("SELECT d.id, d.text FROM documents d LEFT JOIN minhash m "
                           "ON m.document_id = d.id WHERE m.document_id IS NULL "
                           "ORDER BY d.id LIMIT ?", (batch_size,))
        if not rows:
            return done
        for doc_id, text in rows:
            sig = signature(text or "")
            with store.transaction():
                assign_cluster(store, doc_id, sig)
            done += 1


# -- deployments ------------------------------------------------------------

def deployment_key(country: str | None, technology: str | None, vendor: str | None,
                   supplier_country: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(country, technology, vendor, supplier_country-when-no-vendor)."""
    return (country, technology, vendor or None, None if vendor else (supplier_country or None))


def deployment_id(country: str | None, technology: str | None, vendor: str | None,
                  supplier_country: str | None) -> str:
    key = deployment_key(country, technology, vendor, supplier_country)
    return content_id("deployment", *key)


def claim_deployment_id(claim: Claim) -> str:
    return deployment_id(claim.country, claim.technology, claim.vendor, claim.supplier_country)


def _history_order(entry: tuple) -> tuple:
    date, status, document_id = entry
    return (date is not None, date or "", STATUS_RANK.get(status, -1), document_id)


@lru_cache(maxsize=4096)
def _settings(text: str) -> tuple[str, ...]:
    """A claim's settings (a JSON list): a few combinations come back claim after claim."""
    return tuple(json.loads(text))


def _merge(dep_id: str, rows: list[tuple]) -> tuple:
    """One deployments row from the claim rows of one deployment key."""
    documents, clusters, domains, settings, history, dates = set(), set(), set(), set(), set(), []
    suppliers: Counter = Counter()
    country, technology, vendor, supplier = deployment_key(*rows[0][2:6])
    for (_claim, doc_id, _c, _t, _v, claim_supplier, claim_settings, status, published,
         cluster_id, domain) in rows:
        documents.add(doc_id)
        clusters.add(cluster_id or doc_id)
        if domain:
            domains.add(domain)
        if claim_settings:
            settings.update(_settings(claim_settings) if isinstance(claim_settings, str) else claim_settings)
        if claim_supplier:
            suppliers[claim_supplier] += 1
        history.add((published, status, doc_id))
        if published:
            dates.append(published)
    if vendor and suppliers:
        supplier = sorted(suppliers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    # the history keeps each change of status, with the first document that reported it
    changes: list[tuple] = []
    for entry in sorted(history, key=_history_order):
        if not changes or changes[-1][1] != entry[1]:
            changes.append(entry)
    return (dep_id, country, technology, vendor, supplier, changes[-1][1],
            json.dumps([{"date": d, "status": s, "document_id": doc} for d, s, doc in changes]),
            json.dumps(sorted(settings)), min(dates) if dates else None, max(dates) if dates else None,
            len(rows), len(documents), len(clusters), len(domains))


REBUILD_BATCH = 1000
# meta key: the deployment id of a fixed key when every claim's deployment_id was last checked
# against its key (the rule that makes ids from keys leaves a fingerprint there)
DEPLOYMENT_RULE_KEY = "deployment_id_rule"
# claims in deployment order, by the deployment_id index (sorting a scan of the table instead is
# quicker, 2.6 against 4.2 s for 337,405 claims, but SQLite's sorter then holds up to the page
# cache's size in memory of its own: an ingest's peak RSS grew by 17-46 MB)
_CLAIMS_BY_DEPLOYMENT = (
    "SELECT c.deployment_id, c.id, c.document_id, c.country, c.technology, c.vendor, "
    "c.supplier_country, c.settings, c.status, c.published, d.cluster_id, d.domain "
    "FROM claims c JOIN documents d ON d.id = c.document_id ORDER BY c.deployment_id")


def _deployment_rule() -> str:
    return deployment_id("rule", "rule", "rule", None)


def rebuild_deployments(store: "Store") -> int:
    """Recompute every deployment from the stored claims, in one transaction; returns their number.

    first/last seen and the latest status go by publication date (undated
    claims never outrank dated ones; on the same date the later stage wins);
    the status history lists each change of status with the first document reporting it;
    counts are distinct documents, story clusters and source domains. Claims
    stream through in deployment order, so memory holds one deployment at a time.
    """
    jsonb = "::jsonb" if store.backend == "postgresql" else ""
    insert = ("INSERT INTO deployments (id, country, technology, vendor, supplier_country, status, "
              "status_history, settings, first_seen, last_seen, n_claims, n_documents, n_clusters, "
              f"n_domains) VALUES (?, ?, ?, ?, ?, ?, ?{jsonb}, ?{jsonb}, ?, ?, ?, ?, ?, ?)")
    with store.transaction():
        store.lock("deployments")
        store.lock("clusters")
        fix_deployment_ids(store)
        store.execute("DELETE FROM deployments")
        count, batch, group, current = 0, [], [], None
        with _indexes_set_aside(store, "deployments"):
            for row in store.iterate(_CLAIMS_BY_DEPLOYMENT):
                if row[0] != current and group:
                    batch.append(_merge(current, group))
                    group = []
                current = row[0]
                group.append(row[1:])
                if len(batch) >= REBUILD_BATCH:
                    store.executemany(insert, batch)
                    count += len(batch)
                    batch = []
            if group:
                batch.append(_merge(current, group))
            store.executemany(insert, batch)
            count += len(batch)
        summarise_countries(store)
    return count


def fix_deployment_ids(store: "Store") -> None:
    """Give claims whose deployment_id is not that of their key (written before the key rule
    changed, or without one) the right one. Claims are written with it, so this reads them
    all only when the rule is not the one that last checked them (see DEPLOYMENT_RULE_KEY)."""
    rule = _deployment_rule()
    if store.scalar("SELECT value FROM meta WHERE key = ?", (DEPLOYMENT_RULE_KEY,)) == rule:
        return
    fixes = [(deployment_id(*row[1:5]), row[0]) for row in store.iterate(
        "SELECT id, country, technology, vendor, supplier_country, deployment_id FROM claims")
        if deployment_id(*row[1:5]) != row[5]]
    if fixes:
        store.executemany("UPDATE claims SET deployment_id = ? WHERE id = ?", fixes)
    store.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                  "excluded.value", (DEPLOYMENT_RULE_KEY, rule))


# SQLite sorts (an index being built, a GROUP BY) in memory up to the page cache's size before it
# uses temporary files: with an ingest's cache (48 MB, full) that memory comes on top of it, and
# grows with the database. The sorts of a rebuild run with this small cache instead.
SORT_CACHE_KIB = 2 * 1024


@contextmanager
def _small_page_cache(store: "Store") -> Iterator[None]:
    """SQLite: the connection's page cache made SORT_CACHE_KIB while the block runs, then
    given back its size."""
    if store.backend != "sqlite":
        yield
        return
    cache = store.scalar("PRAGMA cache_size")
    store.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
    try:
        yield
    finally:
        store.execute(f"PRAGMA cache_size = {int(cache)}")


@contextmanager
def _indexes_set_aside(store: "Store", table: str) -> Iterator[None]:
    """SQLite: the table's own indexes dropped while it is refilled and built again after, in the
    caller's transaction (one sort per index instead of a random insert per row: 88,569
    deployments in 1.5 s instead of 3.9). PostgreSQL keeps them: dropping one would lock
    the table against readers until the transaction ends."""
    if store.backend != "sqlite":
        yield
        return
    indexes = store.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                          "AND sql IS NOT NULL ORDER BY name", (table,))
    for name, _ in indexes:
        store.execute(f'DROP INDEX "{name}"')
    yield
    with _small_page_cache(store):
        for _, sql in indexes:
            store.execute(sql)


def summarise_countries(store: "Store") -> None:
    """Refill the per-country summaries the web atlas reads (migration 0093) from deployments and claims.

    country_totals holds the unfiltered world map's counts, country_years each
    country's claims per publication year and status; both are derived data, so
    they are rebuilt with the deployments, in the caller's transaction.
    """
    with store.transaction(), _small_page_cache(store):
        store.execute("DELETE FROM country_totals")
        store.execute("INSERT INTO country_totals (country, technologies, deployments, vendors) "
                      "SELECT country, COUNT(DISTINCT technology), COUNT(*), COUNT(DISTINCT vendor) "
                      "FROM deployments WHERE country IS NOT NULL GROUP BY country")
        store.execute("DELETE FROM country_years")
        store.execute("INSERT INTO country_years (country, year, status, claims) "
                      "SELECT country, substr(published, 1, 4), status, COUNT(*) FROM claims "
                      "WHERE country IS NOT NULL AND published IS NOT NULL "
                      "GROUP BY country, substr(published, 1, 4), status")


def cluster_precision_recall(predicted: Iterable[Sequence[str]],
                             truth: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of predicted clusters against true story labels.

    `predicted` is clusters as lists of document ids; `truth` maps each id to its story.
    """
    def pairs(groups: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
        out = set()
        for group in groups:
            members = sorted(group)
            out.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
        return out

    by_story: dict[str, list[str]] = {}
    for doc, story in truth.items():
        by_story.setdefault(story, []).append(doc)
    predicted_pairs = pairs(predicted)
    true_pairs = pairs(by_story.values())
    if not predicted_pairs:
        precision = 1.0
    else:
        precision = len(predicted_pairs & true_pairs) / len(predicted_pairs)
    recall = len(predicted_pairs & true_pairs) / len(true_pairs) if true_pairs else 1.0
    return precision, recall
