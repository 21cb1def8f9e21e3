"""The view data of every atlas page: plain dicts, one function per page.

Each page's HTML and its JSON twin are rendered from the same dict. The
functions take a `ReadOnlyDB` and already-validated filters (see
`custodes.web.params`); SQL only ever takes values through bound parameters.
"""
from __future__ import annotations

import json
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable
from urllib.parse import urlsplit

import pycountry

from custodes.model import SETTINGS, STATUSES, TECHNOLOGIES
from custodes.web.db import ReadOnlyDB

DEMO_TITLE_PREFIX = "[Invented example]"
STORIES_LIMIT = 60  # story clusters shown on a profile page; the JSON says how many more there are
EVIDENCE_ROWS_LIMIT = 300  # evidence rows read for one profile page, newest first
PAGE_ROWS = 500  # deployments listed on a page (its JSON says how many there are in all)
DOWNLOAD_ROWS = 100_000  # rows of one table in a CSV download


class NotFound(Exception):
    """The addressed country, vendor, technology, deployment or document is not in the database."""


# -- labels (data: labels.json) ------------------------------------------------
@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    return json.loads(resources.files("custodes.web").joinpath("labels.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def accuracy() -> dict[str, Any]:
    return json.loads(resources.files("custodes.web").joinpath("accuracy.json").read_text("utf-8"))


def technology_label(tech: str | None) -> str:
    return labels()["technologies"].get(tech or "", [tech or "unknown"])[0]


def status_label(status: str | None) -> str:
    return labels()["statuses"].get(status or "", [status or "unknown"])[0]


@lru_cache(maxsize=512)
def country_name(iso2: str | None) -> str:
    if not iso2:
        return "unknown"
    override = labels()["country_names"].get(iso2)
    if override:
        return override
    found = pycountry.countries.get(alpha_2=iso2)
    if found is None:
        return iso2
    return getattr(found, "common_name", None) or found.name


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "vendor"


def safe_link(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) address, else None: never render javascript: or data: links."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\n\r\t<>\"'` "):
        return url
    return None


def segments(text: str, words: Iterable[str]) -> list[list[Any]]:
    """`text` cut into [part, is_match] pairs around the matched words (case-insensitive).

    Templates print each part escaped and wrap matches in <mark>: highlighting
    never needs to trust document text as HTML.
    """
    words = tuple(sorted({w for w in words if w and w.strip()}, key=lambda w: (-len(w), w)))
    if not words or not text:
        return [[text or "", False]]
    pattern = _words_pattern(words)
    out: list[list[Any]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append([text[pos:m.start()], False])
        out.append([m.group(0), True])
        pos = m.end()
    if pos < len(text):
        out.append([text[pos:], False])
    return out or [[text, False]]


@lru_cache(maxsize=4096)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    # a matched word may be a stem ("extend" for "extended"): mark to the end of the word
    return re.compile("|".join(r"(?<!\w)" + re.escape(w) + r"\w*" for w in words), re.IGNORECASE)


def _json_list(value: Any) -> list:
    if value is None or value == "[]":  # most settings lists are empty: no parse
        return []
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return []
    return parsed if isinstance(parsed, list) else []


# -- cached database-wide facts ------------------------------------------------
class Memo:
    """Values computed once per state of the database (keyed on its signature)."""

    def __init__(self, db: ReadOnlyDB) -> None:
        self.db = db
        self._sig: tuple | None = None
        self._values: dict[str, Any] = {}
        self._lock = threading.RLock()  # one thread computes; the others wait for its value

    def get(self, name: str, compute) -> Any:
        sig = self.db.signature()
        values = self._values
        if sig == self._sig and name in values:
            return values[name]
        with self._lock:
            if sig != self._sig:
                self._values = {}
                self._sig = sig
            if name not in self._values:
                self._values[name] = compute()
            return self._values[name]


_memos: dict[int, Memo] = {}


def memo(db: ReadOnlyDB) -> Memo:
    found = _memos.get(id(db))
    if found is None or found.db is not db:
        found = _memos[id(db)] = Memo(db)
    return found


def vendor_directory(db: ReadOnlyDB) -> dict[str, dict[str, Any]]:
    """slug -> {slug, name, country, aliases, deployments}: every vendor named in the database."""

    def compute() -> dict[str, dict[str, Any]]:
        by_name: dict[str, dict[str, Any]] = {}
        for r in db.rows("SELECT slug, name, country, aliases FROM vendors"):
            by_name[r["name"]] = {"slug": r["slug"], "name": r["name"], "country": r["country"],
                                  "aliases": _json_list(r["aliases"]), "deployments": 0}
        for r in db.rows("SELECT vendor, supplier_country, COUNT(*) AS n FROM deployments "
                         "WHERE vendor IS NOT NULL GROUP BY vendor, supplier_country"):
            entry = by_name.setdefault(r["vendor"], {"slug": slugify(r["vendor"]), "name": r["vendor"],
                                                     "country": r["supplier_country"], "aliases": [],
                                                     "deployments": 0})
            entry["deployments"] += r["n"]
            entry["country"] = entry["country"] or r["supplier_country"]
        return {v["slug"]: v for v in sorted(by_name.values(), key=lambda v: v["name"].lower())}

    return memo(db).get("vendors", compute)


def vendor_by_name(db: ReadOnlyDB, name: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    by_name = memo(db).get("vendor_names", lambda: {v["name"]: v for v in vendor_directory(db).values()})
    return by_name.get(name)


def is_demo(db: ReadOnlyDB) -> bool:
    """True when the database holds custodes's invented example corpus."""

    def compute() -> bool:
        if db.has_meta:
            flag = db.value("SELECT value FROM meta WHERE key = ?", ("demo",))
            if flag is not None:
                return str(flag) == "1"
        return db.value("SELECT 1 FROM documents WHERE title LIKE ? LIMIT 1", (DEMO_TITLE_PREFIX + "%",)) is not None

    return memo(db).get("demo", compute)


def totals(db: ReadOnlyDB) -> dict[str, int]:
    def compute() -> dict[str, int]:
        return {
            "documents": db.value("SELECT COUNT(*) FROM documents") or 0,
            "claims": db.value("SELECT COUNT(*) FROM claims") or 0,
            "deployments": db.value("SELECT COUNT(*) FROM deployments") or 0,
            "countries": db.value("SELECT COUNT(DISTINCT country) FROM deployments") or 0,
        }

    return memo(db).get("totals", compute)


def filter_options(db: ReadOnlyDB) -> dict[str, Any]:
    """What the filter controls offer: only values present in the database."""

    def compute() -> dict[str, Any]:
        suppliers = [r["supplier_country"] for r in db.rows(
            "SELECT DISTINCT supplier_country FROM deployments WHERE supplier_country IS NOT NULL")]
        years = db.row("SELECT MIN(first_seen) AS lo, MAX(last_seen) AS hi FROM deployments")
        lo = int(years["lo"][:4]) if years and years["lo"] and years["lo"][:4].isdigit() else None
        hi = int(years["hi"][:4]) if years and years["hi"] and years["hi"][:4].isdigit() else None
        return {
            "technologies": [{"id": t, "label": technology_label(t)} for t in TECHNOLOGIES],
            "statuses": [{"id": s, "label": status_label(s)} for s in STATUSES],
            "vendors": [{"slug": v["slug"], "name": v["name"]} for v in vendor_directory(db).values() if v["deployments"]],
            "supplier_countries": sorted(({"iso2": s, "name": country_name(s)} for s in suppliers),
                                         key=lambda c: c["name"]),
            "years": {"min": lo, "max": hi},
        }

    return memo(db).get("options", compute)


# -- filters -------------------------------------------------------------------
def _common_filters(f: dict[str, Any], alias: str, from_col: str, to_col: str) -> tuple[str, list[Any]]:
    """SQL conditions (and their parameters) for the common filters; years bound the two columns."""
    p = alias + "." if alias else ""
    where: list[str] = []
    params: list[Any] = []
    for key in ("country", "technology", "supplier_country", "status"):
        if f.get(key):
            where.append(f"{p}{key} = ?")
            params.append(f[key])
    if f.get("vendor"):
        where.append(f"{p}vendor = ?")
        params.append(f["vendor"]["name"])
    if f.get("year_from") is not None:
        where.append(f"{p}{from_col} >= ?")
        params.append(f"{f['year_from']:04d}")
    if f.get("year_to") is not None:
        where.append(f"{p}{to_col} < ?")
        params.append(f"{f['year_to'] + 1:04d}")
    return (" AND ".join(where) or "1 = 1"), params


def deployment_filters(f: dict[str, Any], alias: str = "") -> tuple[str, list[Any]]:
    """Conditions on the deployments table: a deployment seen at any time in the year range."""
    return _common_filters(f, alias, "last_seen", "first_seen")


def claim_filters(f: dict[str, Any], alias: str = "c") -> tuple[str, list[Any]]:
    """Conditions on the claims table (years by publication date)."""
    return _common_filters(f, alias, "published", "published")


def public_filters(f: dict[str, Any]) -> dict[str, Any]:
    """The filters as they appear in URLs and JSON (a vendor by its slug)."""
    out = {}
    for k, v in f.items():
        if v is None or v == "":
            continue
        out[k] = v["slug"] if k == "vendor" else v
    return out


# -- shared pieces ---------------------------------------------------------------
def _deployment_row(r: dict[str, Any], db: ReadOnlyDB) -> dict[str, Any]:
    vendor = vendor_by_name(db, r.get("vendor"))
    return {
        "id": r["id"],
        "country": r["country"],
        "country_name": country_name(r["country"]),
        "technology": r["technology"],
        "technology_label": technology_label(r["technology"]),
        "vendor": r.get("vendor"),
        "vendor_slug": vendor["slug"] if vendor else None,
        "supplier_country": r.get("supplier_country"),
        "supplier_country_name": country_name(r["supplier_country"]) if r.get("supplier_country") else None,
        "status": r["status"],
        "settings": _json_list(r.get("settings")),
        "first_seen": r.get("first_seen"),
        "last_seen": r.get("last_seen"),
        "n_claims": r.get("n_claims", 0),
        "n_documents": r.get("n_documents", 0),
        "n_clusters": r.get("n_clusters", 0),
        "n_domains": r.get("n_domains", 0),
    }


DEPLOYMENT_COLUMNS = ("id, country, technology, vendor, supplier_country, status, settings, first_seen, "
                      "last_seen, n_claims, n_documents, n_clusters, n_domains")


def _deployments(db: ReadOnlyDB, where: str, params: list[Any], limit: int = PAGE_ROWS) -> list[dict[str, Any]]:
    rows = db.rows(f"SELECT {DEPLOYMENT_COLUMNS} FROM deployments WHERE {where} "
                   f"ORDER BY n_clusters DESC, last_seen DESC, id LIMIT ?", [*params, limit])
    return [_deployment_row(r, db) for r in rows]


def _by_status(db: ReadOnlyDB, where: str, params: list[Any], key: str) -> list[dict[str, Any]]:
    """Rows of `key` (technology or country) with their deployment counts per status, over all matches."""
    assert key in ("technology", "country")
    table: dict[str, Counter] = defaultdict(Counter)
    for r in db.rows(f"SELECT {key} AS k, status, COUNT(*) AS n FROM deployments WHERE {where} "
                     f"GROUP BY {key}, status", params):
        table[r["k"]][r["status"]] += r["n"]
    rows = []
    for k, counts in table.items():
        label = technology_label(k) if key == "technology" else country_name(k)
        rows.append({key: k, "label": label, "total": sum(counts.values()),
                     "statuses": {s: counts.get(s, 0) for s in STATUSES}})
    return sorted(rows, key=lambda r: (-r["total"], r["label"]))


def _suppliers(db: ReadOnlyDB, where: str, params: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Vendors (with their technologies) and supplier countries, counted over all matching deployments.

    Grouped in SQL, one row per vendor and per supplier country (the (country, vendor,
    supplier_country, technology) index answers a country's), not one per deployment.
    """
    # a vendor's supplier country: the first in order, where no supplier country sorts first
    technologies = ("group_concat(DISTINCT technology)" if db.dialect == "sqlite"
                    else "string_agg(DISTINCT technology, ',')")
    vendors: dict[str, dict[str, Any]] = {}
    for r in db.rows(f"SELECT vendor, CASE WHEN COUNT(supplier_country) < COUNT(*) THEN NULL "
                     f"ELSE MIN(supplier_country) END AS supplier_country, COUNT(*) AS n, "
                     f"{technologies} AS technologies FROM deployments "
                     f"WHERE {where} AND vendor IS NOT NULL AND vendor <> '' GROUP BY vendor", params):
        known = vendor_by_name(db, r["vendor"])
        vendors[r["vendor"]] = {"vendor": r["vendor"], "slug": known["slug"] if known else None,
                                "supplier_country": r["supplier_country"], "deployments": r["n"],
                                "technologies": sorted((r["technologies"] or "").split(","))}
    origins: dict[str, dict[str, Any]] = {}
    for r in db.rows(f"SELECT supplier_country, COUNT(*) AS n FROM deployments "
                     f"WHERE {where} AND supplier_country IS NOT NULL AND supplier_country <> '' "
                     f"GROUP BY supplier_country", params):
        origins[r["supplier_country"]] = {"supplier_country": r["supplier_country"],
                                          "name": country_name(r["supplier_country"]), "deployments": r["n"]}
    return {
        "vendors": sorted(vendors.values(), key=lambda v: (-v["deployments"], v["vendor"])),
        "supplier_countries": sorted(origins.values(), key=lambda o: (-o["deployments"], o["name"])),
    }


def _settings(db: ReadOnlyDB, where: str, params: list[Any]) -> list[dict[str, Any]]:
    # deployments share a few settings lists: count each list once, then open it
    lists = f"SELECT settings, COUNT(*) AS n FROM deployments WHERE {where} GROUP BY settings"
    if db.dialect == "sqlite":
        sql = f"SELECT j.value AS setting, SUM(s.n) AS n FROM ({lists}) AS s, json_each(s.settings) AS j GROUP BY j.value"
    else:
        sql = (f"SELECT j.setting, CAST(SUM(s.n) AS BIGINT) AS n FROM ({lists}) AS s, "
               f"jsonb_array_elements_text(s.settings) AS j(setting) GROUP BY j.setting")
    counts = {r["setting"]: r["n"] for r in db.rows(sql, params)}
    return [{"setting": s, "label": labels()["settings"].get(s, s), "deployments": n}
            for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _timeline(db: ReadOnlyDB, where: str, params: list[Any]) -> list[dict[str, Any]]:
    # grouped by the raw date, which the (country, published, status) index delivers in order
    # without a sort; the years are summed here
    rows = db.rows(f"SELECT c.published AS published, c.status AS status, COUNT(*) AS n "
                   f"FROM claims c WHERE {where} AND c.published IS NOT NULL "
                   f"GROUP BY c.published, c.status", params)
    return _years(rows)


def _country_timeline(db: ReadOnlyDB, iso2: str) -> list[dict[str, Any]]:
    """A country's timeline over all its claims, from the per-year summary rebuilt with the deployments."""
    return _years(db.rows("SELECT year AS published, status, claims AS n FROM country_years WHERE country = ?",
                          (iso2,)))


def _years(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims per year and status, every year from the first to the last, from (published, status, n) rows."""
    years: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        year = r["published"][:4]
        if year.isdigit():
            years[year][r["status"]] += r["n"]
    if not years:
        return []
    lo, hi = int(min(years)), int(max(years))
    return [{"year": y, "claims": sum(years[str(y)].values()),
             "statuses": {s: years[str(y)].get(s, 0) for s in STATUSES}} for y in range(lo, hi + 1)]


def _stories(db: ReadOnlyDB, where: str, params: list[Any]) -> dict[str, Any]:
    """Evidence sentences grouped by story cluster: syndicated copies are one story with N copies."""
    rows = db.rows(
        "SELECT c.id AS claim_id, c.technology, c.status, c.vendor, c.deployment_id, c.country, "
        "e.id AS evidence_id, e.sentence, e.matched, e.page, "
        "d.id AS document_id, d.title, d.url, d.published, d.domain, d.cluster_id "
        f"FROM claims c JOIN evidence e ON e.claim_id = c.id JOIN documents d ON d.id = c.document_id "
        f"WHERE {where} ORDER BY c.published DESC LIMIT {EVIDENCE_ROWS_LIMIT}", params)
    stories: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for r in rows:
        key = r["cluster_id"] or r["document_id"]
        story = stories.get(key)
        if story is None:
            story = stories[key] = {"cluster_id": r["cluster_id"], "title": r["title"], "published": r["published"],
                                    "documents": OrderedDict(), "evidence": OrderedDict(), "copies": 0}
        if r["document_id"] not in story["documents"]:
            story["documents"][r["document_id"]] = {
                "id": r["document_id"], "title": r["title"], "url": r["url"], "link": safe_link(r["url"]),
                "published": r["published"], "domain": r["domain"]}
        # one entry per sentence; the claims it supports are listed under it
        entry = story["evidence"].get(r["sentence"])
        if entry is None:
            entry = story["evidence"][r["sentence"]] = {
                "sentence": r["sentence"], "matched": [], "document_id": r["document_id"],
                "evidence_id": r["evidence_id"], "page": r["page"], "claims": []}
        for word in _json_list(r["matched"]):
            if word not in entry["matched"]:
                entry["matched"].append(word)
        claim = {"technology": r["technology"], "technology_label": technology_label(r["technology"]),
                 "status": r["status"], "vendor": r["vendor"], "country": r["country"],
                 "deployment_id": r["deployment_id"], "claim_id": r["claim_id"]}
        if not any(c["deployment_id"] == claim["deployment_id"] and c["status"] == claim["status"]
                   for c in entry["claims"]):
            entry["claims"].append(claim)
    cluster_ids = [s["cluster_id"] for s in stories.values() if s["cluster_id"]]
    sizes: dict[str, int] = {}
    for i in range(0, len(cluster_ids), 500):
        chunk = cluster_ids[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        sizes.update({r["id"]: r["size"] for r in db.rows(f"SELECT id, size FROM clusters WHERE id IN ({marks})", chunk)})
    out = []
    for s in list(stories.values()):
        docs = list(s["documents"].values())
        out.append({"cluster_id": s["cluster_id"], "title": s["title"], "published": s["published"],
                    "copies": max(len(docs), sizes.get(s["cluster_id"] or "", 0)), "documents": docs,
                    "evidence": list(s["evidence"].values())})
    return {"stories": out[:STORIES_LIMIT], "more_stories": max(0, len(out) - STORIES_LIMIT),
            "truncated": len(rows) >= EVIDENCE_ROWS_LIMIT}


def _map_counts(db: ReadOnlyDB, where: str, params: list[Any]) -> list[dict[str, Any]]:
    if not params and db.has_country_summaries:  # the whole world, unfiltered: summed with the deployments
        rows = db.rows("SELECT country, technologies, deployments, vendors FROM country_totals")
    else:
        rows = db.rows(
            "SELECT country, COUNT(DISTINCT technology) AS technologies, COUNT(*) AS deployments, "
            "COUNT(DISTINCT vendor) AS vendors "
            f"FROM deployments WHERE {where} AND country IS NOT NULL GROUP BY country", params)
    out = [{"iso2": r["country"], "name": country_name(r["country"]), "technologies": r["technologies"],
            "deployments": r["deployments"], "vendors": r["vendors"]}
           for r in rows]
    return sorted(out, key=lambda c: (-c["technologies"], -c["deployments"], c["name"]))


def _page(db: ReadOnlyDB, **data: Any) -> dict[str, Any]:
    data["demo"] = is_demo(db)
    return data


# -- pages -----------------------------------------------------------------------
def map_view(db: ReadOnlyDB, filters: dict[str, Any]) -> dict[str, Any]:
    """`/`: per country, the number of technologies (and deployments) matching the filters."""
    where, params = deployment_filters(filters)
    countries = _map_counts(db, where, params)
    return _page(db, title="World map", filters=public_filters(filters), countries=countries,
                 max_technologies=max((c["technologies"] for c in countries), default=0),
                 totals=totals(db), options=filter_options(db), tables={"countries": countries})


def country_view(db: ReadOnlyDB, iso2: str, filters: dict[str, Any]) -> dict[str, Any]:
    """`/countries/{ISO2}`: what a country uses, from whom, since when, on what evidence."""
    rows_limit = filters.pop("rows_limit", PAGE_ROWS)
    filters = dict(filters, country=iso2)
    where, params = deployment_filters(filters)
    deployments = _deployments(db, where, params, rows_limit)
    info = db.row("SELECT iso2, name, region, subregion FROM countries WHERE iso2 = ?", (iso2,)) or {}
    if not deployments and not db.value("SELECT 1 FROM claims WHERE country = ? LIMIT 1", (iso2,)):
        if not any(filters.get(k) for k in ("technology", "vendor", "supplier_country", "status", "year_from", "year_to")):
            raise NotFound(f"no claims about {country_name(iso2)} ({iso2}) in this database")
    cwhere, cparams = claim_filters(filters)
    technologies = _by_status(db, where, params, "technology")
    suppliers = _suppliers(db, where, params)
    if len(cparams) == 1 and db.has_country_summaries:  # only the country: its claims' summary by year
        timeline = _country_timeline(db, iso2)
    else:
        timeline = _timeline(db, cwhere, cparams)
    return _page(db, title=country_name(iso2), iso2=iso2, name=country_name(iso2),
                 region=info.get("region"), subregion=info.get("subregion"), filters=public_filters(filters),
                 options=filter_options(db), technologies=technologies,
                 suppliers=suppliers, settings=_settings(db, where, params),
                 timeline=timeline, deployments=deployments,
                 n_deployments=sum(t["total"] for t in technologies), **_stories(db, cwhere, cparams),
                 tables={"deployments": deployments, "vendors": suppliers["vendors"],
                         "supplier_countries": suppliers["supplier_countries"]})


def vendor_view(db: ReadOnlyDB, slug: str, filters: dict[str, Any]) -> dict[str, Any]:
    """`/vendors/{slug}`: the countries a vendor supplies, with technologies and evidence."""
    rows_limit = filters.pop("rows_limit", PAGE_ROWS)
    vendor = vendor_directory(db).get(slug)
    if vendor is None:
        raise NotFound(f"no vendor with slug {slug!r} in this database")
    filters = dict(filters, vendor=vendor)
    where, params = deployment_filters(filters)
    deployments = _deployments(db, where, params, rows_limit)
    countries = _map_counts(db, where, params)
    cwhere, cparams = claim_filters(filters)
    technologies = _by_status(db, where, params, "technology")
    return _page(db, title=vendor["name"], vendor={k: vendor[k] for k in ("slug", "name", "country", "aliases")},
                 supplier_country_name=country_name(vendor["country"]) if vendor["country"] else None,
                 filters=public_filters(filters), options=filter_options(db), countries=countries,
                 max_technologies=max((c["technologies"] for c in countries), default=0),
                 technologies=technologies, deployments=deployments,
                 n_deployments=sum(t["total"] for t in technologies),
                 timeline=_timeline(db, cwhere, cparams), **_stories(db, cwhere, cparams),
                 tables={"countries": countries, "deployments": deployments})


def technology_view(db: ReadOnlyDB, technology: str, filters: dict[str, Any]) -> dict[str, Any]:
    """`/technologies/{id}`: where a technology is used, by status."""
    rows_limit = filters.pop("rows_limit", PAGE_ROWS)
    if technology not in TECHNOLOGIES:
        raise NotFound(f"no technology {technology!r}; the taxonomy's technologies are: {', '.join(TECHNOLOGIES)}")
    filters = dict(filters, technology=technology)
    where, params = deployment_filters(filters)
    deployments = _deployments(db, where, params, rows_limit)
    countries = _map_counts(db, where, params)
    label, description = labels()["technologies"][technology]
    countries_by_status = _by_status(db, where, params, "country")
    by_status = {s: sorted(((c["country"], c["label"]) for c in countries_by_status if c["statuses"][s]),
                           key=lambda c: c[1]) for s in STATUSES}
    suppliers = _suppliers(db, where, params)
    return _page(db, title=label, technology=technology, label=label, description=description,
                 filters=public_filters(filters), options=filter_options(db), countries=countries,
                 max_technologies=max((c["technologies"] for c in countries), default=0),
                 by_status=[{"status": s, "label": status_label(s),
                             "countries": [{"iso2": c, "name": n} for c, n in by_status[s]]} for s in STATUSES],
                 countries_by_status=countries_by_status, suppliers=suppliers, deployments=deployments,
                 n_deployments=sum(c["total"] for c in countries_by_status),
                 tables={"deployments": deployments, "countries": countries, "vendors": suppliers["vendors"]})


def deployment_view(db: ReadOnlyDB, deployment_id: str) -> dict[str, Any]:
    """`/deployments/{id}`: one deployment, its status history and all its evidence."""
    r = db.row(f"SELECT {DEPLOYMENT_COLUMNS}, status_history FROM deployments WHERE id = ?", (deployment_id,))
    if r is None:
        raise NotFound(f"no deployment {deployment_id!r} in this database")
    d = _deployment_row(r, db)
    history = [{"date": h.get("date"), "status": h.get("status"), "status_label": status_label(h.get("status")),
                "document_id": h.get("document_id")}
               for h in _json_list(r["status_history"]) if isinstance(h, dict)]
    stories = _stories(db, "c.deployment_id = ?", [deployment_id])
    title = f"{d['technology_label']} in {d['country_name']}" + (f" ({d['vendor']})" if d["vendor"] else "")
    return _page(db, title=title, deployment=d, status_history=history, **stories,
                 tables={"status_history": history})


def document_view(db: ReadOnlyDB, document_id: str) -> dict[str, Any]:
    """`/documents/{id}`: a source document with every evidence sentence marked in its text."""
    r = db.row("SELECT id, url, domain, title, published, source_type, source_name, language, text, "
               "cluster_id, ingested_at, extractor_version FROM documents WHERE id = ?", (document_id,))
    if r is None:
        raise NotFound(f"no document {document_id!r} in this database")
    claims = db.rows(
        "SELECT c.id, c.country, c.technology, c.vendor, c.supplier_country, c.status, c.deployment_id, "
        "c.confidence, e.id AS evidence_id, e.start, e.end_ AS end, e.sentence, e.matched "
        "FROM claims c LEFT JOIN evidence e ON e.claim_id = c.id WHERE c.document_id = ? "
        "ORDER BY e.start, c.id", (document_id,))
    text = r["text"] or ""
    # Only spans whose offsets really hold their sentence are marked; evidence taken
    # from the title (offsets into the title, not the text) marks the title.
    spans = sorted({(c["start"], c["end"], c["evidence_id"]) for c in claims
                    if c["start"] is not None and c["end"] is not None and 0 <= c["start"] < c["end"] <= len(text)
                    and text[c["start"]:c["end"]] == c["sentence"]})
    in_text = {span[2] for span in spans}
    title_evidence_id = next((c["evidence_id"] for c in claims if c["evidence_id"] and c["evidence_id"] not in in_text
                              and r["title"] and c["sentence"] == r["title"]), None)
    parts: list[dict[str, Any]] = []
    pos = 0
    for start, end, evidence_id in spans:
        if start < pos:  # overlapping evidence (one sentence, several claims): mark it once
            continue
        if start > pos:
            parts.append({"text": text[pos:start], "evidence_id": None})
        parts.append({"text": text[start:end], "evidence_id": evidence_id})
        pos = end
    if pos < len(text):
        parts.append({"text": text[pos:], "evidence_id": None})
    copies = 1
    if r["cluster_id"]:
        copies = db.value("SELECT size FROM clusters WHERE id = ?", (r["cluster_id"],)) or 1
    claim_rows = [{"id": c["id"], "evidence_id": c["evidence_id"], "country": c["country"],
                   "country_name": country_name(c["country"]), "technology": c["technology"],
                   "technology_label": technology_label(c["technology"]), "vendor": c["vendor"],
                   "supplier_country": c["supplier_country"], "status": c["status"],
                   "deployment_id": c["deployment_id"], "sentence": c["sentence"],
                   "segments": segments(c["sentence"] or "", _json_list(c["matched"]))} for c in claims]
    doc = {k: r[k] for k in ("id", "url", "domain", "title", "published", "source_type", "source_name",
                             "language", "cluster_id", "ingested_at", "extractor_version")}
    doc["link"] = safe_link(r["url"])
    return _page(db, title=r["title"] or f"Document {document_id}", document=doc, text_parts=parts,
                 title_evidence_id=title_evidence_id,
                 copies=copies, claims=claim_rows, tables={"claims": claim_rows})


def _fts_query(q: str) -> str:
    """A user's words as a safe FTS5 query: each word a quoted term, all required."""
    words = re.findall(r"\w+", q)[:12]
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def _snippet(text: str, words: list[str], width: int = 240) -> list[list[Any]]:
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in words]
    hits = [h for h in hits if h >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = text[start:start + width]
    piece = ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")
    return segments(piece, words)


def _named_pages(db: ReadOnlyDB, q: str) -> list[dict[str, str]]:
    """Atlas pages whose name is the searched text: a vendor, a technology or a country."""
    name = " ".join(q.split()).casefold()
    if not name:
        return []
    found = []
    for v in vendor_directory(db).values():
        if v["deployments"] and name in {v["name"].casefold(), v["slug"], *(a.casefold() for a in v["aliases"])}:
            found.append({"kind": "vendor", "label": v["name"], "href": f"/vendors/{v['slug']}"})
    for t in TECHNOLOGIES:
        if name in {t.replace("_", " "), technology_label(t).casefold()}:
            found.append({"kind": "technology", "label": technology_label(t), "href": f"/technologies/{t}"})
    code = name.upper() if len(name) == 2 else None
    for c in (code,) if code else ():
        if pycountry.countries.get(alpha_2=c):
            found.append({"kind": "country", "label": country_name(c), "href": f"/countries/{c}"})
    if not code:
        try:
            match = pycountry.countries.lookup(name)
            found.append({"kind": "country", "label": country_name(match.alpha_2), "href": f"/countries/{match.alpha_2}"})
        except LookupError:
            pass
    return found


SEARCH_SORTS = ("newest", "relevance")


def search_view(db: ReadOnlyDB, q: str | None, filters: dict[str, Any], limit: int, offset: int,
                sort: str = "newest") -> dict[str, Any]:
    """`/search`: documents by full text, and the claims they (or the filters) yield.

    `sort`: newest (most recently added documents first; fast however common the words)
    or relevance (BM25 / ts_rank over every match).
    """
    words = re.findall(r"\w+", q or "")[:12]
    documents: list[dict[str, Any]] = []
    doc_ids: list[str] = []
    if words:
        if db.dialect == "sqlite":
            rows = db.rows(
                "SELECT d.id, d.title, d.url, d.published, d.domain, substr(d.text, 1, 20000) AS text "
                "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY "
                + ("documents_fts.rank" if sort == "relevance" else "documents_fts.rowid DESC") + " LIMIT ? OFFSET ?",
                (_fts_query(q or ""), limit, offset))
        else:
            order = ("ts_rank(d.search, plainto_tsquery('english', ?)) DESC, d.id" if sort == "relevance"
                     else "d.ingested_at DESC, d.id DESC")
            rows = db.rows(
                "SELECT d.id, d.title, d.url, d.published, d.domain, substr(d.text, 1, 20000) AS text "
                f"FROM documents d WHERE d.search @@ plainto_tsquery('english', ?) ORDER BY {order} LIMIT ? OFFSET ?",
                (" ".join(words), *((" ".join(words),) if sort == "relevance" else ()), limit, offset))
        for r in rows:
            doc_ids.append(r["id"])
            documents.append({"id": r["id"], "title": r["title"], "title_segments": segments(r["title"] or "", words),
                              "url": r["url"], "link": safe_link(r["url"]), "published": r["published"],
                              "domain": r["domain"], "snippet": _snippet(r["text"] or "", words)})
    cwhere, cparams = claim_filters(filters)
    claims_sql = ("SELECT c.id, c.country, c.technology, c.vendor, c.supplier_country, c.status, c.published, "
                  "c.deployment_id, c.document_id, d.title, d.url FROM claims c JOIN documents d ON d.id = c.document_id ")
    if words:
        marks = ", ".join("?" for _ in doc_ids) or "NULL"
        crows = db.rows(claims_sql + f"WHERE {cwhere} AND c.document_id IN ({marks}) "
                        f"ORDER BY c.published DESC, c.id LIMIT ?", [*cparams, *doc_ids, limit])
    elif any(public_filters(filters).values()):
        crows = db.rows(claims_sql + f"WHERE {cwhere} ORDER BY c.published DESC, c.id LIMIT ? OFFSET ?",
                        [*cparams, limit, offset])
    else:
        crows = []
    claims = [dict(r, country_name=country_name(r["country"]), technology_label=technology_label(r["technology"]),
                   link=safe_link(r["url"]), vendor_slug=(vendor_by_name(db, r["vendor"]) or {}).get("slug"))
              for r in crows]
    return _page(db, title=f"Search: {q}" if q else "Search", q=q or "", sort=sort, filters=public_filters(filters),
                 pages=_named_pages(db, q or ""),
                 options=filter_options(db), limit=limit, offset=offset, documents=documents, claims=claims,
                 tables={"claims": claims, "documents": [{k: d[k] for k in ("id", "title", "url", "published", "domain")}
                                                         for d in documents]})


def latest_claims(db: ReadOnlyDB, filters: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    cwhere, cparams = claim_filters(filters)
    rows = db.rows(
        "SELECT c.id, c.country, c.technology, c.vendor, c.supplier_country, c.status, c.published, "
        "c.deployment_id, c.document_id, d.title, d.url, d.ingested_at "
        f"FROM documents d JOIN claims c ON c.document_id = d.id WHERE {cwhere} "
        "ORDER BY d.ingested_at DESC, c.published DESC, c.id LIMIT ?", [*cparams, limit])
    ids = [r["id"] for r in rows]
    sentences: dict[str, dict[str, Any]] = {}
    if ids:
        marks = ", ".join("?" for _ in ids)
        for e in db.rows(f"SELECT claim_id, id, sentence, matched FROM evidence WHERE claim_id IN ({marks}) "
                         "ORDER BY claim_id, start", ids):
            sentences.setdefault(e["claim_id"], e)
    out = []
    for r in rows:
        e = sentences.get(r["id"]) or {}
        vendor = vendor_by_name(db, r["vendor"])
        out.append(dict(r, country_name=country_name(r["country"]), technology_label=technology_label(r["technology"]),
                        status_label=status_label(r["status"]), vendor_slug=vendor["slug"] if vendor else None,
                        link=safe_link(r["url"]), sentence=e.get("sentence"), evidence_id=e.get("id"),
                        segments=segments(e.get("sentence") or "", _json_list(e.get("matched")))))
    return out


def new_view(db: ReadOnlyDB, filters: dict[str, Any], limit: int) -> dict[str, Any]:
    """`/new`: the claims most recently added to the database."""
    claims = latest_claims(db, filters, limit)
    return _page(db, title="What's new", filters=public_filters(filters), options=filter_options(db),
                 limit=limit, claims=claims, tables={"claims": claims})


def method_view(db: ReadOnlyDB) -> dict[str, Any]:
    """`/method`: the taxonomy, how extraction works, its measured accuracy and its limits."""
    versions = db.rows("SELECT extractor_version, COUNT(*) AS documents FROM documents "
                       "GROUP BY extractor_version ORDER BY extractor_version")
    lab = labels()
    return _page(db, title="Method",
                 technologies=[{"id": t, "label": lab["technologies"][t][0], "covers": lab["technologies"][t][1]}
                               for t in TECHNOLOGIES],
                 statuses=[{"id": s, "label": lab["statuses"][s][0], "when": lab["statuses"][s][1]} for s in STATUSES],
                 settings=[{"id": s, "label": lab["settings"][s]} for s in SETTINGS],
                 accuracy=accuracy(), totals=totals(db), extractor_versions=versions,
                 tables={"technologies": [{"id": t, "label": lab["technologies"][t][0]} for t in TECHNOLOGIES]})


def vendors_index(db: ReadOnlyDB) -> dict[str, Any]:
    """`/vendors`: every vendor named in the database."""
    vendors = [dict(v, country_name=country_name(v["country"]) if v["country"] else None)
               for v in sorted(vendor_directory(db).values(), key=lambda v: (-v["deployments"], v["name"].lower()))]
    return _page(db, title="Vendors", vendors=vendors, tables={"vendors": vendors})


def technologies_index(db: ReadOnlyDB) -> dict[str, Any]:
    """`/technologies`: the taxonomy's technologies with their deployment counts."""
    counts = {r["technology"]: r for r in db.rows(
        "SELECT technology, COUNT(*) AS deployments, COUNT(DISTINCT country) AS countries "
        "FROM deployments GROUP BY technology")}
    rows = [{"id": t, "label": technology_label(t), "description": labels()["technologies"][t][1],
             "deployments": counts.get(t, {}).get("deployments", 0), "countries": counts.get(t, {}).get("countries", 0)}
            for t in TECHNOLOGIES]
    return _page(db, title="Technologies", technologies=rows, tables={"technologies": rows})
