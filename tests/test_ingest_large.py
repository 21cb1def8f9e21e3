"""Large inputs stream: memory stays bounded by the per-document cap, not the file size."""
from __future__ import annotations

import json
import tracemalloc

from custodes.ingest import iter_documents
from ingest_support import split_items

MB = 1 << 20
TEXT = "Police in Nairobi installed 1,800 CCTV cameras across the city centre, officials said."


def test_200mb_jsonl_streams_in_bounded_memory(tmp_path):
    """Good lines around one 200 MB line: the big line is an error naming it, the
    others come through, and peak memory stays far below the file size."""
    p = tmp_path / "big.jsonl"
    with open(p, "wb") as f:
        for i in range(3):
            f.write(json.dumps({"id": f"before{i}", "text": TEXT}).encode() + b"\n")
        f.write(b'{"id": "huge", "text": "')
        chunk = b"surveillance " * (MB // 13)
        written = 0
        while written < 200 * MB:
            f.write(chunk)
            written += len(chunk)
        f.write(b'"}\n')
        for i in range(3):
            f.write(json.dumps({"id": f"after{i}", "text": TEXT}).encode() + b"\n")
    assert p.stat().st_size > 200 * MB

    tracemalloc.start()
    try:
        items = list(iter_documents([str(p)], max_doc_bytes=5 * MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    docs, errors = split_items(items)
    assert [d.meta["given_id"] for d in docs] == ["before0", "before1", "before2", "after0", "after1", "after2"]
    assert [(e.source, e.location, e.reason) for e in errors] == [
        (str(p), "line 4", f"line longer than max_doc_bytes ({5 * MB} bytes)")]
    assert peak < 30 * MB, f"peak traced memory {peak / MB:.1f} MB for a {p.stat().st_size / MB:.0f} MB file"


def test_200mb_single_document_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:  # sparse: text at both ends, 200 MB of size, little disk
        head = (TEXT + "\n").encode() * 200
        f.write(head)
        f.seek(200 * MB - len(head))
        f.write(head)
    small = tmp_path / "small.txt"
    small.write_text(TEXT)
    tracemalloc.start()
    try:
        docs, errors = split_items(list(iter_documents([str(p), str(small)], max_doc_bytes=5 * MB)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [d.text for d in docs] == [TEXT]
    (err,) = errors
    assert err.source == str(p) and err.reason == f"document larger than max_doc_bytes ({200 * MB} > {5 * MB} bytes)"
    assert peak < 10 * MB


def test_200mb_html_from_a_pipe_stops_at_the_cap(tmp_path):
    """A stream with no size to ask (gzip) is read up to the cap and no further."""
    import gzip

    import random

    rng = random.Random(1)
    words = TEXT.replace(",", "").split() + ["ministry", "contract", "network", "tender", "police"]
    # 1 MB of varied paragraphs, repeated: gzip's 32 KB window sees no repetition, so the
    # ratio is that of real text (a bomb would be refused for another reason)
    para = "".join("<p>" + " ".join(rng.choice(words) for _ in range(40)) + f" {rng.random()}</p>\n"
                   for _ in range(4000)).encode()
    p = tmp_path / "huge.html.gz"
    with gzip.open(p, "wb", compresslevel=1) as g:
        g.write(b"<html><body>")
        written = 0
        while written < 200 * MB:
            g.write(para)
            written += len(para)
    tracemalloc.start()
    try:
        items = list(iter_documents([str(p)], max_doc_bytes=5 * MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (err,) = items
    assert err.source == str(p) and err.reason == f"document larger than max_doc_bytes ({5 * MB} bytes)"
    assert peak < 30 * MB
