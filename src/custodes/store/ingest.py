"""Ingest: read sources, extract claims, store everything, rebuild deployments.

Worker processes do each document's work up to the database: read its file
(main text, title, date, language), extract claims, sign it (MinHash); this
process only writes. Documents are stored a few tasks at a time in one
transaction (documents, claims, evidence, signatures, story clusters), keyed by
content-hash IDs, so a second run over the same input adds nothing and a run
killed at any moment is finished by running it again. A source or document
that fails becomes a row in `errors`; the batch goes on.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from custodes.collector import collector_paused
from custodes.model import Claim, Document, ExtractResult, IngestError, content_id
from custodes.store.db import Store, open_store, resolve_db, utc_now

Extractor = Callable[[Document], ExtractResult]
ProgressCallback = Callable[["IngestSummary"], None]
ErrorCallback = Callable[[IngestError], None]

MAX_ERRORS_KEPT = 1000  # in the summary; the errors table keeps them all


@dataclass
class IngestSummary:
    """What one ingest run did."""

    documents_new: int = 0
    documents_existing: int = 0  # already stored (this run or an earlier one)
    documents_not_extracted: int = 0  # stored, but not in an extracted language
    claims: int = 0  # claims stored by this run
    errors: int = 0  # sources, records or documents that failed in this run
    clusters: int = 0  # story clusters in the database after the run
    multi_document_clusters: int = 0  # of which hold more than one document
    deployments: int = 0  # deployments in the database after the run
    elapsed_s: float = 0.0
    error_messages: list[str] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return self.documents_new + self.documents_existing

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def documents_per_s(self) -> float:
        return self.documents / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents_new": self.documents_new, "documents_existing": self.documents_existing,
            "documents_not_extracted": self.documents_not_extracted, "claims": self.claims,
            "errors": self.errors, "clusters": self.clusters,
            "multi_document_clusters": self.multi_document_clusters,
            "deployments": self.deployments, "elapsed_s": round(self.elapsed_s, 3),
        }

    def describe(self) -> str:
        """The end-of-run summary, a few lines for people."""
        lines = [
            f"documents: {self.documents_new} new, {self.documents_existing} already stored"
            + (f", {self.documents_not_extracted} not extracted (not English)"
               if self.documents_not_extracted else ""),
            f"claims: {self.claims} new",
            f"errors: {self.errors}",
            f"story clusters: {self.clusters} ({self.multi_document_clusters} with syndicated copies)",
            f"deployments: {self.deployments}",
            f"time: {self.elapsed_s:.1f} s ({self.documents_per_s:.0f} documents/s)",
        ]
        return "\n".join(lines)


# -- work done in the worker processes -----------------------------------------

def _default_extractor() -> Extractor:
    from custodes.extract import extract_document

    return extract_document


def read_languages() -> frozenset[str]:
    """The languages the extraction engine reads (custodes.extract.READ_LANGUAGES; English at least)."""
    try:
        from custodes.extract import READ_LANGUAGES
    except ImportError:
        return frozenset({"en"})
    return frozenset(READ_LANGUAGES)


def extraction_state(doc: Document, result: ExtractResult | None) -> tuple[str | None, bool, str | None]:
    """(language, extracted, note) of a document: one in a language extraction does not read is
    stored with extracted = 0, no claims, and a note saying so."""
    language = (result.language if result is not None and result.language else None) or doc.language
    extracted = result is not None and (not language or language in read_languages())
    note = result.note if result is not None else None
    if not extracted and not note:
        note = f"not extracted: language '{language}' is not one custodes reads"
    return language, extracted, note


def prepare(doc: Document, extractor: Extractor | None = None) -> tuple[str, Any, bytes | None]:
    """Extract claims and sign one document: ("ok", ExtractResult, signature) or ("error", reason, None).

    Pure and picklable, so it runs the same in this process or a worker. The
    extractor decides what a language it does not read gives (no claims, a note).
    """
    from custodes.resolve import signature

    try:
        result = (extractor or _default_extractor())(doc)
        return ("ok", result, signature(doc.text))
    except Exception as exc:  # one document's failure stays with it
        return ("error", f"extraction failed: {type(exc).__name__}: {exc}", None)


Unit = Any  # a Document, or a custodes.ingest.dispatch.PendingFile (a file holding one document)
# ("ok", ExtractResult, signature[, DocumentRows]) or ("error", reason, None)
Prepared = tuple
STORED: Prepared = ("stored", None, None)  # already in the database: nothing to extract or write


def work(units: list[Unit], extractor: Extractor | None = None, opts: Any = None,
         stored: Callable[[list[str]], set[str]] | None = None) -> list[tuple[Any, Prepared | None]]:
    """All of a document's work before it is written: read its file (main text, title, date and
    language), extract claims and sign it. Returns (Document or IngestError, Prepared or None).

    `stored(ids)` names the ids already in the database: those documents are
    neither extracted nor sent back whole, only their id.
    """
    items: list[Any] = []
    for unit in units:
        if isinstance(unit, Document):
            items.append(unit)
        else:
            items.extend(unit.read(opts))
    ids = [item.id for item in items if isinstance(item, Document)]
    known = stored(ids) if (stored is not None and ids) else set()
    out: list[tuple[Any, Prepared | None]] = []
    for item in items:
        if isinstance(item, IngestError):
            out.append((item, None))
        elif item.id in known:
            out.append((Document(id=item.id, text="", url=item.url, source_name=item.source_name), STORED))
        else:
            prepared = prepare(item, extractor)
            if prepared[0] == "ok":  # the rows too, so the writing process only writes
                try:
                    prepared = (*prepared, document_rows(item, prepared[1], prepared[2]))
                except Exception:  # left to store_document, which records the failure
                    pass
            out.append((item, prepared))
    return out


_worker_stored: Callable[[list[str]], set[str]] | None = None


def _work_in_worker(units: list[Unit], extractor: Extractor | None, opts: Any) -> list[tuple[Any, Prepared | None]]:
    return work(units, extractor, opts, _worker_stored)


def stored_lookup(db: str | None) -> Callable[[list[str]], set[str]] | None:
    """A read-only look-up of stored document ids on its own connection (for a worker), or None.

    Only an optimisation: a document it misses is extracted and then found stored when written.
    """
    if not db or db == ":memory:":
        return None
    from custodes.store.db import is_postgres_url

    try:
        if is_postgres_url(db):
            import psycopg

            conn = psycopg.connect(db, autocommit=True, connect_timeout=10)
            marker = "%s"
        else:
            import sqlite3
            from pathlib import Path

            conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True,
                                   isolation_level=None, check_same_thread=False)
            marker = "?"
    except Exception:
        return None

    def lookup(ids: list[str]) -> set[str]:
        try:
            rows = conn.execute(f"SELECT id FROM documents WHERE id IN ({', '.join([marker] * len(ids))})",
                                tuple(ids)).fetchall()
        except Exception:
            return set()
        return {row[0] for row in rows}

    return lookup


# -- writing ---------------------------------------------------------------

def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _clean(text: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; a space keeps every character offset valid
    return text.replace("\x00", " ") if text and "\x00" in text else text


def _extractor_version(result: ExtractResult | None) -> str | None:
    if result is None:
        return None
    for claim in result.claims:
        if claim.extractor_version:
            return claim.extractor_version
    try:
        import custodes.extract as engine

        version = getattr(engine, "EXTRACTOR_VERSION", None) or getattr(engine, "__version__", None)
        return str(version) if version else None
    except Exception:
        return None


def claim_ids(document_id: str, claims: list[Claim]) -> list[str]:
    """A content-hash ID per claim: document id + claim key (+ a counter if the key repeats)."""
    seen: dict[tuple, int] = {}
    ids = []
    for claim in claims:
        n = seen.get(claim.key, 0)
        seen[claim.key] = n + 1
        ids.append(content_id(document_id, *claim.key, str(n) if n else None))
    return ids


@dataclass(slots=True)
class DocumentRows:
    """What `store_document` writes for one document, computed ahead (in a worker process):
    the documents row but its text and ingestion time, claims and evidence rows, LSH band keys."""

    document: tuple  # id, url, domain, title, published, source_type, source_name, language, extracted, note, version
    claims: list[tuple]
    evidence: list[tuple]
    band_keys: list[int] | None


def document_rows(doc: Document, result: ExtractResult | None, sig: bytes | None) -> DocumentRows:
    """The rows of one document, its claims and evidence (content-hash IDs), and its band keys."""
    import json

    from custodes.resolve import band_keys, claim_deployment_id

    language, extracted, note = extraction_state(doc, result)
    claims = list(result.claims) if (extracted and result) else []
    claim_rows, evidence_rows = [], []
    for claim, claim_id in zip(claims, claim_ids(doc.id, claims)):
        claim_rows.append((
            claim_id, doc.id, claim.country, claim.technology, claim.vendor,
            claim.supplier_country, json.dumps(sorted(set(claim.settings))), claim.status,
            round(float(claim.confidence), 3), doc.published, claim_deployment_id(claim),
            claim.extractor_version or None))
        for ev in claim.evidence:
            page = ev.page if ev.page is not None else doc.page_at(ev.start)
            evidence_rows.append((
                content_id(claim_id, str(ev.start), str(ev.end), str(page)), claim_id, doc.id,
                _clean(ev.sentence), ev.start, ev.end, page, json.dumps(list(ev.matched))))
    document = (doc.id, _clean(doc.url), _domain(doc.url), _clean(doc.title), doc.published,
                doc.source_type, _clean(doc.source_name), language, int(extracted), note,
                _extractor_version(result) if extracted else None)
    return DocumentRows(document, claim_rows, evidence_rows, band_keys(sig) if sig is not None else None)


# Documents whose story clusters are worked out together (their candidates' signatures are
# held in memory at once: ~140 per document on a large corpus of templated news); a larger
# transaction is written this many at a time, so memory does not grow with the database.
DOCS_PER_PLAN = 128


def store_documents(store: Store, entries: list[tuple]) -> list[int | None]:
    """Store documents with their claims, evidence and story clusters, all in one transaction.

    `entries`: (Document, ExtractResult, signature[, DocumentRows computed ahead]).
    Each statement runs once for DOCS_PER_PLAN documents, not once per document; what
    is stored is exactly what storing them one after the other stores (the first of
    two documents with one id wins). Returns, per entry, the number of claims
    stored, or None when its document was already there.
    """
    results: list[int | None] = []
    with store.transaction():
        for start in range(0, len(entries), DOCS_PER_PLAN):
            results += _store_together(store, entries[start:start + DOCS_PER_PLAN])
    return results


def _store_together(store: Store, entries: list[tuple]) -> list[int | None]:
    """store_documents for up to DOCS_PER_PLAN entries, in the caller's transaction."""
    from custodes.resolve import plan_clusters, write_clusters

    rows = [entry[3] if len(entry) > 3 and entry[3] is not None else document_rows(*entry[:3])
            for entry in entries]
    jsonb = "::jsonb" if store.backend == "postgresql" else ""
    with store.transaction():
        store.lock("clusters")  # before looking: a concurrent writer may be storing the same documents
        condition, param = store.in_list([r.document[0] for r in rows])
        seen = {row[0] for row in store.query(f"SELECT id FROM documents WHERE id {condition}", (param,))}
        new: list[int] = []  # entries to store: documents neither stored nor earlier in the batch
        for i, r in enumerate(rows):
            if r.document[0] not in seen:
                seen.add(r.document[0])
                new.append(i)
        if not new:
            return [None] * len(entries)
        plan = plan_clusters(store, [(rows[i].document[0], entries[i][2], rows[i].band_keys) for i in new])
        now = utc_now()
        documents = []
        for i in new:
            (doc_id, url, domain, title, published, source_type, source_name, language, extracted, note,
             version) = rows[i].document
            documents.append((doc_id, url, domain, title, published, source_type, source_name, language,
                              _clean(entries[i][0].text), extracted, note, plan.cluster_of[doc_id], now, version))
        inserted = _insert_documents(store, documents)
        if inserted != len(documents):  # stored meanwhile (by an older writer): worked out again one by one
            raise DocumentsChanged(f"{len(documents) - inserted} of {len(documents)} documents stored meanwhile")
        store.executemany(
            "INSERT INTO claims (id, document_id, country, technology, vendor, supplier_country, "
            f"settings, status, confidence, published, deployment_id, extractor_version) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?{jsonb}, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            [claim for i in new for claim in rows[i].claims])
        store.executemany(
            "INSERT INTO evidence (id, claim_id, document_id, sentence, start, end_, page, matched) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?{jsonb}) ON CONFLICT (id) DO NOTHING",
            [evidence for i in new for evidence in rows[i].evidence])
        write_clusters(store, plan)
    stored = set(new)
    return [len(rows[i].claims) if i in stored else None for i in range(len(entries))]


DOCUMENTS_PER_INSERT = 64  # 14 parameters each: within the 999 of SQLite's oldest default limit


def _insert_documents(store: Store, documents: list[tuple]) -> int:
    """Insert documents rows (all 14 columns), many to a statement; returns how many were new.

    SQLite's full-text index writes its pending terms out as a new segment at the end
    of each statement (a statement savepoint), so one INSERT per document would write,
    and later merge, one segment per document: 64 to a statement cost under half as much.
    """
    inserted = 0
    for start in range(0, len(documents), DOCUMENTS_PER_INSERT):
        chunk = documents[start:start + DOCUMENTS_PER_INSERT]
        inserted += store.execute(
            "INSERT INTO documents (id, url, domain, title, published, source_type, source_name, "
            "language, text, extracted, note, cluster_id, ingested_at, extractor_version) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
            + " ON CONFLICT (id) DO NOTHING", [value for row in chunk for value in row]).rowcount
    return inserted


class DocumentsChanged(Exception):
    """Documents of a batch were stored by another writer between the look and the insert."""


def store_document(store: Store, doc: Document, result: ExtractResult | None,
                   sig: bytes | None, rows: DocumentRows | None = None) -> int | None:
    """Store one document with its claims, evidence and story cluster, atomically.

    `rows`: document_rows(doc, result, sig) when they were computed ahead.
    Returns the number of claims stored, or None when the document was already there.
    """
    return store_documents(store, [(doc, result, sig, rows)])[0]


def store_error(store: Store, error: IngestError) -> None:
    """Record a source, record or document that failed (once: the ID is a content hash)."""
    with store.transaction():
        store.execute(
            "INSERT INTO errors (id, source, location, reason, occurred_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            (content_id("error", error.source, error.location, error.reason), _clean(error.source),
             _clean(error.location), _clean(error.reason), utc_now()))


