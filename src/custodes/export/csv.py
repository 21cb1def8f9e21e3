"""CSV: one row per deployment, or one row per evidence sentence of each claim.

Lists are joined with `;` (settings, matched words); a deployment's status
history is kept as JSON text so nothing is lost in a spreadsheet.
"""
from __future__ import annotations

import csv
import json
from typing import IO, Any, Iterable

from custodes.query import DEPLOYMENT_FIELDS

CLAIM_COLUMNS = (
    "claim_id", "deployment_id", "country", "country_name", "technology", "vendor",
    "supplier_country", "settings", "status", "confidence", "published", "sentence", "matched",
    "start", "end", "page", "document_id", "document_title", "document_url", "document_domain",
    "extractor_version",
)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False)
        return ";".join(str(v) for v in value)
    return "" if value is None else value


def claim_rows(claims: Iterable[dict]) -> Iterable[dict]:
    """Flat rows: a claim's fields repeated beside each of its evidence sentences."""
    for claim in claims:
        for ev in claim["evidence"] or [{}]:
            yield {
                **{k: claim.get(k) for k in CLAIM_COLUMNS if k in claim},
                "claim_id": claim["id"],
                "sentence": ev.get("sentence"),
                "matched": ev.get("matched", []),
                "start": ev.get("start"),
                "end": ev.get("end"),
                "page": ev.get("page"),
            }


def write(rows: Iterable[dict], fp: IO[str], *, what: str = "deployments") -> dict[str, int]:
    columns = CLAIM_COLUMNS if what == "claims" else DEPLOYMENT_FIELDS
    if what == "claims":
        rows = claim_rows(rows)
    out = csv.DictWriter(fp, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    out.writeheader()
    n = 0
    for row in rows:
        out.writerow({k: _cell(row.get(k)) for k in columns})
        n += 1
    return {"written": n, "skipped": 0}
