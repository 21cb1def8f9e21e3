"""Speed and memory of the ingest readers, per format.

Generates N documents per format in a temporary folder (HTML pages with menus,
text files, JSONL lines, a WARC, a multi-page PDF), reads them with
`custodes.ingest.iter_documents`, and prints documents/s and the ratio to a
baseline run in the same process: reading the same files' raw bytes (open/read,
or line iteration for JSONL). Peak memory (tracemalloc) for JSONL at N and 10*N
documents shows whether memory grows with input size.

    python bench/ingest_readers.py            # N = 2000
    python bench/ingest_readers.py --n 500
"""
from __future__ import annotations

import argparse
import os
import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from custodes.ingest import iter_documents

WORDS = ("police ministry camera cameras surveillance network contract city installed system "
         "facial recognition airport tender supplier company officials said year public").split()


def paragraph(rng: random.Random, n_words: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words)).capitalize() + "."


def page(rng: random.Random, i: int) -> str:
    paras = "".join(f"<p>{paragraph(rng)}</p>" for _ in range(5))
    return (f"<!DOCTYPE html><html><head><title>Story {i}</title>"
            f'<link rel="canonical" href="https://news.example/{i}">'
            f'<meta property="article:published_time" content="2023-01-{i % 28 + 1:02d}"></head><body>'
            '<nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul></nav>'
            f"<article><h1>Story {i}</h1>{paras}</article><footer>Copyright</footer></body></html>")


def generate(root: Path, n: int, rng: random.Random) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    (root / "html").mkdir()
    for i in range(n):
        (root / "html" / f"{i:06d}.html").write_text(page(rng, i))
    out["html"] = [root / "html"]
    (root / "text").mkdir()
    for i in range(n):
        (root / "text" / f"{i:06d}.txt").write_text(f"Story {i}\n\n" + "\n\n".join(paragraph(rng) for _ in range(5)))
    out["text"] = [root / "text"]
    with open(root / "docs.jsonl", "w") as f:
        for i in range(n):
            f.write(json.dumps({"id": str(i), "text": " ".join(paragraph(rng) for _ in range(5))}) + "\n")
    out["jsonl"] = [root / "docs.jsonl"]
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(root / "crawl.warc.gz", "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i in range(n):
            body = page(rng, i).encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{i}", "response",
                                                          payload=io.BytesIO(body), length=len(body), http_headers=http))
    out["warc"] = [root / "crawl.warc.gz"]
    from reportlab.pdfgen import canvas

    pdfs = root / "pdf"
    pdfs.mkdir()
    for k in range(max(1, n // 100)):
        c = canvas.Canvas(str(pdfs / f"{k:04d}.pdf"), invariant=1)
        for _ in range(20):
            for j in range(30):
                c.drawString(40, 800 - 20 * j, paragraph(rng, 12))
            c.showPage()
        c.save()
    out["pdf (20-page reports)"] = [pdfs]
    return out


def raw_read(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if f.is_file():
                with open(f, "rb") as fh:
                    for line in fh:
                        total += len(line)
    return total


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="documents per format")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the parallel rows (HTML and PDF files)")
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warm = root / "warm.html"
        warm.write_text(page(rng, 0))
        list(iter_documents([str(warm)]))  # load trafilatura and the language model once
        sources = generate(root, args.n, rng)
        print(f"{'format':24} {'docs':>7} {'docs/s':>9} {'MB/s':>7} {'vs raw read':>12}")
        for name, paths in sources.items():
            nbytes, base_s = timed(lambda: raw_read(paths))
            docs, read_s = timed(lambda: [d for d in iter_documents([str(p) for p in paths]) if hasattr(d, "text")])
            print(f"{name:24} {len(docs):7d} {len(docs) / read_s:9.0f} {nbytes / read_s / 1e6:7.1f} "
                  f"{read_s / max(base_s, 1e-9):11.0f}x")
            if name in ("html", "pdf (20-page reports)") and args.workers > 1:
                docs, par_s = timed(lambda: [d for d in iter_documents([str(p) for p in paths], workers=args.workers)
                                             if hasattr(d, "text")])
                label = f"{name} ({args.workers} workers)"
                print(f"{label:24} {len(docs):7d} {len(docs) / par_s:9.0f} {nbytes / par_s / 1e6:7.1f} "
                      f"{par_s / max(base_s, 1e-9):11.0f}x   ({read_s / par_s:.2f}x one worker)")

        # memory: the same JSONL reader over N and 10*N lines
        peaks = []
        for scale in (1, 10):
            path = root / f"mem{scale}.jsonl"
            with open(path, "w") as f:
                for i in range(args.n * scale):
                    f.write(json.dumps({"id": str(i), "text": paragraph(rng, 80)}) + "\n")
            tracemalloc.start()
            count = sum(1 for _ in iter_documents([str(path)]))
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            print(f"jsonl peak memory at {count:7d} docs: {peaks[-1] / 1e6:6.2f} MB")
        print(f"peak memory ratio 10x input / 1x input: {peaks[1] / peaks[0]:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
