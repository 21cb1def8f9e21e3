"""WARC archives: HTML response records become documents with their target URI and date."""
from __future__ import annotations

import pytest

from custodes.ingest import iter_documents, read_path
from ingest_support import article_html, make_warc, split_items

PARAS = ["Police in city number {n} installed hundreds of CCTV cameras across the district in 2023, officials said.",
         "The contract for city {n} was signed with a foreign supplier after a closed tender."]


def page(n: int, published: str | None = None) -> bytes:
    return article_html(f"Story number {n}", [p.format(n=n) for p in PARAS], published=published).encode()


def records(k: int = 4):
    return [{"uri": f"https://news.example/story/{n}", "body": page(n), "date": f"2022-03-{n + 1:02d}T10:00:00Z"}
            for n in range(k)]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_every_html_response_is_a_document(tmp_path, gz):
    recs = records(3)
    recs.insert(1, {"uri": "https://news.example/logo.png", "body": b"\x89PNG\r\n\x1a\n" + bytes(300),
                    "content_type": "image/png"})
    recs.insert(2, {"uri": "https://news.example/missing", "body": page(99), "status": "404 Not Found"})
    recs.append({"uri": "https://news.example/dated", "body": page(7, published="2021-11-30")})
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    offsets = make_warc(p, recs, gz=gz)
    docs, errors = split_items(list(read_path(p)))
    assert not errors
    assert [d.url for d in docs] == [f"https://news.example/story/{n}" for n in range(3)] + ["https://news.example/dated"]
    assert [d.published for d in docs] == ["2022-03-01", "2022-03-02", "2022-03-03", "2021-11-30"]
    assert docs[0].meta["date_from"] == "archive" and "date_from" not in docs[3].meta
    assert all(d.source_type == "warc" and d.source_name == str(p) for d in docs)
    assert [d.meta["warc_record"] for d in docs] == [f"byte {offsets[i]}" for i in (0, 3, 4, 5)]
    assert "menu" not in docs[0].text and PARAS[0].format(n=0) in docs[0].text
    assert docs[1].title == "Story number 1"


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_truncated_archive_keeps_records_before_the_damage(tmp_path, gz):
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    offsets = make_warc(p, records(4), gz=gz)
    data = p.read_bytes()
    cut = offsets[2] + (offsets[3] - offsets[2]) // 2  # in the middle of the third record
    p.write_bytes(data[:cut])
    good = tmp_path / "after.txt"
    good.write_text("A document after the damaged archive still gets read, with its own words.")
    docs, errors = split_items(list(iter_documents([str(p), str(good)])))
    assert [d.url for d in docs[:2]] == ["https://news.example/story/0", "https://news.example/story/1"]
    assert docs[2].source_name == str(good) and len(docs) == 3
    (err,) = errors
    assert err.source == str(p)
    assert err.location == f"byte {offsets[2]}"
    assert "truncated" in err.reason


def test_garbage_in_the_middle_of_an_archive(tmp_path):
    p = tmp_path / "crawl.warc"
    offsets = make_warc(p, records(4), gz=False)
    data = bytearray(p.read_bytes())
    data[offsets[2]:offsets[2] + 40] = b"GARBAGE-NOT-A-WARC-HEADER\r\n" + b"x" * 13
    p.write_bytes(bytes(data))
    docs, errors = split_items(list(read_path(p)))
    assert [d.url for d in docs] == ["https://news.example/story/0", "https://news.example/story/1"]
    (err,) = errors
    assert err.source == str(p) and err.location == f"byte {offsets[2]}"
    assert err.reason.startswith("corrupt or truncated WARC")


def test_oversize_record_is_an_error_and_the_next_record_is_read(tmp_path):
    recs = records(3)
    recs[1]["body"] = article_html("Huge", ["word " * 40_000]).encode()
    p = tmp_path / "crawl.warc.gz"
    offsets = make_warc(p, recs, gz=True)
    docs, errors = split_items(list(iter_documents([str(p)], max_doc_bytes=100_000)))
    assert [d.url for d in docs] == ["https://news.example/story/0", "https://news.example/story/2"]
    (err,) = errors
    assert err.location == f"byte {offsets[1]}" and err.reason == "record larger than max_doc_bytes (100000 bytes)"


def test_archive_sniffed_by_content(tmp_path):
    p = tmp_path / "download.bin"
    make_warc(p, records(2), gz=True)
    docs = list(read_path(p))
    assert [d.url for d in docs] == ["https://news.example/story/0", "https://news.example/story/1"]


def test_pdf_responses_and_resource_records(tmp_path):
    from ingest_support import make_pdf

    pdf = make_pdf(tmp_path / "r.pdf", ["Police in Nairobi installed cameras.", "The ministry plans more."]).read_bytes()
    recs = [{"uri": "https://gov.example/report.pdf", "body": pdf, "content_type": "application/pdf"},
            {"uri": "https://news.example/saved", "body": page(5), "type": "resource", "content_type": "text/html"},
            {"uri": "https://gov.example/broken.pdf", "body": pdf[:300], "content_type": "application/pdf"},
            {"uri": "https://news.example/story/1", "body": page(1)}]
    p = tmp_path / "mixed.warc.gz"
    offsets = make_warc(p, recs, gz=True)
    docs, errors = split_items(list(read_path(p)))
    assert [(d.url, d.source_type) for d in docs] == [
        ("https://gov.example/report.pdf", "warc"), ("https://news.example/saved", "warc"),
        ("https://news.example/story/1", "warc")]
    assert len(docs[0].page_starts) == 2 and docs[0].page_at(docs[0].text.index("ministry")) == 2
    assert docs[1].title == "Story number 5"
    (err,) = errors
    assert err.location == f"byte {offsets[2]}" and err.reason.startswith("corrupt PDF")
