"""GeoJSON (RFC 7946): a FeatureCollection with one Point per deployment, at its country.

Coordinates are [longitude, latitude] from the `countries` table; properties
are flat scalars (lists joined with `;`) so QGIS shows every one as a column.
A deployment whose country has no coordinates is left out and counted as skipped.
"""
from __future__ import annotations

import json
from typing import IO, Iterable

PROPERTIES = (
    "id", "country", "country_name", "technology", "vendor", "supplier_country", "status",
    "settings", "first_seen", "last_seen", "n_claims", "n_documents", "n_clusters", "n_domains",
)


def feature(row: dict) -> dict | None:
    if row.get("lat") is None or row.get("lon") is None:
        return None
    props = {k: (";".join(row[k]) if isinstance(row.get(k), list) else row.get(k)) for k in PROPERTIES}
    props["name"] = f"{row.get('country_name') or row['country']}: {row['technology']}" + (
        f" ({row['vendor']})" if row.get("vendor") else "")
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]},
        "properties": props,
    }


def write(rows: Iterable[dict], fp: IO[str]) -> dict[str, int]:
    """Stream the FeatureCollection feature by feature (no whole list in memory)."""
    fp.write('{"type": "FeatureCollection", "features": [')
    written = skipped = 0
    for row in rows:
        item = feature(row)
        if item is None:
            skipped += 1
            continue
        fp.write(("," if written else "") + "\n" + json.dumps(item, ensure_ascii=False))
        written += 1
    fp.write("\n]}\n")
    return {"written": written, "skipped": skipped}
