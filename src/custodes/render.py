"""Readable text for the terminal: the tables and profiles `custodes query`, `profile`
and `vendor` print. Input is the plain dicts of custodes.query; output goes to a rich Console.
"""
from __future__ import annotations

import json
import sys
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def console(file: IO[str] | None = None) -> Console:
    out = file or sys.stdout
    # Wide enough for the evidence columns when piped to a file or a pager.
    return Console(file=out, width=None if out.isatty() else 160, highlight=False)


def dump_json(value: Any, file: IO[str] | None = None) -> None:
    (file or sys.stdout).write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return str(value)


def deployments_table(rows: list[dict], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    for name, justify in (("country", "left"), ("technology", "left"), ("vendor", "left"),
                          ("from", "left"), ("status", "left"), ("settings", "left"),
                          ("first seen", "left"), ("last seen", "left"), ("sources", "right"),
                          ("docs", "right"), ("id", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for r in rows:
        country = f"{r['country']} {r.get('country_name') or ''}".strip()
        table.add_row(country, r["technology"], _cell(r["vendor"]), _cell(r["supplier_country"]),
                      r["status"], _cell(r["settings"]), _cell(r["first_seen"]),
                      _cell(r["last_seen"]), str(r["n_clusters"]), str(r["n_documents"]), r["id"])
    return table


def print_deployments(rows: list[dict], out: Console) -> None:
    if not rows:
        out.print("No deployments match.")
        return
    out.print(deployments_table(rows))
    out.print(f"{_n(len(rows), 'deployment')}; sources = independent story clusters.")


def _evidence_table(evidence: list[dict]) -> Table:
    table = Table(header_style="bold", show_lines=True)
    table.add_column("sources", justify="right")
    table.add_column("claim")
    table.add_column("evidence", ratio=3, overflow="fold")
    table.add_column("document", ratio=2, overflow="fold")
    for ev in evidence:
        doc = ev["document"]
        claim = f"{ev['country']} {ev['technology']} ({ev['status']})"
        if ev.get("vendor"):
            claim += f"\n{ev['vendor']}"
        sentence = Text(ev["sentence"] or "")
        for word in ev.get("matched") or []:
            sentence.highlight_words([word], style="bold", case_sensitive=False)
        where = "\n".join(filter(None, [doc.get("title"), doc.get("url"), doc.get("published")]))
        table.add_row(str(ev["n_clusters"]), claim, sentence, where)
    return table


def print_country_profile(profile: dict, out: Console) -> None:
    c = profile["country"]
    out.print(Text(f"{c['name']} ({c['iso2']})", style="bold"),
              f"  {c.get('subregion') or c.get('region') or ''}".rstrip())
    out.print(_n(profile["n_deployments"], "deployment"))
    if not profile["n_deployments"]:
        return
    table = Table(title="Technologies by status", header_style="bold")
    for col in ("status", "technology", "supplier", "settings", "first seen", "last seen", "sources"):
        table.add_column(col, justify="right" if col == "sources" else "left", overflow="fold")
    for status, items in profile["technologies"].items():
        for d in items:
            supplier = " / ".join(filter(None, [d["vendor"], d["supplier_country"]])) or "-"
            table.add_row(status, d["technology"], supplier, _cell(d["settings"]),
                          _cell(d["first_seen"]), _cell(d["last_seen"]), str(d["n_clusters"]))
    out.print(table)
    suppliers = profile["suppliers"]
    if suppliers["vendors"] or suppliers["supplier_countries"]:
        parts = [f"{v['vendor']} ({v['n_deployments']})" for v in suppliers["vendors"]]
        out.print("Vendors: " + (", ".join(parts) or "none named"))
        parts = [f"{s['name']} ({s['n_deployments']})" for s in suppliers["supplier_countries"]]
        out.print("Supplier countries: " + (", ".join(parts) or "unknown"))
    if profile["settings"]:
        out.print("Settings: " + ", ".join(f"{s['setting']} ({s['n_deployments']})"
                                           for s in profile["settings"]))
    if profile["timeline"]:
        out.print("Timeline (claims by month): " + ", ".join(
            f"{m['month']}: {m['n_claims']}" for m in profile["timeline"]))
    if profile["evidence"]:
        out.print(Text("Strongest evidence", style="bold"))
        out.print(_evidence_table(profile["evidence"]))


def print_vendor_profile(profile: dict, out: Console) -> None:
    v = profile["vendor"]
    head = v["name"] + (f" ({v['country']})" if v.get("country") else "")
    out.print(Text(head, style="bold"))
    if v.get("aliases"):
        out.print("Also known as: " + ", ".join(v["aliases"]))
    out.print(f"{_n(profile['n_deployments'], 'deployment')} in {_n(profile['n_countries'], 'country', 'countries')}")
    if profile["countries"]:
        table = Table(title="Countries supplied", header_style="bold")
        for col in ("country", "technology", "status", "first seen", "last seen", "sources"):
            table.add_column(col, justify="right" if col == "sources" else "left", overflow="fold")
        for c in profile["countries"]:
            for d in c["deployments"]:
                table.add_row(f"{c['country']} {c['name'] or ''}".strip(), d["technology"], d["status"],
                              _cell(d["first_seen"]), _cell(d["last_seen"]), str(d["n_clusters"]))
        out.print(table)
    if profile["technologies"]:
        out.print("Technologies: " + ", ".join(
            f"{t['technology']} ({_n(t['n_countries'], 'country', 'countries')})" for t in profile["technologies"]))
    if profile["evidence"]:
        out.print(Text("Strongest evidence", style="bold"))
        out.print(_evidence_table(profile["evidence"]))
