"""`custodes serve` and `custodes demo` as a user runs them: real processes on loopback."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from web_support import CORPUS, build_db, write_corpus


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> bytes:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read()
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise AssertionError(f"process exited with {proc.returncode}: {out}")
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the server did not stop on SIGTERM")


def test_serve_with_several_workers_answers_and_stops(tmp_path):
    db = build_db(tmp_path, documents=CORPUS[:4])
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "custodes.cli", "serve", "--db", db, "--port", str(port),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        data = json.loads(wait_for(f"http://127.0.0.1:{port}/index.json", proc))
        assert {c["iso2"] for c in data["countries"]} >= {"KE", "UG"}
        for _ in range(20):  # both workers answer the same
            assert json.loads(wait_for(f"http://127.0.0.1:{port}/index.json", proc)) == data
    finally:
        code = stop(proc)
    assert code == 0


def test_serve_refuses_a_missing_database_clearly(tmp_path):
    missing = tmp_path / "nothing-here.db"
    r = subprocess.run([sys.executable, "-m", "custodes.cli", "serve", "--db", str(missing), "--port", "0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert str(missing) in r.stderr and "no such database file" in r.stderr
    assert not missing.exists()  # read-only: serving never creates a database


def test_demo_ingests_prints_a_profile_and_serves_with_the_notice(tmp_path):
    examples = tmp_path / "examples"
    write_corpus(examples, [dict(d, title="[Invented example] " + d["title"]) for d in CORPUS if not d["id"].startswith("rs")])
    db = tmp_path / "demo.db"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "custodes.cli", "demo", "--db", str(db), "--port", str(port),
                             "--examples", str(examples)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/", proc, timeout_s=120).decode()
        assert "Demo data." in page and "invented example" in page
        top = json.loads(wait_for(f"http://127.0.0.1:{port}/index.json", proc))["countries"]
        busiest = max(top, key=lambda c: (c["deployments"], [-ord(x) for x in c["iso2"]]))
    finally:
        stop(proc)
    out = proc.stdout.read()
    assert f"({busiest['iso2']}):" in out, out
    assert f"http://127.0.0.1:{port}/" in out


def test_serve_and_demo_are_documented():
    from typer.testing import CliRunner

    from custodes.cli import app

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in ("serve", "demo"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and f"custodes {command}" in result.output and "Example:" in result.output
        assert f"custodes {command}" in readme
    assert "scripts/demo" in readme.split("## ")[0]  # the README's first screen
