"""Query parameters of the atlas: one validator per name, clear 400s otherwise.

The same names as the CLI flags and the JSON fields (`country`, `technology`,
`vendor`, `supplier_country`, `status`, `year_from`, `year_to`, `q`).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

import pycountry

from custodes.model import STATUSES, TECHNOLOGIES
from custodes.web.db import ReadOnlyDB

MAX_Q_CHARS = 200
MAX_LIMIT = 500


class BadRequest(Exception):
    """A query parameter (or path part) the atlas cannot use; the message says why."""

    def __init__(self, parameter: str | None, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def iso2(value: str, name: str = "country") -> str:
    code = value.strip().upper()
    if code == "XK" or (re.fullmatch(r"[A-Z]{2}", code) and pycountry.countries.get(alpha_2=code)):
        return code
    raise BadRequest(name, f"{name} must be an ISO 3166-1 alpha-2 country code such as KP or KE, not {value[:40]!r}")


def technology(value: str) -> str:
    if value in TECHNOLOGIES:
        return value
    raise BadRequest("technology", f"technology must be one of {', '.join(TECHNOLOGIES)}; got {value[:60]!r}")


def status(value: str) -> str:
    if value in STATUSES:
        return value
    raise BadRequest("status", f"status must be one of {', '.join(STATUSES)}; got {value[:60]!r}")


def year(value: str, name: str) -> int:
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise BadRequest(name, f"{name} must be a four-digit year such as 2019, not {value[:20]!r}")
    y = int(value)
    if not 1900 <= y <= 2100:
        raise BadRequest(name, f"{name} must be between 1900 and 2100, not {y}")
    return y


def bounded_int(value: str, name: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"\d{1,7}", value.strip()):
        raise BadRequest(name, f"{name} must be a whole number from {lo} to {hi}, not {value[:20]!r}")
    n = int(value)
    if not lo <= n <= hi:
        raise BadRequest(name, f"{name} must be from {lo} to {hi}, not {n}")
    return n


def query_text(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_Q_CHARS:
        raise BadRequest("q", f"q is limited to {MAX_Q_CHARS} characters (got {len(value)})")
    if value and not re.search(r"\w", value):
        raise BadRequest("q", "q must contain at least one word")
    return value


def sort(value: str) -> str:
    if value in ("newest", "relevance"):
        return value
    raise BadRequest("sort", f"sort must be newest or relevance, not {value[:30]!r}")


FILTERS = ("technology", "supplier_country", "vendor", "status", "year_from", "year_to")


def parse(query: Mapping[str, str] | Any, allowed: tuple[str, ...], db: ReadOnlyDB) -> dict[str, Any]:
    """Validated values of the allowed parameters; an unknown or repeated parameter is a 400."""
    from custodes.web.views import vendor_directory

    out: dict[str, Any] = {}
    keys = list(query.keys()) if hasattr(query, "keys") else []
    multi = query.multi_items() if hasattr(query, "multi_items") else list(query.items())
    for key in keys:
        if key not in allowed:
            raise BadRequest(key, f"unknown parameter {key[:40]!r}; this address takes: {', '.join(allowed) or 'none'}")
    seen: set[str] = set()
    for key, _ in multi:
        if key in seen:
            raise BadRequest(key, f"parameter {key!r} given more than once")
        seen.add(key)
    checks: dict[str, Callable[[str], Any]] = {
        "country": iso2,
        "supplier_country": lambda v: iso2(v, "supplier_country"),
        "technology": technology,
        "status": status,
        "year_from": lambda v: year(v, "year_from"),
        "year_to": lambda v: year(v, "year_to"),
        "q": query_text,
        "limit": lambda v: bounded_int(v, "limit", 1, MAX_LIMIT),
        "offset": lambda v: bounded_int(v, "offset", 0, 100_000),
        "table": lambda v: v,
        "sort": sort,
    }
    for key in allowed:
        raw = query.get(key)
        if raw is None or raw == "":
            continue
        if key == "vendor":
            directory = vendor_directory(db)
            found = directory.get(raw) or next((v for v in directory.values() if v["name"].lower() == raw.lower()), None)
            if found is None:
                raise BadRequest("vendor", f"no vendor {raw[:60]!r} in this database (see /vendors for their slugs)")
            out["vendor"] = found
        else:
            out[key] = checks[key](raw)
    if out.get("year_from") and out.get("year_to") and out["year_from"] > out["year_to"]:
        raise BadRequest("year_to", f"year_to ({out['year_to']}) is before year_from ({out['year_from']})")
    return out
