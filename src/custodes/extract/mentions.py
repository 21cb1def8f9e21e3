"""Find technology terms, places and vendors in a text with two compiled automata.

One pass of a lower-case Aho-Corasick automaton finds technology terms and vendor names;
one pass of a case-sensitive one finds places (a place name is a proper noun: "Mobile" the
city, not "mobile" the phone). Both passes keep offsets into the original text.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from custodes.knowledge import (Place, Term, Vendor, gazetteer, normalise, straighten,
                                technology_terms, vendors)
from custodes.knowledge.aho import automaton


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    kind: str  # "tech", "place", "vendor"
    value: Any  # Term, Place or Vendor
    text: str


@dataclass(slots=True)
class _Matchers:
    lower: Any  # knowledge.aho automata; values: the key's payloads
    cased: Any
    cased_longest: int  # characters in the longest cased key
    cased_terms: Any  # the cased keys that name a technology (product names); values: their lengths


@lru_cache(maxsize=1)
def matchers() -> _Matchers:
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
            payloads: list[tuple[str, Vendor | Term]] = [("vendor", vendor)]
            if is_product and product_term:
                payloads.append(("tech", product_term))
            for payload in payloads:
                if name.startswith("="):
                    put(cased_keys, straighten(name[1:]), payload)
                else:
                    put(lower_keys, normalise(name), payload)
    for name, place in gazetteer().places.items():
        put(cased_keys, straighten(name), ("place", place))
    # each key carries its payloads, and may match as a word prefix when one of them says so
    lower, cased = (automaton(list(keys), list(keys.values()),
                              [any(kind == "tech" and value.prefix for kind, value in entries)
                               for entries in keys.values()])
                    for keys in (lower_keys, cased_keys))
    terms = [key for key, payloads in cased_keys.items() if any(kind == "tech" for kind, _ in payloads)]
    cased_terms = automaton(terms, [len(key) for key in terms])
    return _Matchers(lower, cased, max(map(len, cased_keys), default=0), cased_terms)


def _hits(matcher: Any, haystack: str, plural_ok: bool, lo: int = 0, hi: int = -1) -> list:
    """Whole-word matches in haystack[lo:hi] as (start, end, payloads), overlaps included."""
    return matcher.words(haystack, plural_ok, lo, hi)


def _leftmost_longest(found: list) -> list:
    """The matches to keep: leftmost-longest, no overlaps."""
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept, reach = [], -1
    for item in found:
        if item[0] >= reach:
            kept.append(item)
            reach = item[1]
    return kept


def _scan(matcher: Any, haystack: str, plural_ok: bool):
    """Whole-word matches as (start, end, payloads), longest first where they overlap."""
    return _leftmost_longest(_hits(matcher, haystack, plural_ok))


def find_mentions(text: str) -> list[Mention]:
    """Every technology term, vendor and place in the text, in order of position."""
    return MentionScan(text).mentions()


class MentionScan:
    """find_mentions in two steps: the lower-case pass, which is enough to tell where a text
    may name a technology, then the rest (places, cased names) only when it is wanted."""

    __slots__ = ("text", "normalised", "_lower")

    def __init__(self, text: str):
        self.text = text
        self.normalised = normalise(text)  # what the lower-case pass reads; the caller may reuse it
        self._lower = _scan(matchers().lower, self.normalised, plural_ok=True)

    def technology_starts(self) -> list[int]:
        """Where technology terms may start: every one mentions() reports, perhaps more."""
        starts = [start for start, _, payloads in self._lower if any(kind == "tech" for kind, _ in payloads)]
        starts += [last - length + 1 for last, length in matchers().cased_terms.iter(straighten(self.text))]
        return sorted(starts)

    def mentions(self) -> list[Mention]:
        """Every technology term, vendor and place in the text, in order of position."""
        text = self.text
        m = matchers()
        out: list[Mention] = []
        tech_hits: list[tuple] = []
        vendor_hits: list[tuple] = []
        for start, end, payloads in self._lower:
            for kind, value in payloads:
                (tech_hits if kind == "tech" else vendor_hits).append((start, end, kind, value))
        cased = straighten(text)
        cased_hits = _hits(m.cased, cased, plural_ok=False)
        for start, end, payloads in _leftmost_longest(list(cased_hits)):
            for kind, value in payloads:
                if kind == "vendor":
                    vendor_hits.append((start, end, kind, value))
                elif kind == "tech":
                    tech_hits.append((start, end, kind, value))
                else:
                    out.append(Mention(start, end, kind, value, text[start:end]))
        shouted = [w.span() for w in _SHOUTED.finditer(cased)]
        if shouted:
            # datelines and some headlines shout place names ("BUENOS AIRES. -", "HUNGARY:")
            found = {(mm.start, mm.end) for mm in out}
            titled = _SHOUTED.sub(lambda w: w.group().title(), cased)
            for start, end, payloads in _titled_scan(m, cased_hits, titled, shouted):
                if (start, end) in found or cased[start:end] == titled[start:end]:
                    continue
                for kind, value in payloads:
                    if kind == "place":
                        out.append(Mention(start, end, kind, value, text[start:end]))
        for start, end, kind, value in tech_hits + vendor_hits:
            out.append(Mention(start, end, kind, value, text[start:end]))
        out.sort(key=lambda x: (x.start, x.end))
        return out


def _titled_scan(m: _Matchers, cased_hits: list, titled: str, shouted: list[tuple[int, int]]) -> list:
    """_scan(m.cased, titled) from the scan of the text before its shouted words were title-cased.

    Title case changes letters inside the shouted words only, so a match clear of them is one
    the first scan found; the text is scanned again only around the shouted words. An
    empty list when no match there touches a shouted word (nothing new can come of it)."""
    reach = m.cased_longest - 1
    windows: list[list[int]] = []
    for start, end in shouted:
        if windows and start - reach <= windows[-1][1]:
            windows[-1][1] = end + reach
        else:
            windows.append([max(0, start - reach), end + reach])
    near = []
    for lo, hi in windows:
        near += [h for h in _hits(m.cased, titled, False, lo, min(hi, len(titled)))
                 if any(h[0] < end and start < h[1] for start, end in shouted)]
    if not near:
        return []
    ends = [end for _, end in shouted]

    def clear_of_shouted(hit) -> bool:
        i = bisect.bisect_right(ends, hit[0])  # the first shouted word that ends after the hit starts
        return i == len(shouted) or shouted[i][0] >= hit[1]

    clear = [h for h in cased_hits if clear_of_shouted(h)]
    return _leftmost_longest(clear + near)


# a word of four or more capitals: "\b[A-Z][A-Z'-]{3,}\b", written to start with its first
# letter (the look-behind is the leading \b) so that the search skips to capitals
_SHOUTED = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z'-]{3,}\b")


__all__ = ["Mention", "MentionScan", "find_mentions", "Place", "Term", "Vendor"]
