"""How fast `custodes.extract.extract_document` reads news, against a spaCy baseline.

One run, one process:
  1. streams --docs generated 2-6 KB news-like documents (bench/newsgen.py, seeded)
     through extract_document and reports docs/s and MB/s (extraction time only;
     generating the documents is not counted), plus the one-off knowledge load;
  2. records peak and current RSS after a quarter of the corpus and at the end
     (the peak is reset after the one-off loading, where Linux allows it): the
     documents are streamed, so memory must not grow with corpus size;
  3. runs a spaCy pipeline shaped like en_core_web_sm (spaCy's `init config`
     efficiency preset with tagger, parser and ner; untrained weights, which do
     not change its speed) with `nlp.pipe` on the first --baseline-docs of the
     same documents, times extract_document on that same sample again, and
     prints the ratio.

Both sides use one CPU thread (BLAS thread pools are capped before numpy loads).

    python bench/extract_speed.py                      # 20,000 docs, baseline on 1,000
    python bench/extract_speed.py --docs 2000 --baseline-docs 200 --seed 7 --json out.json
"""
from __future__ import annotations

import os

if __name__ == "__main__":  # one thread each side; must precede any numpy import (not on import by tests)
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import argparse
import gc
import json
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import newsgen  # noqa: E402  (bench/newsgen.py)

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def peak_rss_mb() -> float:
    """Peak resident memory since start or since the last reset_peak_rss() (VmHWM, else ru_maxrss)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def reset_peak_rss() -> bool:
    """Start the peak over from the current RSS, so the one-off loading spike (gazetteers
    parsed from large JSON files) does not hide later growth. Linux >= 4.0; False elsewhere."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_BYTES / 2**20


def to_document(d: dict):
    from custodes.model import Document

    return Document(id=d["id"], text=d["text"], url=d["url"], title=d["title"], published=d["published"],
                    source_type="jsonl")


def time_extract(docs, extract_document, on_checkpoint=None, checkpoint_at: int = 0) -> dict:
    """Run extract_document over an iterable of generated dicts; time only the calls."""
    n = n_bytes = n_claims = n_relevant = 0
    seconds = cpu_seconds = 0.0
    for d in docs:
        doc = to_document(d)
        start, cpu_start = time.perf_counter(), time.process_time()
        result = extract_document(doc)
        seconds += time.perf_counter() - start
        cpu_seconds += time.process_time() - cpu_start
        n += 1
        n_bytes += len(d["text"].encode("utf-8"))
        n_claims += len(result.claims)
        n_relevant += bool(result.relevant)
        if on_checkpoint and n == checkpoint_at:
            on_checkpoint(n)
    return {"docs": n, "mb": n_bytes / 1e6, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "claims": n_claims, "relevant": n_relevant}


def spacy_baseline(texts: list[str]) -> dict:
    """nlp.pipe over texts with an en_core_web_sm-shaped pipeline (efficiency preset)."""
    import spacy
    from spacy.cli.init_config import init_config

    build_start = time.perf_counter()
    config = init_config(lang="en", pipeline=["tagger", "parser", "ner"], optimize="efficiency")
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    for label in ("NN", "NNS", "NNP", "VB", "VBD", "VBZ", "JJ", "IN", "DT", "PRP", "RB", "CD", ".", ","):
        nlp.get_pipe("tagger").add_label(label)
    for label in ("nsubj", "dobj", "prep", "pobj", "det", "amod", "compound", "punct", "ROOT"):
        nlp.get_pipe("parser").add_label(label)
    for label in ("GPE", "ORG", "PERSON", "DATE", "CARDINAL", "NORP", "LOC"):
        nlp.get_pipe("ner").add_label(label)
    nlp.initialize()
    build_s = time.perf_counter() - build_start
    start, cpu_start = time.perf_counter(), time.process_time()
    n_tokens = 0
    for doc in nlp.pipe(texts):
        n_tokens += len(doc)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return {"docs": len(texts), "mb": sum(len(t.encode("utf-8")) for t in texts) / 1e6, "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "tokens": n_tokens, "build_seconds": build_s, "pipeline": list(nlp.pipe_names),
            "spacy": spacy.__version__}


def rate(row: dict) -> tuple[float, float]:
    s = row["seconds"] or float("nan")
    return row["docs"] / s, row["mb"] / s


