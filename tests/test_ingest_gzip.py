"""gzip: any format inside, bombs capped, truncation reported after the good records."""
from __future__ import annotations

import gzip
import json

from custodes.ingest import iter_documents, read_path
from custodes.model import Document
from ingest_support import gzip_bytes, split_items

TEXT = "Police in Nairobi installed 1,800 CCTV cameras across the city centre, officials said."


def lines(n: int) -> bytes:
    return b"".join(json.dumps({"id": f"d{i}", "text": f"{TEXT} Report {i}."}).encode() + b"\n" for i in range(n))


def test_gzipped_text_keeps_its_format(tmp_path):
    p = tmp_path / "note.txt.gz"
    p.write_bytes(gzip_bytes(f"Cameras in Nairobi\n\n{TEXT}".encode()))
    (doc,) = list(read_path(p))
    assert isinstance(doc, Document) and doc.title == "Cameras in Nairobi" and doc.source_type == "text"


def test_gzip_bomb_is_capped_and_reported(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as g:  # 200 MB of one letter, about 200 KB on disk
        block = b"a" * (1 << 20)
        for _ in range(200):
            g.write(block)
    good = tmp_path / "good.txt"
    good.write_text(TEXT)
    docs, errors = split_items(list(iter_documents([str(bomb), str(good)], max_doc_bytes=5_000_000)))
    assert [d.source_name for d in docs] == [str(good)]
    (err,) = errors
    assert err.source == str(bomb) and err.reason.startswith("gzip bomb: ")
    assert "limit 100" in err.reason


def test_bomb_after_good_lines_keeps_the_lines(tmp_path):
    p = tmp_path / "docs.jsonl.gz"
    with gzip.open(p, "wb") as g:
        g.write(lines(5))
        for _ in range(50):
            g.write(b" " * (1 << 20))
    docs, errors = split_items(list(iter_documents([str(p)], max_doc_bytes=2_000_000)))
    assert [d.meta["given_id"] for d in docs] == [f"d{i}" for i in range(5)]
    assert len(errors) == 1 and errors[0].reason.startswith("gzip bomb")


def test_max_source_bytes_caps_decompression(tmp_path):
    p = tmp_path / "docs.jsonl.gz"
    p.write_bytes(gzip_bytes(lines(2000)))
    docs, errors = split_items(list(iter_documents([str(p)], max_source_bytes=50_000)))
    assert 0 < len(docs) < 2000
    assert [e.reason for e in errors] == ["decompressed size passed max_source_bytes (50000 bytes)"]


def test_truncated_gzip_keeps_documents_before_the_cut(tmp_path):
    data = gzip_bytes(lines(3000))
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) * 2 // 3])
    docs, errors = split_items(list(read_path(p)))
    assert 0 < len(docs) < 3000
    assert [d.meta["given_id"] for d in docs] == [f"d{i}" for i in range(len(docs))]
    err = errors[-1]
    assert err.source == str(p) and err.reason.startswith("truncated gzip: the compressed stream ends early")
    # the partial last line may also be reported as bad JSON, never as a document
    assert all(e.reason.startswith(("truncated gzip", "invalid JSON")) for e in errors)


def test_truncated_single_document_gzip(tmp_path):
    data = gzip_bytes((TEXT * 200).encode())
    p = tmp_path / "cut.txt.gz"
    p.write_bytes(data[:-12])
    (err,) = list(read_path(p))
    assert err.source == str(p) and err.reason.startswith("truncated gzip")


def test_concatenated_gzip_members(tmp_path):
    p = tmp_path / "two.jsonl.gz"
    p.write_bytes(gzip_bytes(lines(2)) + gzip_bytes(lines(3)))
    docs = list(read_path(p))
    assert [d.meta["given_id"] for d in docs] == ["d0", "d1", "d0", "d1", "d2"]


def test_not_gzip_named_gz(tmp_path):
    p = tmp_path / "fake.jsonl.gz"
    p.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 100)
    (err,) = list(read_path(p))
    assert err.source == str(p) and err.reason.startswith("corrupt gzip")


def test_gzipped_pdf(tmp_path):
    from ingest_support import make_pdf

    pdf = make_pdf(tmp_path / "r.pdf", ["Page one about cameras in Nairobi.", "Page two about the airport."])
    p = tmp_path / "report.pdf.gz"
    p.write_bytes(gzip_bytes(pdf.read_bytes()))
    (doc,) = list(read_path(p))
    assert isinstance(doc, Document) and doc.source_type == "pdf" and len(doc.page_starts) == 2