# -- the run ---------------------------------------------------------------

PARENT_CHECK_S = 1.0
UNITS_PER_TASK = 16  # documents or files sent to a worker at once: amortises the pickling
MAX_TASKS_IN_FLIGHT_PER_WORKER = 4  # bounds memory whatever the corpus size
# Documents written in one commit (the last commit of a run takes what is left). Each commit
# writes every index page it touched again, and the LSH band and full-text indexes are touched
# on random pages: 3,000 documents written into a copy of bench/ingest_speed.py's 100,000-document
# database took the writing process 2.36 ms per document in commits of 1,024, 3.46 in commits of 64.
# A kill loses at most the documents not yet committed (their work is done again on the next
# run); `commit_every` sets it per run.
DOCS_PER_TRANSACTION = 1000
MAX_CHARS_PER_TRANSACTION = 32_000_000  # ... or fewer, when their texts are this long: memory stays bounded
SQLITE_CACHE_KIB = 48 * 1024  # page cache of the writing connection: full by ~5,000 documents, then flat
SQLITE_WAL_CHECKPOINT_PAGES = 10_000  # ~40 MB of WAL between checkpoints (SQLite's default: 1,000)
# Workers run this much nicer than the ingest process. Its writer is the one part that cannot be
# shared out: at the same priority it got about two thirds of a core against two workers on two
# cores, and the run went at its pace (30,000 documents: 626 documents/s, 1.76 of 2 cores busy;
# at 10: 682-692/s, 1.88 cores). The workers take whatever CPU the writer leaves, and yield to
# other programs on the machine too, as a batch job should.
WORKER_NICENESS = 10


