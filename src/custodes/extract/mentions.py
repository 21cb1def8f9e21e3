"""Find technology terms, places and vendors in a text with two compiled automata.

One pass of a lower-case Aho-Corasick automaton finds technology terms and vendor names;
one pass of a case-sensitive one finds places (a place name is a proper noun: "Mobile" the
city, not "mobile" the phone). Both passes keep offsets into the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from custodes.knowledge import (Place, Term, Vendor, gazetteer, normalise, straighten,
                                technology_terms, vendors)


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    kind: str  # "tech", "place", "vendor"
    value: Any  # Term, Place or Vendor
    text: str


@dataclass(slots=True)
class _Matchers:
    lower: ahocorasick.Automaton
    cased: ahocorasick.Automaton


@lru_cache(maxsize=1)
def matchers() -> _Matchers:
    lower = ahocorasick.Automaton()
    cased = ahocorasick.Automaton()
    lower_keys: dict[str, list] = {}
    cased_keys: dict[str, list] = {}

    def put(table, key, payload):
        table.setdefault(key, []).append(payload)

    for term in technology_terms():
        put(lower_keys, term.text, ("tech", term))
    for vendor in vendors():
        exact_name = "=" + vendor.name in vendor.aliases
        # a product name also names its technology ("Pegasus" is spyware)
        product_term = (Term(vendor.name, vendor.technologies[:1], True)
                        if vendor.technologies else None)
        for name in [vendor.name, *vendor.aliases, *vendor.products]:
            if name == vendor.name and exact_name:
                continue
            is_product = name in vendor.products
            payloads = [("vendor", vendor)]
            if is_product and product_term:
                payloads.append(("tech", product_term))
            for payload in payloads:
                if name.startswith("="):
                    put(cased_keys, straighten(name[1:]), payload)
                else:
                    put(lower_keys, normalise(name), payload)
    for name, place in gazetteer().places.items():
        put(cased_keys, straighten(name), ("place", place))
    for key, payloads in lower_keys.items():
        lower.add_word(key, (len(key), payloads))
    for key, payloads in cased_keys.items():
        cased.add_word(key, (len(key), payloads))
    lower.make_automaton()
    cased.make_automaton()
    return _Matchers(lower, cased)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _scan(automaton, haystack: str, plural_ok: bool):
    """Whole-word matches as (start, end, payloads), longest first where they overlap."""
    n = len(haystack)
    found = []
    for last, (length, payloads) in automaton.iter(haystack):
        start, end = last - length + 1, last + 1
        if start > 0 and _is_word_char(haystack[start - 1]) and _is_word_char(haystack[start]):
            continue
        prefix = any(p[0] == "tech" and p[1].prefix for p in payloads)
        if end < n and _is_word_char(haystack[end]) and _is_word_char(haystack[end - 1]):
            if prefix:
                while end < n and haystack[end].isalpha():
                    end += 1
            elif plural_ok and haystack[end] == "s" and (end + 1 == n or not _is_word_char(haystack[end + 1])):
                end += 1
            elif plural_ok and haystack.startswith("es", end) and (end + 2 == n or not _is_word_char(haystack[end + 2])):
                end += 2
            else:
                continue
        found.append((start, end, payloads))
    # leftmost-longest, no overlaps
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept, reach = [], -1
    for item in found:
        if item[0] >= reach:
            kept.append(item)
            reach = item[1]
    return kept


def find_mentions(text: str) -> list[Mention]:
    """Every technology term, vendor and place in the text, in order of position."""
    m = matchers()
    out: list[Mention] = []
    lowered = normalise(text)
    tech_hits, vendor_hits = [], []
    for start, end, payloads in _scan(m.lower, lowered, plural_ok=True):
        for kind, value in payloads:
            (tech_hits if kind == "tech" else vendor_hits).append((start, end, kind, value))
    cased = straighten(text)
    for start, end, payloads in _scan(m.cased, cased, plural_ok=False):
        for kind, value in payloads:
            if kind == "vendor":
                vendor_hits.append((start, end, kind, value))
            elif kind == "tech":
                tech_hits.append((start, end, kind, value))
            else:
                out.append(Mention(start, end, kind, value, text[start:end]))
    if _SHOUTED.search(cased):
        # datelines and some headlines shout place names ("BUENOS AIRES. -", "HUNGARY:")
        found = {(mm.start, mm.end) for mm in out}
        titled = _SHOUTED.sub(lambda w: w.group().title(), cased)
        for start, end, payloads in _scan(m.cased, titled, plural_ok=False):
            if (start, end) in found or cased[start:end] == titled[start:end]:
                continue
            for kind, value in payloads:
                if kind == "place":
                    out.append(Mention(start, end, kind, value, text[start:end]))
    for start, end, kind, value in tech_hits + vendor_hits:
        out.append(Mention(start, end, kind, value, text[start:end]))
    out.sort(key=lambda x: (x.start, x.end))
    return out


_SHOUTED = re.compile(r"\b[A-Z][A-Z'-]{3,}\b")


__all__ = ["Mention", "find_mentions", "Place", "Term", "Vendor"]
