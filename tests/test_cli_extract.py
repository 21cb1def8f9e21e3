"""`custodes extract` end to end: JSONL in, JSONL out, bad lines reported, the rest written."""
import json
import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "custodes.cli"]


def run(args, **kw):
    return subprocess.run(CLI + args, capture_output=True, text=True, timeout=120, **kw)


def test_extract_file_to_file(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(d) for d in [
        {"id": "a", "text": "Police in Nairobi installed 1,800 Huawei CCTV cameras in the city centre."},
        {"id": "b", "text": "The bakery on the corner sells good bread and cakes."},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run(["extract", str(src), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["relevant"] is True
    assert rows[1]["relevant"] is False and rows[1]["claims"] == []
    claim = rows[0]["claims"][0]
    for key in ("country", "technology", "vendor", "supplier_country", "settings", "status",
                "confidence", "evidence"):
        assert key in claim
    assert claim["country"] == "KE" and claim["vendor"] == "Huawei"
    ev = claim["evidence"][0]
    text = json.loads(src.read_text().splitlines()[0])["text"]
    assert text[ev["start"]:ev["end"]] == ev["sentence"]


def test_extract_stdin_to_stdout():
    line = json.dumps({"id": 7, "text": "Police in Lima began a pilot of facial recognition."})
    proc = run(["extract", "-", "-o", "-"], input=line + "\n")
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["id"] == "7" and row["claims"][0]["status"] == "trial"


def test_bad_lines_are_reported_and_the_rest_written(tmp_path: Path):
    src = tmp_path / "bad.jsonl"
    good = json.dumps({"id": "ok", "text": "Police in Quito installed CCTV cameras."}).encode()
    lines = [
        b"this is not json",
        json.dumps({"text": "no id here"}).encode(),
        json.dumps({"id": "x"}).encode(),
        json.dumps({"id": "e", "text": "   "}).encode(),
        b'{"id": "latin", "text": "caf\xe9 cameras"}',
        good,
        json.dumps({"id": "big", "text": "x" * 2_000_000}).encode(),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    proc = run(["extract", str(src), "-o", str(out), "--max-doc-bytes", "1000000"])
    assert proc.returncode == 1
    err = proc.stderr
    assert f"{src}:1: not JSON" in err
    assert f"{src}:2: missing field(s): id" in err
    assert f"{src}:3: missing field(s): text" in err
    assert f"{src}:4: 'text' is empty" in err
    assert f"{src}:5: not UTF-8" in err
    assert f"{src}:7: line is longer than" in err
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["ok"]


def test_strict_stops_at_the_first_bad_line(tmp_path: Path):
    src = tmp_path / "bad.jsonl"
    src.write_text("nope\n" + json.dumps({"id": "ok", "text": "Police in Quito installed CCTV cameras."}) + "\n")
    out = tmp_path / "out.jsonl"
    proc = run(["extract", str(src), "-o", str(out), "--strict"])
    assert proc.returncode == 1
    assert "--strict" in proc.stderr
    assert out.read_text() == ""


def test_missing_input_file_is_named(tmp_path: Path):
    proc = run(["extract", str(tmp_path / "nope.jsonl"), "-o", "-"])
    assert proc.returncode == 1
    assert "nope.jsonl" in proc.stderr


def test_other_language_is_reported(tmp_path: Path):
    text = ("Die Polizei in Berlin hat neue Kameras auf dem Alexanderplatz installiert, "
            "teilte die Innenverwaltung am Montag mit. Die Kameras sollen rund um die Uhr laufen.")
    proc = run(["extract", "-", "-o", "-"], input=json.dumps({"id": "de", "text": text}) + "\n")
    row = json.loads(proc.stdout)
    assert row["language"] == "de" and row["claims"] == [] and "not extracted" in row["note"]