def _worker_init(parent_pid: int, db: str | None) -> None:
    """In a worker: end when the ingest process is gone (killed with SIGKILL, say), never linger;
    open a read-only look-up of the documents already stored; step down to WORKER_NICENESS."""
    import threading

    global _worker_stored
    _worker_stored = stored_lookup(db)
    if hasattr(os, "nice"):  # POSIX: a step down is always allowed
        os.nice(WORKER_NICENESS)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="custodes-parent-watch", daemon=True).start()


def _pool(workers: int, db: str | None) -> ProcessPoolExecutor:
    # spawn: workers are children of this process, so they can tell when it dies
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(os.getpid(), db))


def _chars(outcomes: list[tuple[Any, Prepared | None]]) -> int:
    return sum(len(item.text) for item, _ in outcomes if isinstance(item, Document))


def _unit_source(unit: Unit) -> str:
    if isinstance(unit, Document):
        return unit.source_name or unit.url or unit.id
    return str(unit.path)


class _Run:
    """One ingest run over a stream of Documents, IngestErrors and files to read (PendingFile)."""

    def __init__(self, store: Store, *, workers: int, extractor: Extractor | None,
                 progress: ProgressCallback | None, on_error: ErrorCallback | None,
                 read_options: Any = None, db: str | None = None, commit_every: int | None = None) -> None:
        if commit_every is not None and commit_every < 1:
            raise ValueError(f"commit_every must be at least 1, not {commit_every}")
        self.store = store
        self.commit_every = commit_every or DOCS_PER_TRANSACTION
        self.workers = max(1, workers)
        self.extractor = extractor
        self.progress = progress
        self.on_error = on_error
        self.read_options = read_options
        self.db = db  # where workers look up stored documents (None: they do not)
        self.summary = IngestSummary()
        self.started = time.monotonic()
        self.executor: ProcessPoolExecutor | None = None
        self.in_flight: deque[tuple[list[Unit], Future]] = deque()
        # with worker processes, commits are written by a thread of this process while this
        # thread goes on handing documents to the workers: they extract the next batch while
        # one is written, instead of waiting for each commit
        self.writer: ThreadPoolExecutor | None = None
        self.writing: Future | None = None  # the batch the writer thread is storing
        self.ready: list[tuple[Any, Prepared | None]] = []  # outcomes waiting for the next commit
        self.ready_chars = 0

    def error(self, error: IngestError) -> None:
        store_error(self.store, error)
        self.summary.errors += 1
        if len(self.summary.error_messages) < MAX_ERRORS_KEPT:
            self.summary.error_messages.append(str(error))
        if self.on_error:
            self.on_error(error)
        self.tick()

    def tick(self) -> None:
        if self.progress:
            self.summary.elapsed_s = time.monotonic() - self.started
            self.progress(self.summary)

    def stored(self, ids: list[str]) -> set[str]:
        rows = self.store.query(f"SELECT id FROM documents WHERE id IN ({', '.join('?' * len(ids))})", ids)
        return {row[0] for row in rows}

    def write(self, outcomes: list[tuple[Any, Prepared | None]]) -> None:
        """Store the documents of a few tasks in one transaction; record the errors."""
        ready: list[tuple] = []  # (Document, ExtractResult, signature, DocumentRows)
        for item, prepared in outcomes:
            if isinstance(item, IngestError):
                self.error(item)
            elif prepared[0] == "stored":
                self.summary.documents_existing += 1
                self.tick()
            elif prepared[0] == "error":
                self.error(IngestError(source=item.source_name or item.url or item.id,
                                       location=f"document {item.id}", reason=prepared[1]))
            else:
                ready.append((item, *prepared[1:]))
        if not ready:
            return
        try:
            results = collector_paused(lambda: store_documents(self.store, ready))
        except Exception:
            self._rollback()
            for entry in ready:  # one at a time, so only a document that cannot be stored fails
                self.write_one(*entry)
            return
        for (doc, result, *_), stored in zip(ready, results):
            self.count(doc, result, stored)

    def write_one(self, doc: Document, result: ExtractResult, sig: bytes | None,
                  rows: DocumentRows | None = None) -> None:
        try:
            stored = store_document(self.store, doc, result, sig, rows)
        except Exception as exc:
            self._rollback()
            self.error(IngestError(source=doc.source_name or doc.url or doc.id,
                                   location=f"document {doc.id}",
                                   reason=f"could not store: {type(exc).__name__}: {exc}"))
            return
        self.count(doc, result, stored)

    def _rollback(self) -> None:
        if self.store.backend == "postgresql" and not self.store.conn.closed:
            self.store.conn.rollback()

    def count(self, doc: Document, result: ExtractResult, stored: int | None) -> None:
        if stored is None:
            self.summary.documents_existing += 1
        else:
            self.summary.documents_new += 1
            self.summary.claims += stored
            if not extraction_state(doc, result)[1]:
                self.summary.documents_not_extracted += 1
        self.tick()

    def submit(self, units: list[Unit], *, whole_run: bool = False) -> None:
        # a run of one task (a handful of documents) is done here, quicker than starting
        # workers; a longer one never loads readers or extraction in this process, which
        # then stays small (~70 MB instead of ~250 MB)
        if self.workers == 1 or (self.executor is None and whole_run):
            self.take(work(units, self.extractor, self.read_options, self.stored))
            return
        if self.executor is None:
            self.executor = _pool(self.workers, self.db)
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="custodes-writer")
        self.in_flight.append((units, self._submit(units)))
        while len(self.in_flight) > self.workers * MAX_TASKS_IN_FLIGHT_PER_WORKER:
            self.drain()

    def _submit(self, units: list[Unit]) -> Future:
        return self.executor.submit(_work_in_worker, units, self.extractor, self.read_options)

    def drain(self) -> None:
        """Take the oldest task's outcomes (waiting for it while the workers go on with the rest)
        and those of the tasks after it that are done."""
        outcomes = self.outcome(*self.in_flight.popleft())
        while self.in_flight and self.in_flight[0][1].done():
            outcomes.extend(self.outcome(*self.in_flight.popleft()))
        self.take(outcomes)

    def take(self, outcomes: list[tuple[Any, Prepared | None]]) -> None:
        """Keep outcomes for the next commit; write self.commit_every documents at a time (all
        of those kept once their texts reach MAX_CHARS_PER_TRANSACTION characters)."""
        self.ready.extend(outcomes)
        self.ready_chars += _chars(outcomes)
        if self.ready_chars >= MAX_CHARS_PER_TRANSACTION:
            self.flush()
        while len(self.ready) >= self.commit_every:
            outcomes, self.ready = self.ready[:self.commit_every], self.ready[self.commit_every:]
            self.ready_chars -= _chars(outcomes)
            self.hand_over(outcomes)

    def flush(self) -> None:
        """Write the outcomes kept so far."""
        outcomes, self.ready, self.ready_chars = self.ready, [], 0
        if outcomes:
            self.hand_over(outcomes)

    def hand_over(self, outcomes: list[tuple[Any, Prepared | None]]) -> None:
        """Write a batch: here, or in the writer thread once it has written the one before (so
        at most two batches are held, the one being written and the next; a failure of the
        writer is raised here). Two batches handed over at once instead were 2% quicker on
        30,000 documents, but their memory then grew as the writer slowed with the database."""
        if self.writer is None:
            self.write(outcomes)
            return
        self.wait_for_writer()
        self.writing = self.writer.submit(self.write, outcomes)

    def wait_for_writer(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def outcome(self, units: list[Unit], future: Future) -> list[tuple[Any, Prepared | None]]:
        try:
            return future.result()
        except BrokenProcessPool as exc:
            # a worker died (out of memory, a crash in native code): these units fail, the run goes on
            self._restart_pool()
            reason = f"extraction process died: {exc}"
        except Exception as exc:
            reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return [(IngestError(source=_unit_source(unit),
                             location=f"document {unit.id}" if isinstance(unit, Document) else None,
                             reason=reason), None) for unit in units]

    def _restart_pool(self) -> None:
        pending = list(self.in_flight)
        self.in_flight.clear()
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = _pool(self.workers, self.db)
        for units, _ in pending:  # resubmit what the dead pool never finished
            self.in_flight.append((units, self._submit(units)))

    def run(self, items: Iterable[Any]) -> IngestSummary:
        units: list[Unit] = []
        per_task = UNITS_PER_TASK if self.workers > 1 else 1
        try:
            for item in items:
                if isinstance(item, IngestError):  # recorded with the next batch, by the writer
                    self.take([(item, None)])
                    continue
                units.append(item)
                # the first task waits for one more unit: it shows whether the run is longer than a task
                if len(units) > per_task or (len(units) == per_task and
                                             (self.workers == 1 or self.executor is not None)):
                    self.submit(units[:per_task])
                    units = units[per_task:]
            if units:
                self.submit(units, whole_run=self.executor is None)
            while self.in_flight:
                self.drain()
            self.flush()
            self.wait_for_writer()
        finally:
            if self.executor is not None:
                self.executor.shutdown(wait=True, cancel_futures=True)
            if self.writer is not None:  # a batch being written is finished (committed) first
                self.writer.shutdown(wait=True, cancel_futures=True)
        self.finish()
        return self.summary

    def finish(self) -> None:
        from custodes.resolve import cluster_unindexed, rebuild_deployments

        cluster_unindexed(self.store)
        self.summary.deployments = rebuild_deployments(self.store)
        self.summary.clusters = int(self.store.scalar("SELECT count(*) FROM clusters") or 0)
        self.summary.multi_document_clusters = int(
            self.store.scalar("SELECT count(*) FROM clusters WHERE size > 1") or 0)
        self.summary.elapsed_s = time.monotonic() - self.started
        self.tick()


def ingest_documents(items: Iterable[Document | IngestError], db: str | Store | None = None, *,
                     workers: int | None = 1, extractor: Extractor | None = None,
                     progress: ProgressCallback | None = None,
                     on_error: ErrorCallback | None = None, read_options: Any = None,
                     commit_every: int | None = None) -> IngestSummary:
    """Store already-read Documents (and record IngestErrors); the engine under `ingest`.

    `items` may also hold custodes.ingest.dispatch.PendingFile: files read, with
    `read_options`, in the worker that extracts their document.
    """
    store = db if isinstance(db, Store) else open_store(db)
    if store.backend == "sqlite" and not isinstance(db, Store):
        # a bigger page cache than SQLite's 2 MB keeps the index pages each document touches
        # (story bands, full text) in memory; a longer WAL between checkpoints writes each
        # hot page back (and syncs) less often
        store.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        store.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_WAL_CHECKPOINT_PAGES}")
    try:
        return _Run(store, workers=workers or os.cpu_count() or 1, extractor=extractor,
                    progress=progress, on_error=on_error, read_options=read_options,
                    db=_reachable(store, db), commit_every=commit_every).run(items)
    finally:
        if not isinstance(db, Store):
            store.close()