def sources_run(docs: int, seed: int) -> dict:
    """The same timing of the first `docs` documents in a second process that runs the Python
    sources of the compiled modules (CUSTODES_SOURCES=1): what the compilation is worth."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sources.json"
        subprocess.run([sys.executable, __file__, "--docs", str(docs), "--baseline-docs", "0", "--sources-docs", "0",
                        "--seed", str(seed), "--json", str(out)], check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "CUSTODES_SOURCES": "1"})
        figures = json.loads(out.read_text(encoding="utf-8"))
    if figures["engine"] != "sources":
        raise RuntimeError(f"the second process ran the {figures['engine']} engine, not the sources")
    return figures["extract"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extraction speed and memory against a spaCy baseline.")
    parser.add_argument("--docs", type=int, default=20_000, help="generated documents to extract (default 20000)")
    parser.add_argument("--baseline-docs", type=int, default=1_000,
                        help="how many of the same documents spaCy reads (default 1000; 0 skips the baseline)")
    parser.add_argument("--sources-docs", type=int, default=2_000,
                        help="how many of the same documents to extract again with the Python sources of the "
                             "compiled modules, in a second process (default 2000; 0 skips it)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args(argv)
    if args.docs < 4:
        parser.error("--docs must be at least 4")

    newsgen.vocabulary()  # load the generator's gazetteers before measuring memory and time
    from custodes.extract import extract_document

    load_start = time.perf_counter()
    extract_document(to_document(newsgen.make_document(args.seed, -1)))  # compiles the knowledge once
    load_s = time.perf_counter() - load_start
    gc.collect()
    loading_peak = peak_rss_mb()
    peak_was_reset = reset_peak_rss()
    memory = {"loading_peak_rss_mb": loading_peak, "peak_reset_after_loading": peak_was_reset,
              "before": {"peak_rss_mb": peak_rss_mb(), "rss_mb": current_rss_mb(), "docs": 0}}

    def checkpoint(n: int) -> None:
        memory["quarter"] = {"peak_rss_mb": peak_rss_mb(), "rss_mb": current_rss_mb(), "docs": n}

    full = time_extract(newsgen.iter_documents(args.docs, args.seed), extract_document,
                        on_checkpoint=checkpoint, checkpoint_at=args.docs // 4)
    memory["end"] = {"peak_rss_mb": peak_rss_mb(), "rss_mb": current_rss_mb(), "docs": full["docs"]}

    from custodes import _native

    from custodes.knowledge import aho

    engine = _native.engine()  # compiled by mypyc (scripts/setup), or running the Python sources
    automaton = aho.implementation()  # custodes._aho (C) or pyahocorasick
    figures: dict = {"seed": args.seed, "python": platform.python_version(), "engine": engine,
                     "automaton": automaton,
                     "knowledge_load_s": load_s, "extract": full, "memory": memory}
    rows = [("custodes extract_document", full)]
    if args.baseline_docs > 0:
        sample = list(newsgen.iter_documents(min(args.baseline_docs, args.docs), args.seed))
        same = time_extract(sample, extract_document)
        base = spacy_baseline([d["text"] for d in sample])
        figures.update({"extract_on_sample": same, "spacy": base,
                        "ratio_docs_per_s": rate(same)[0] / rate(base)[0],
                        "ratio_cpu": base["cpu_seconds"] / same["cpu_seconds"]})
        rows += [(f"custodes, first {same['docs']:,} docs", same), (f"spaCy nlp.pipe, same {base['docs']:,}", base)]
    if args.sources_docs > 0 and engine == "compiled":
        sample_docs = min(args.sources_docs, args.docs)
        compiled = time_extract(newsgen.iter_documents(sample_docs, args.seed), extract_document)
        sources = sources_run(sample_docs, args.seed)
        figures.update({"compiled_on_sources_sample": compiled, "sources": sources,
                        "ratio_compiled_to_sources_cpu": sources["cpu_seconds"] / compiled["cpu_seconds"]})

    print(f"extraction speed: seed {args.seed}, Python {figures['python']}, one process, one thread, "
          f"engine {engine} ({', '.join(p.removeprefix('custodes/') for p in _native.COMPILED)}), "
          f"Aho-Corasick automaton in {automaton}")
    print(f"{'':30} {'docs':>8} {'MB':>8} {'seconds':>9} {'cpu s':>9} {'docs/s':>9} {'MB/s':>7}")
    for label, row in rows:
        docs_s, mb_s = rate(row)
        print(f"{label:30} {row['docs']:>8,} {row['mb']:>8.1f} {row['seconds']:>9.2f} {row['cpu_seconds']:>9.2f}"
              f" {docs_s:>9,.1f} {mb_s:>7.2f}")
    if "spacy" in figures:
        print(f"ratio custodes / spaCy (same {figures['spacy']['docs']:,} docs): {figures['ratio_docs_per_s']:,.0f}x"
              f" by wall time, {figures['ratio_cpu']:,.0f}x by CPU time")
        print(f"   (spaCy {figures['spacy']['spacy']}, pipeline {'+'.join(figures['spacy']['pipeline'])},"
              f" built in {figures['spacy']['build_seconds']:.1f} s, not counted)")
    if "sources" in figures:
        print(f"compiled / Python sources (same first {figures['sources']['docs']:,} docs, the sources in a second "
              f"process with CUSTODES_SOURCES=1): {figures['ratio_compiled_to_sources_cpu']:.2f}x by CPU time "
              f"({figures['compiled_on_sources_sample']['docs'] / figures['compiled_on_sources_sample']['cpu_seconds']:,.1f}"
              f" against {figures['sources']['docs'] / figures['sources']['cpu_seconds']:,.1f} docs/s)")
    print(f"knowledge load on first call: {load_s:.2f} s (not counted above)")
    print(f"documents relevant: {full['relevant']:,} of {full['docs']:,}; claims: {full['claims']:,}")
    q, e = memory.get("quarter", memory["before"]), memory["end"]
    since = "since loading" if memory["peak_reset_after_loading"] else "since start (could not reset)"
    print(f"memory: loading peaked at {memory['loading_peak_rss_mb']:.1f} MB RSS; RSS after loading "
          f"{memory['before']['rss_mb']:.1f} MB")
    print(f"peak RSS {since}: {q['peak_rss_mb']:.1f} MB after {q['docs']:,} docs, {e['peak_rss_mb']:.1f} MB "
          f"after {e['docs']:,} docs (growth over the last 3/4 of the corpus: "
          f"{e['peak_rss_mb'] - q['peak_rss_mb']:+.1f} MB; current RSS {q['rss_mb']:.1f} -> {e['rss_mb']:.1f} MB)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
