"""Datasette: metadata (descriptions, facets, hidden internals) for browsing a custodes SQLite file.

The file opens in Datasette as it is (`datasette serve custodes.db`); the views
of migration 0050 (deployment_overview, claim_evidence, country_summary,
vendor_summary) are there for it. This adds the descriptions:

    custodes datasette-metadata --db custodes.db -o metadata.json
    datasette serve custodes.db --metadata metadata.json
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

METADATA_JSON = Path(__file__).with_name("datasette_metadata.json")


def metadata(db: str | Path = "custodes.db") -> dict[str, Any]:
    """Datasette metadata for the SQLite file `db` (Datasette names a database by its file stem)."""
    template = json.loads(METADATA_JSON.read_text(encoding="utf-8"))
    tables = template.pop("tables")
    template["databases"] = {Path(str(db)).stem: {"tables": tables}}
    return template
