"""One batch of every kind of bad input beside good documents: each bad source gives
exactly its error, the good ones all come through, and the same input always gives
the same documents in the same order (the storage resume test relies on it)."""
from __future__ import annotations

import gzip
import json
import random

from custodes.ingest import iter_documents
from custodes.model import Document, IngestError
from ingest_support import LoopbackServer, Reply, article_html, gzip_bytes, make_pdf, make_warc, split_items

P1 = "Police in Nairobi installed 1,800 CCTV cameras across the city centre last year, officials said."
P2 = "The interior ministry plans to test facial recognition at the airport from next spring."
FR = "La police de Dakar a installé des caméras de surveillance dans le centre-ville, a déclaré le ministère."


def build_corpus(root):
    """Good and bad inputs of every format; returns the bad ones' expected (name, reason start, location)."""
    rng = random.Random(11)
    (root / "good").mkdir()
    (root / "bad").mkdir()
    good, bad = root / "good", root / "bad"
    (good / "a.txt").write_text(f"Kenya cameras\n\n{P1}")
    (good / "b.md").write_text(f"# Dakar\n\n{FR}")
    (good / "c.html").write_text(article_html("Airport plans", [P2, P1]))
    make_pdf(good / "d.pdf", [P1, P2])
    (good / "e.jsonl").write_text(json.dumps({"id": "e1", "text": P1}) + "\nbroken\n" + json.dumps({"id": "e3", "text": P2}) + "\n")
    (good / "f.jsonl.gz").write_bytes(gzip_bytes((json.dumps({"id": "f1", "text": FR}) + "\n").encode()))
    make_warc(good / "g.warc.gz", [{"uri": "https://news.example/g", "body": article_html("Archived", [P1, P2]).encode()}], gz=True)
    (good / "h.rss").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
                                f"<item><title>Item</title><link>https://wire.example/1</link><description>{P2}</description></item>"
                                "</channel></rss>")
    (good / "i_cp1252.txt").write_bytes(f"Caméras à Dakar\n\n{FR}".encode("cp1252"))

    pdf = make_pdf(bad / "corrupt.pdf", [P1, P2]).read_bytes()
    (bad / "corrupt.pdf").write_bytes(pdf[: len(pdf) // 3])
    data = gzip_bytes(("\n".join(json.dumps({"id": i, "text": P1}) for i in range(2000)) + "\n").encode())
    (bad / "truncated.jsonl.gz").write_bytes(data[: len(data) // 2])
    offsets = make_warc(bad / "truncated.warc", [{"uri": f"https://news.example/{i}", "body": article_html(f"W{i}", [P1, P2]).encode()}
                                                 for i in range(3)], gz=False)
    warc = (bad / "truncated.warc").read_bytes()
    (bad / "truncated.warc").write_bytes(warc[: offsets[2] + 50])
    with gzip.open(bad / "bomb.txt.gz", "wb") as g:
        for _ in range(40):
            g.write(b"a" * (1 << 20))
    (bad / "junk.html").write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    (bad / "laughs.xml").write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                                    "<rss><channel><item><title>&b;</title></item></channel></rss>")
    return [
        ("bad/bomb.txt.gz", "gzip bomb", None),
        ("bad/corrupt.pdf", "corrupt PDF", None),
        ("bad/junk.html", "not HTML: binary content", None),
        ("bad/laughs.xml", "feed declares XML entities", None),
        ("bad/truncated.jsonl.gz", "", None),  # bad JSON for the partial line and/or the truncation itself
        ("bad/truncated.warc", "truncated", f"byte {offsets[2]}"),
        ("good/e.jsonl", "invalid JSON", "line 2"),
    ]


def test_every_bad_input_gives_its_error_and_every_good_document_comes_through(tmp_path):
    expected_errors = build_corpus(tmp_path)
    items = list(iter_documents([str(tmp_path)], max_doc_bytes=10_000_000, fetch_pages=False))
    docs, errors = split_items(items)
    rel = lambda s: s[len(str(tmp_path)) + 1:]  # noqa: E731

    good_sources = sorted({rel(d.source_name) for d in docs if d.source_name.startswith(str(tmp_path / "good"))})
    assert good_sources == ["good/a.txt", "good/b.md", "good/c.html", "good/d.pdf", "good/e.jsonl",
                            "good/f.jsonl.gz", "good/g.warc.gz", "good/h.rss", "good/i_cp1252.txt"]
    by_type = {}
    for d in docs:
        by_type.setdefault(d.source_type, 0)
        by_type[d.source_type] += 1
    assert {k: by_type.get(k, 0) >= 1 for k in ("text", "html", "pdf", "jsonl", "warc", "feed")} == dict.fromkeys(
        ("text", "html", "pdf", "jsonl", "warc", "feed"), True)

    # the documents read before the damage in damaged files still come through
    assert any(rel(d.source_name) == "bad/truncated.jsonl.gz" for d in docs)
    assert [d.url for d in docs if rel(d.source_name) == "bad/truncated.warc"] == [
        "https://news.example/0", "https://news.example/1"]

    got = {}
    for e in errors:
        got.setdefault(rel(e.source), []).append(e)
    assert sorted(got) == sorted(name for name, _, _ in expected_errors)
    for name, reason_start, location in expected_errors:
        errs = got[name]
        if name == "bad/truncated.jsonl.gz":
            assert errs[-1].reason.startswith("truncated gzip")
            continue
        assert len(errs) == 1, errs
        assert errs[0].reason.startswith(reason_start), errs[0]
        if location:
            assert errs[0].location == location
    assert {d.language for d in docs} >= {"en", "fr"}


def test_same_input_same_documents_in_the_same_order(tmp_path):
    build_corpus(tmp_path)
    runs = [[(type(i).__name__, i.id if isinstance(i, Document) else str(i))
             for i in iter_documents([str(tmp_path)], max_doc_bytes=10_000_000, fetch_pages=False)]
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert len(runs[0]) > 10


def test_mixed_sources_in_the_order_given(tmp_path):
    (tmp_path / "one.txt").write_text(P1)
    (tmp_path / "two.txt").write_text(P2)
    with LoopbackServer({"/page": Reply(article_html("Web page", [P1, P2]).encode())}) as s:
        items = list(iter_documents([str(tmp_path / "two.txt"), s.url("/page"), str(tmp_path / "missing.txt"),
                                     str(tmp_path / "one.txt")], timeout_s=2, retries=0))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "IngestError", "Document"]
    assert [items[0].text, items[1].title, items[3].text] == [P2, "Web page", P1]
    assert isinstance(items[2], IngestError) and items[2].reason == "no such file or directory"


def test_worker_processes_give_the_same_documents_in_the_same_order(tmp_path):
    build_corpus(tmp_path)
    extra = tmp_path / "many"
    extra.mkdir()
    for i in range(30):
        (extra / f"{i:02d}.html").write_text(article_html(f"Page {i}", [P1, f"Paragraph {i}. {P2}"]))
        (extra / f"{i:02d}.txt").write_text(f"Note {i}\n\n{P1} Number {i}.")
    def run(workers):
        return [(type(i).__name__, i.id if isinstance(i, Document) else str(i), getattr(i, "title", None))
                for i in iter_documents([str(tmp_path), str(tmp_path / "missing")], max_doc_bytes=10_000_000,
                                        fetch_pages=False, workers=workers)]
    one, three = run(1), run(3)
    assert len(one) > 70
    assert three == one
