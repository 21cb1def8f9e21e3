"""`custodes demo`: ingest the invented example corpus, show one profile, serve the atlas."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples"


def mark_demo(db: str, demo: bool = True) -> None:
    """Record in the database's `meta` table that it holds invented demo data (every page then says so)."""
    from custodes.store import open_store

    store = open_store(db)
    try:
        with store.transaction():
            store.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("demo", "1" if demo else "0"))
    finally:
        store.close()


def top_country(db: str) -> str | None:
    """The country with the most deployments (ties: alphabetical)."""
    from custodes.web.db import ReadOnlyDB

    reader = ReadOnlyDB(db)
    try:
        return reader.value("SELECT country FROM deployments WHERE country IS NOT NULL GROUP BY country "
                            "ORDER BY COUNT(*) DESC, country LIMIT 1")
    finally:
        reader.close()


def format_profile(profile: dict) -> str:
    """A country profile (custodes.query.country_profile) as a few lines of plain text."""
    from custodes.web.views import status_label, technology_label

    c = profile["country"]
    lines = [f"{c['name']} ({c['iso2']}): {profile['n_deployments']} deployments"]
    for status, items in profile["technologies"].items():
        if not items:
            continue
        parts = []
        for d in items:
            who = d.get("vendor") or d.get("supplier_country") or "supplier unnamed"
            parts.append(f"{technology_label(d['technology'])} ({who})")
        lines.append(f"  {status_label(status)}: " + "; ".join(parts))
    vendors = profile["suppliers"]["vendors"]
    if vendors:
        lines.append("  Suppliers: " + ", ".join(v["vendor"] for v in vendors))
    for ev in profile.get("evidence", [])[:3]:
        doc = ev.get("document") or {}
        source = ", ".join(x for x in (doc.get("domain"), doc.get("published")) if x)
        lines.append(f"  \u201c{(ev.get('sentence') or '').strip()}\u201d" + (f" ({source})" if source else ""))
    return "\n".join(lines)


def run_demo(db: str, *, examples: str | Path = EXAMPLES_DIR, host: str = "127.0.0.1", port: int = 8000,
             out: TextIO = sys.stdout, serve_after: bool = True) -> int:
    from custodes.query import country_profile
    from custodes.store import ingest
    from custodes.web.app import serve

    examples = Path(examples)
    if not examples.is_dir():
        print(f"demo: {examples}: no such folder of example documents", file=sys.stderr)
        return 1
    summary = ingest([str(examples)], db=db, workers=1,
                     on_error=lambda e: print(f"error: {e}", file=sys.stderr, flush=True))
    print(summary.describe(), file=out)
    mark_demo(db)
    iso2 = top_country(db)
    if iso2:
        print("", file=out)
        print(format_profile(country_profile(db, iso2)), file=out)
    print(f"\nThe atlas (invented example data): http://{host}:{port}/   (Ctrl-C to stop)", file=out, flush=True)
    if serve_after:
        serve(db, host=host, port=port)
    return 0
