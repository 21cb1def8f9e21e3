"""examples/: the invented corpus the demo runs on, and its hand labels in tests/fixtures.

The examples are what a newcomer sees first and what the accuracy checks on our own
writing rely on, so they must stay well-formed, clearly marked as invented, and the
labels must stay in the taxonomy's vocabulary and cover all of it.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pycountry
import pytest

from custodes.model import SETTINGS, STATUSES, TECHNOLOGIES

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "examples" / "articles.jsonl"
GOLD = ROOT / "tests" / "fixtures" / "examples_gold.jsonl"
EXAMPLE_HOST = re.compile(r"(^|\.)example\.(com|net|org)$")  # RFC 2606 reserved names only


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{lineno}: blank line"
        rows.append(json.loads(line))
    return rows


articles = read_jsonl(ARTICLES)
gold = read_jsonl(GOLD)


def test_articles_are_many_with_unique_ids():
    ids = [a["id"] for a in articles]
    assert len(ids) >= 26
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("article", articles, ids=lambda a: a["id"])
def test_each_article_is_marked_invented_and_well_formed(article):
    assert set(article) == {"id", "title", "text", "url", "published"}
    assert article["title"].startswith("[Invented example] ")
    assert len(article["text"]) > 200
    host = urlparse(article["url"]).hostname or ""
    assert EXAMPLE_HOST.search(host), f"{article['id']}: {host} is not an example domain"
    date.fromisoformat(article["published"])


def test_articles_use_several_example_domains():
    assert len({urlparse(a["url"]).hostname for a in articles}) >= 5


def test_gold_labels_every_article_and_nothing_else():
    assert [g["id"] for g in gold] == [a["id"] for a in articles]


@pytest.mark.parametrize("label", gold, ids=lambda g: g["id"])
def test_each_label_uses_the_taxonomy(label):
    assert label["relevant"] is bool(label["claims"])
    keys = set()
    for claim in label["claims"]:
        assert set(claim) == {"country", "technology", "vendor", "supplier_country", "settings", "status"}
        assert pycountry.countries.get(alpha_2=claim["country"]), claim
        assert claim["technology"] in TECHNOLOGIES, claim
        assert claim["status"] in STATUSES, claim
        assert all(s in SETTINGS for s in claim["settings"]), claim
        if claim["supplier_country"] is not None:
            assert pycountry.countries.get(alpha_2=claim["supplier_country"]), claim
        key = (claim["country"], claim["technology"], claim["vendor"], claim["supplier_country"], claim["status"])
        assert key not in keys, f"{label['id']}: repeated claim {key} (merge its settings)"
        keys.add(key)


def test_labels_cover_every_technology_and_status_and_most_settings():
    claims = [c for g in gold for c in g["claims"]]
    assert {c["technology"] for c in claims} == set(TECHNOLOGIES)
    assert {c["status"] for c in claims} == set(STATUSES)
    assert len({s for c in claims for s in c["settings"]}) >= len(SETTINGS) - 2


def test_corpus_has_hard_negatives_and_vendor_claims():
    assert sum(not g["relevant"] for g in gold) >= 5
    assert sum(1 for g in gold for c in g["claims"] if c["vendor"]) >= 15


def test_vendors_in_labels_are_known_vendors():
    from custodes.store.reference import read_vendors

    known = {row[1]: row[2] for row in read_vendors()}
    for g in gold:
        for c in g["claims"]:
            if c["vendor"]:
                assert c["vendor"] in known, c["vendor"]
                assert c["supplier_country"] == known[c["vendor"]], (g["id"], c)


def test_corpus_includes_spanish_and_french_articles():
    import py3langid

    languages = {py3langid.classify(a["text"])[0] for a in articles}
    assert {"en", "es", "fr"} <= languages


def test_other_formats_are_present_and_marked_invented():
    examples = ROOT / "examples"
    files = {
        "pages": sorted((examples / "pages").glob("*.html")),
        "reports": sorted((examples / "reports").glob("*.txt")),
        "feeds": sorted((examples / "feeds").glob("*.xml")),
    }
    assert len(files["pages"]) >= 2 and files["reports"] and files["feeds"]
    for path in [p for group in files.values() for p in group]:
        assert "[Invented example]" in path.read_text(encoding="utf-8"), path
