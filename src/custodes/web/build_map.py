"""Build step: turn the projected world-atlas paths into the atlas's map file.

`scripts/build-web` runs `web/build-map.mjs` (Node, d3-geo + topojson-client)
and pipes its output here; this maps ISO numeric ids to ISO alpha-2 with
pycountry and adds a projected dot for every country too small to have a
shape at 1:110m (Singapore, Hong Kong, Bahrain...), so every claim can show.
The result, `static/world.json`, is committed: the atlas works without Node.

    node web/build-map.mjs | python -m custodes.web.build_map src/custodes/web/static/world.json
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pycountry

# Features of Natural Earth 1:110m that carry no ISO numeric id.
UNNUMBERED = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
EXTRA_POINTS = {"XK": (42.6, 20.9)}  # ISO alpha-2 codes pycountry does not list

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lat: float, lon: float, scale: float, tx: float, ty: float,
                rotate_deg: float = 0.0) -> tuple[float, float]:
    """The Equal Earth projection, with d3-geo's rotation (longitude only), scale and translate."""
    lon = (lon + rotate_deg + 180.0) % 360.0 - 180.0
    lam, phi = math.radians(lon), math.radians(lat)
    l = math.asin(M * math.sin(phi))
    l2 = l * l
    l6 = l2 * l2 * l2
    x = lam * math.cos(l) / (M * (A1 + 3 * A2 * l2 + l6 * (7 * A3 + 9 * A4 * l2)))
    y = l * (A1 + A2 * l2 + l6 * (A3 + A4 * l2))
    return round(tx + scale * x, 1), round(ty - scale * y, 1)


def _latlng(iso2: str) -> tuple[float, float] | None:
    if iso2 in EXTRA_POINTS:
        return EXTRA_POINTS[iso2]
    try:
        from countryinfo import CountryInfo

        lat, lng = CountryInfo(iso2).latlng()[:2]
        return float(lat), float(lng)
    except Exception:  # countryinfo lacks a few territories; they get no dot
        return None


def build(projected: dict) -> dict:
    shapes: dict[str, dict] = {}
    for feature in projected["countries"]:
        if not feature["d"]:
            continue
        iso2 = None
        if feature["numeric"]:
            country = pycountry.countries.get(numeric=str(feature["numeric"]).zfill(3))
            iso2 = country.alpha_2 if country else None
        iso2 = iso2 or UNNUMBERED.get(feature["name"])
        if not iso2:
            continue
        entry = shapes.setdefault(iso2, {"iso2": iso2, "name": feature["name"], "d": ""})
        if feature["name"] not in UNNUMBERED:
            entry["name"] = feature["name"]
        entry["d"] += feature["d"]
    scale = projected["projection"]["scale"]
    tx, ty = projected["projection"]["translate"]
    rotate_deg = (projected["projection"].get("rotate") or [0])[0]
    points = []
    codes = [c.alpha_2 for c in pycountry.countries] + list(EXTRA_POINTS)
    for iso2 in sorted(set(codes) - set(shapes)):
        latlng = _latlng(iso2)
        if latlng:
            x, y = equal_earth(latlng[0], latlng[1], scale, tx, ty, rotate_deg)
            if 0 <= x <= projected["width"] and 0 <= y <= projected["height"]:
                points.append({"iso2": iso2, "x": x, "y": y})
    return {
        "source": projected["source"],
        "width": projected["width"],
        "height": projected["height"],
        "shapes": sorted(shapes.values(), key=lambda s: s["iso2"]),
        "points": points,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: node web/build-map.mjs | python -m custodes.web.build_map OUT.json", file=sys.stderr)
        return 2
    try:
        projected = json.load(sys.stdin)
    except json.JSONDecodeError as e:
        print(f"build_map: standard input is not the JSON of web/build-map.mjs: {e}", file=sys.stderr)
        return 1
    out = Path(argv[1])
    out.write_text(json.dumps(build(projected), separators=(",", ":")), encoding="utf-8")
    print(f"build_map: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
