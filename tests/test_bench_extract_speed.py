"""bench/newsgen.py and bench/extract_speed.py: the speed benchmark keeps working.

Speed itself is never asserted here (that is the benchmark's job); these tests
check that the generated corpus has the promised shape and that the benchmark
script runs end to end on a tiny corpus and reports what it promises.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import extract_speed  # noqa: E402
import newsgen  # noqa: E402


def test_documents_are_2_to_6_kb_news_pages():
    docs = list(newsgen.iter_documents(60, seed=11))
    sizes = [len(d["text"].encode("utf-8")) for d in docs]
    assert min(sizes) >= newsgen.MIN_DOC_BYTES and max(sizes) <= newsgen.MAX_DOC_BYTES
    assert len({d["id"] for d in docs}) == 60
    for d in docs:
        assert set(d) == {"id", "title", "text", "url", "published"}
        assert d["url"].startswith("https://") and ".example." in d["url"]


def test_same_seed_same_corpus_and_any_document_regenerates_alone():
    first = list(newsgen.iter_documents(20, seed=5))
    assert first == list(newsgen.iter_documents(20, seed=5))
    assert newsgen.make_document(5, 13) == first[13]
    assert list(newsgen.iter_documents(5, seed=5, start=10)) == first[10:15]
    assert [d["text"] for d in newsgen.iter_documents(20, seed=6)] != [d["text"] for d in first]


def test_corpus_mixes_surveillance_reports_with_ordinary_news():
    texts = [d["text"] for d in newsgen.iter_documents(200, seed=3)]
    vendors = [name for name, _ in newsgen.vocabulary().vendors]
    with_vendor = sum(any(v in t for v in vendors) for t in texts)
    assert 0.2 * len(texts) < with_vendor < 0.8 * len(texts)
    assert sum("cookies" in t for t in texts) > 0.1 * len(texts)


def test_benchmark_runs_end_to_end_and_reports_speed_and_memory(tmp_path, capsys):
    pytest.importorskip("custodes.extract")
    out = tmp_path / "speed.json"
    assert extract_speed.main(["--docs", "12", "--baseline-docs", "0", "--seed", "2", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "docs/s" in printed and "peak RSS" in printed
    figures = json.loads(out.read_text())
    assert figures["extract"]["docs"] == 12
    assert figures["extract"]["seconds"] > 0
    assert figures["memory"]["quarter"]["docs"] == 3 and figures["memory"]["end"]["docs"] == 12
    assert figures["memory"]["end"]["peak_rss_mb"] >= figures["memory"]["quarter"]["peak_rss_mb"] > 0
    # the compiled engine is compared with its Python sources on the same documents, in a second process
    assert figures["engine"] in ("compiled", "sources")
    if figures["engine"] == "compiled":
        assert figures["sources"]["docs"] == figures["compiled_on_sources_sample"]["docs"] == 12
        assert figures["sources"]["claims"] == figures["compiled_on_sources_sample"]["claims"]
        assert figures["ratio_compiled_to_sources_cpu"] > 0 and "compiled / Python sources" in printed


def test_benchmark_rejects_a_corpus_too_small_to_quarter(capsys):
    with pytest.raises(SystemExit):
        extract_speed.main(["--docs", "2"])
    assert "--docs" in capsys.readouterr().err
