"""knowledge/vendors.tsv: the vendor list extraction and the vendors table rely on.

The file is data that people edit by hand; these tests catch the edits that would
silently break matching (a bad country code, an unknown technology, one alias
claimed by two vendors, a common word matched case-insensitively).
"""
from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from custodes.model import TECHNOLOGIES

VENDORS_TSV = Path(__file__).resolve().parent.parent / "src" / "custodes" / "knowledge" / "vendors.tsv"

# Words that are ordinary English (or very common names) and may appear only
# with the case-sensitive "=" prefix, if at all.
COMMON_WORDS = {
    "pegasus", "predator", "graphite", "axon", "flock", "ring", "pulse", "harris", "axis",
    "paragon", "stingray", "hailstorm", "kingfish", "eagle", "galileo", "echo", "karma",
    "raven", "falcon", "lattice", "gotham", "reign", "hermit", "alien", "exodus", "tangles",
    "cobwebs", "amazon", "leonardo", "mantra", "gorilla", "vigilant", "allot", "milestone",
    "evident", "aware", "glory", "valid", "oracle", "nso", "tcs", "sita", "ncs", "drn", "sive",
}


def parse(path: Path = VENDORS_TSV) -> list[dict]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert 5 <= len(fields) <= 6, f"vendors.tsv:{lineno}: {len(fields)} fields, want 5 or 6: {line!r}"
        name, country, aliases, products, technologies = (f.strip() for f in fields[:5])
        rows.append({
            "line": lineno, "name": name, "country": country,
            "aliases": [a for a in aliases.split("|") if a],
            "products": [p for p in products.split("|") if p],
            "technologies": [t for t in technologies.split("|") if t],
        })
    return rows


VENDORS = parse()


def test_file_holds_at_least_150_vendors_with_unique_names():
    names = [v["name"] for v in VENDORS]
    assert len(names) >= 150
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v["name"])
def test_each_line_is_well_formed(vendor):
    where = f"vendors.tsv:{vendor['line']} ({vendor['name']})"
    assert vendor["name"] and vendor["name"] == vendor["name"].strip(), where
    assert pycountry.countries.get(alpha_2=vendor["country"]) is not None, f"{where}: bad country {vendor['country']!r}"
    assert vendor["technologies"], f"{where}: no technology"
    unknown = [t for t in vendor["technologies"] if t not in TECHNOLOGIES]
    assert not unknown, f"{where}: not taxonomy IDs: {unknown}"
    for entry in vendor["aliases"] + vendor["products"]:
        assert entry == entry.strip() and entry.lstrip("=").strip(), f"{where}: empty or padded entry {entry!r}"


def _match_keys(vendor: dict) -> set[str]:
    """Every string the vendor is matched by, folded so that two entries that can match
    the same text compare equal (a case-sensitive "=Axon" still collides with "axon")."""
    return {e.lstrip("=").casefold() for e in [vendor["name"], *vendor["aliases"], *vendor["products"]]}


def test_no_alias_or_product_points_to_two_vendors():
    owner: dict[str, str] = {}
    clashes = []
    for vendor in VENDORS:
        for key in _match_keys(vendor):
            if key in owner and owner[key] != vendor["name"]:
                clashes.append(f"{key!r}: {owner[key]} and {vendor['name']}")
            owner.setdefault(key, vendor["name"])
    assert not clashes


def test_common_words_are_matched_only_case_sensitively():
    loose = []
    for vendor in VENDORS:
        sensitive = {e[1:] for e in vendor["aliases"] + vendor["products"] if e.startswith("=")}
        entries = [e for e in vendor["aliases"] + vendor["products"] if not e.startswith("=")]
        if vendor["name"] not in sensitive:
            entries.append(vendor["name"])
        loose += [f"{vendor['name']}: {e}" for e in entries if e.casefold() in COMMON_WORDS]
    assert not loose


def test_case_sensitive_entries_are_capitalised():
    # "=pegasus" would match only the lower-case word, the opposite of the intent.
    bad = [e for v in VENDORS for e in v["aliases"] + v["products"] if e.startswith("=") and not e[1:2].isupper()]
    assert not bad


@pytest.mark.parametrize("mention, vendor", [
    ("Pegasus", "NSO Group"), ("FinSpy", "FinFisher"), ("Predator", "Intellexa"),
    ("Graphite", "Paragon Solutions"), ("UFED", "Cellebrite"), ("Stingray", "L3Harris"),
    ("Face++", "Megvii"), ("AnyVision", "Oosto"), ("ShotSpotter", "SoundThinking"),
    ("Hangzhou Hikvision Digital Technology", "Hikvision"), ("PredPol", "Geolitica"),
])
def test_well_known_products_and_former_names_resolve_to_their_vendor(mention, vendor):
    owners = [v["name"] for v in VENDORS if mention.casefold() in _match_keys(v)]
    assert owners == [vendor]


def test_every_region_is_represented():
    countries = {v["country"] for v in VENDORS}
    for iso2 in ("CN", "IL", "US", "RU", "JP", "KR", "IN", "AE", "DE", "FR", "GB", "BR", "MX", "ZA", "KE"):
        assert iso2 in countries, iso2


def test_store_reads_the_same_vendors():
    from custodes.store.reference import read_vendors

    rows = read_vendors(VENDORS_TSV)
    assert {r[1] for r in rows} == {v["name"] for v in VENDORS}
    by_name = {r[1]: r for r in rows}
    assert by_name["NSO Group"][2] == "IL"