def _reachable(store: Store, db: str | Store | None) -> str | None:
    """The database as another process can open it (a PostgreSQL URL keeps its password)."""
    if isinstance(db, Store):
        return None if db.backend == "postgresql" else db.db
    return resolve_db(db)


def ingest(sources: Iterable[str], db: str | Store | None = None, *, workers: int | None = None,
           progress: ProgressCallback | None = None, on_error: ErrorCallback | None = None,
           extractor: Extractor | None = None, commit_every: int | None = None,
           **read_options: Any) -> IngestSummary:
    """Read every source (files, folders, URLs, "-"), extract, store, and rebuild deployments.

    `db`: SQLite path or postgresql:// URL (default $CUSTODES_DB or custodes.db).
    `workers`: processes that read, extract and sign documents (default: CPU count;
    1 does everything in this process, which then only writes otherwise).
    `commit_every`: documents written per transaction (default DOCS_PER_TRANSACTION; the
    last commit takes what is left): a kill loses at most those not yet committed; more is faster.
    `read_options` go to `custodes.ingest.iter_documents` (max_doc_bytes, timeout_s, ...).

    >>> summary = ingest(["examples/"], db="custodes.db")   # doctest: +SKIP
    >>> summary.documents_new, summary.claims, summary.errors  # doctest: +SKIP
    """
    from custodes.ingest import IngestOptions
    from custodes.ingest.dispatch import iter_sources

    workers = workers or os.cpu_count() or 1
    opts = IngestOptions.from_kwargs(read_options)
    # files of one document are read by the workers, with the rest of their document's work
    items = iter_sources(list(sources), opts, defer_files=True)
    return ingest_documents(items, db, workers=workers, extractor=extractor, progress=progress,
                            on_error=on_error, read_options=opts, commit_every=commit_every)
