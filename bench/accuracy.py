#!/usr/bin/env python3
"""Extraction accuracy on the labelled development set, scored by the shared scorer.

    python bench/accuracy.py [--write-web]                       # the shared development set
    python bench/accuracy.py --docs examples/articles.jsonl --gold tests/fixtures/examples_gold.jsonl

Runs `custodes extract` over the set's documents and prints score.py's table; with
--write-web it also records the figures in src/custodes/web/accuracy.json for /method.
Accuracy lives here, apart from the unit tests (it measures, it does not assert).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--docs", type=Path, help="documents to extract (default: the set's docs.jsonl)")
    parser.add_argument("--gold", type=Path, help="their labels (default: the set's gold.jsonl)")
    parser.add_argument("--write-web", action="store_true")
    args = parser.parse_args(argv)
    docs = args.docs or args.eval_dir / args.split / "docs.jsonl"
    gold = args.gold or args.eval_dir / args.split / "gold.jsonl"
    if not docs.exists():
        print(f"accuracy: no labelled set at {docs}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "custodes.cli", "extract", str(docs), "-o", str(pred)],
                       check=False)
        seconds = time.perf_counter() - started
        scorer = [sys.executable, str(args.eval_dir / "score.py"), str(gold), str(pred)]
        print(subprocess.run(scorer, capture_output=True, text=True).stdout, end="")
        report = json.loads(subprocess.run(scorer + ["--json"], capture_output=True, text=True).stdout)["scores"]
    print(f"extract wall time: {seconds:.2f} s (including start-up)")
    if args.write_web:
        target = ROOT / "src" / "custodes" / "web" / "accuracy.json"
        tech = report["tech"]
        target.write_text(json.dumps({
            "_comment": "Written by bench/accuracy.py --write-web; shown on /method.",
            "measured_on": dt.date.today().isoformat(),
            "benchmark": f"labelled {args.split} set of {report['documents']} news excerpts, shared/eval/score.py",
            "claims": {k: tech[k] for k in ("precision", "recall", "f1")},
            "fields": {k: {m: report[k][m] for m in ("precision", "recall", "f1")}
                       for k in ("relevance", "tech", "vendor", "origin", "setting", "status")},
            "notes": "tech = (country, technology); vendor, origin, setting and status add that field "
                     "to the tuple. Micro-averaged over per-document sets.",
        }, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
