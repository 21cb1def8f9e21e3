"""Resumable and concurrent: real `custodes ingest` processes, killed with SIGKILL or run side by side.

A run killed at any moment and run again ends with exactly the database an
uninterrupted run gives (compared as a canonical dump: every table, sorted,
timestamps left out). Two processes writing different inputs to one database
at once lose nothing: the result equals ingesting both inputs one after the other.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custodes.store import canonical_dump, open_store
from store_support import new_db, write_corpus

CUSTODES = [sys.executable, "-m", "custodes.cli"]
KILLS = int(os.environ.get("CUSTODES_TEST_KILLS", "20"))
RUN_TIMEOUT_S = 300


def run_ingest(sources: list[Path], db: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CUSTODES, "ingest", *map(str, sources), "--db", db, "--quiet", *extra],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S)


def start_ingest(sources: list[Path], db: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*CUSTODES, "ingest", *map(str, sources), "--db", db, "--quiet", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def dump(db: str) -> dict:
    with open_store(db) as store:
        return canonical_dump(store)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the ingest process (and, after it, any extraction worker it left behind)."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_runs_finish_with_the_uninterrupted_database(tmp_path, request, backend):
    corpus = tmp_path / "corpus"
    n = write_corpus(corpus, 110, seed=31)
    assert n >= 200
    reference = new_db(backend, tmp_path, request, "reference.db")
    started = time.monotonic()
    done = run_ingest([corpus], reference, "--workers", "2")
    full_run_s = time.monotonic() - started
    assert done.returncode == 1, done.stderr  # the broken archive is reported
    assert "broken-archive.jsonl.gz" in done.stderr
    expected = dump(reference)
    assert len(expected["documents"]) >= 200 and expected["deployments"]

    # a second run over the same input adds nothing; its length is that of a run with nothing new
    started = time.monotonic()
    again = run_ingest([corpus], reference, "--workers", "2")
    rerun_s = time.monotonic() - started
    assert again.returncode == 1 and dump(reference) == expected

    total = len(expected["documents"])
    resumed = new_db(backend, tmp_path, request, "resumed.db")
    rng = random.Random(97)
    storing_kills = KILLS * 3 // 5  # the rest interrupt runs that find everything stored
    kills = 0
    stored_after_kill: list[int] = []
    with open_store(resumed) as watcher:
        for attempt in range(KILLS):
            stored = watcher.scalar("SELECT count(*) FROM documents")
            # a commit per task of the workers (the reference run commits 64 documents at a time): more
            # moments to be killed at, and the batch size must not change the database
            proc = start_ingest([corpus], resumed, "--workers", str(rng.choice([1, 2])), "--commit-every", "1")
            if stored >= total:  # anywhere in a run with nothing new: checks, clusters, deployments
                target, extra_s = None, rng.uniform(0.05, rerun_s)
            elif attempt == storing_kills - 1:  # just after the last document: the final rebuild
                target, extra_s = total, rng.uniform(0.0, 0.2)
            elif attempt % 5 == 2:  # during start-up: imports, migrations, reference data
                target, extra_s = None, rng.uniform(0.05, 0.8)
            else:  # while storing documents, a slice of what is left each time
                step = max(1, (total - stored) // (storing_kills - attempt))
                target, extra_s = min(total - 1, stored + rng.randint(1, 2 * step)), 0.0
            deadline = time.monotonic() + full_run_s * 3 + 10
            while proc.poll() is None and time.monotonic() < deadline:
                if target is None or watcher.scalar("SELECT count(*) FROM documents") >= target:
                    break
                time.sleep(0.01)
            time.sleep(extra_s)
            if proc.poll() is None:
                kill_group(proc)
                kills += 1
                stored_after_kill.append(watcher.scalar("SELECT count(*) FROM documents"))
    print(f"\n{backend}: {kills} kills; documents stored after each: {stored_after_kill}")
    assert kills >= KILLS * 3 // 5, "the runs were too quick to be killed mid-way"
    assert sum(0 < n < total for n in stored_after_kill) >= 5, "too few kills in the middle of the work"
    last = run_ingest([corpus], resumed, "--workers", "2")
    assert last.returncode == 1 and "broken-archive.jsonl.gz" in last.stderr
    assert dump(resumed) == expected


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_writing_at_once_lose_nothing(tmp_path, request, backend):
    # two inputs that share syndicated stories, so the processes also merge each other's clusters
    first, second = tmp_path / "first", tmp_path / "second"
    write_corpus(first, 45, seed=41, with_bad_file=False)
    write_corpus(second, 45, seed=42, with_bad_file=False)
    # the second input also carries other sites' copies of the first input's wire stories
    copies = []
    for line in (first / "wire-0.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["url"] = record["id"] = record["url"].replace("https://", "https://mirror.")
        record["text"] = "Republished with permission. " + record["text"]
        copies.append(json.dumps(record))
    (second / "mirror.jsonl").write_text("\n".join(copies) + "\n", encoding="utf-8")

    together = new_db(backend, tmp_path, request, "together.db")
    procs = [start_ingest([first], together, "--workers", "1"),
             start_ingest([second], together, "--workers", "1")]
    for proc in procs:
        _, err = proc.communicate(timeout=RUN_TIMEOUT_S)
        assert proc.returncode == 0, err

    one_after_other = new_db(backend, tmp_path, request, "sequential.db")
    for source in (first, second):
        done = run_ingest([source], one_after_other, "--workers", "1")
        assert done.returncode == 0, done.stderr
    assert dump(together) == dump(one_after_other)
