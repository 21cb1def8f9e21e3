"""JSONL and JSON in the `custodes extract` input shape, from files, gzip and standard input."""
from __future__ import annotations

import json
import subprocess
import sys

from custodes.ingest import iter_documents, read_path
from custodes.model import Document
from ingest_support import gzip_bytes, split_items

RECORDS = [
    {"id": "a1", "text": "Police in Nairobi installed 1,800 CCTV cameras across the city centre.",
     "url": "https://news.example/a1", "title": "Kenya cameras", "published": "2023-05-04"},
    {"id": "a2", "text": "La police de Dakar a installé des caméras de surveillance dans le centre-ville."},
    {"id": 3, "text": "The ministry plans to buy facial recognition systems for the main airport next year.",
     "published": "2024-01-15T09:30:00Z"},
]


def jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_each_line_is_a_document_with_its_fields(tmp_path):
    p = tmp_path / "docs.jsonl"
    p.write_text(jsonl(RECORDS), encoding="utf-8")
    docs = list(read_path(p))
    assert [d.meta["given_id"] for d in docs] == ["a1", "a2", "3"]
    first = docs[0]
    assert (first.url, first.title, first.published) == ("https://news.example/a1", "Kenya cameras", "2023-05-04")
    assert first.id == Document.make_id(RECORDS[0]["text"], RECORDS[0]["url"])
    assert first.source_type == "jsonl" and first.source_name == str(p)
    assert [d.language for d in docs] == ["en", "fr", "en"]
    assert docs[2].published == "2024-01-15"


def test_bad_lines_name_their_line_and_the_rest_is_read(tmp_path):
    p = tmp_path / "docs.jsonl"
    lines = [json.dumps(RECORDS[0]), "{not json", "", json.dumps({"id": "x"}), json.dumps([1, 2]),
             json.dumps({"id": "y", "text": 5}), json.dumps({"id": "z", "text": "ok", "url": 7}),
             json.dumps(RECORDS[1])]
    p.write_text("\n".join(lines) + "\n")
    docs, errors = split_items(list(read_path(p)))
    assert [d.meta["given_id"] for d in docs] == ["a1", "a2"]
    assert [(e.source, e.location) for e in errors] == [(str(p), f"line {n}") for n in (2, 4, 5, 6, 7)]
    assert errors[0].reason.startswith("invalid JSON")
    assert errors[1].reason == 'missing "text" (a string)'
    assert errors[2].reason == "expected a JSON object, got list"
    assert errors[3].reason == '"text" must be a string, got int'
    assert errors[4].reason == '"url" must be a string, got int'


def test_invalid_utf8_line_is_an_error(tmp_path):
    p = tmp_path / "docs.jsonl"
    p.write_bytes(json.dumps(RECORDS[0]).encode() + b"\n" + b'{"id": "b", "text": "caf\xe9"}\n')
    docs, errors = split_items(list(read_path(p)))
    assert len(docs) == 1
    assert errors[0].location == "line 2" and errors[0].reason.startswith("not UTF-8")


def test_oversize_line_is_skipped_without_losing_the_next(tmp_path):
    p = tmp_path / "docs.jsonl"
    big = {"id": "big", "text": "x " * 50_000}
    p.write_text(jsonl([RECORDS[0], big, RECORDS[1]]))
    docs, errors = split_items(list(iter_documents([str(p)], max_doc_bytes=10_000)))
    assert [d.meta["given_id"] for d in docs] == ["a1", "a2"]
    (err,) = errors
    assert err.location == "line 2" and err.reason == "line longer than max_doc_bytes (10000 bytes)"


def test_json_array_and_single_object(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(RECORDS, indent=2))
    (tmp_path / "b.json").write_text(json.dumps(RECORDS[1], indent=2))
    docs, errors = split_items(list(iter_documents([str(tmp_path)])))
    assert not errors
    assert [d.meta["given_id"] for d in docs] == ["a1", "a2", "3", "a2"]
    assert [d.meta["location"] for d in docs] == ["item 1", "item 2", "item 3", "line 1"]


def test_json_array_is_streamed_in_small_chunks(tmp_path, monkeypatch):
    from custodes.ingest import jsonl as jsonl_module

    monkeypatch.setattr(jsonl_module, "CHUNK_BYTES", 64)  # force items to span chunk borders
    records = [{"id": str(i), "text": f"Record number {i} about cameras installed in a city."} for i in range(40)]
    p = tmp_path / "many.json"
    p.write_text(json.dumps(records))
    docs = list(read_path(p))
    assert [d.meta["given_id"] for d in docs] == [str(i) for i in range(40)]


def test_truncated_json_array_keeps_the_items_before(tmp_path):
    p = tmp_path / "cut.json"
    p.write_text(json.dumps(RECORDS)[:-40])
    docs, errors = split_items(list(read_path(p)))
    assert [d.meta["given_id"] for d in docs] == ["a1", "a2"]
    (err,) = errors
    assert err.source == str(p) and err.location == "item 3" and err.reason.startswith("invalid JSON")


def test_gzipped_jsonl(tmp_path):
    p = tmp_path / "docs.jsonl.gz"
    p.write_bytes(gzip_bytes(jsonl(RECORDS).encode()))
    docs = list(read_path(p))
    assert [d.meta["given_id"] for d in docs] == ["a1", "a2", "3"]


def test_standard_input(tmp_path):
    """`-` reads JSONL from standard input (run in a child process with a real pipe)."""
    code = ("from custodes.ingest import iter_documents\n"
            "for d in iter_documents(['-']):\n"
            "    print(getattr(d, 'id', None), getattr(d, 'location', None))\n")
    data = jsonl(RECORDS[:2]) + "oops\n"
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, text=True,
                         check=True, timeout=60).stdout.splitlines()
    assert out == [f"{Document.make_id(RECORDS[0]['text'], RECORDS[0]['url'])} None",
                   f"{Document.make_id(RECORDS[1]['text'], None)} None",
                   "None line 3"]
