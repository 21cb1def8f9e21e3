"""Case-insensitive cue patterns that run at case-sensitive speed on lower-case text.

Python's `re` cannot pre-filter a case-insensitive alternation on its first letters, so
cue patterns try every alternative at every word boundary. The extractor matches them on
normalised (lower-case) text, where "ignore case" changes nothing when the text is ASCII:
`CuePattern` then runs a copy of the pattern with its letters lower-cased and the flag
dropped, and the original pattern on any other text. Results are identical either way.
"""
from __future__ import annotations

import re
from re import _compiler, _parser  # the parse tree is rewritten, not the pattern text
from re._constants import (ANY, ASSERT, ASSERT_NOT, AT, ATOMIC_GROUP, BRANCH, CATEGORY, GROUPREF,
                           GROUPREF_EXISTS, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL,
                           POSSESSIVE_REPEAT, RANGE, SUBPATTERN)

# the non-ASCII characters that match an ASCII letter when case is ignored (İ ı ſ K)
_ASCII_PARTNERS = (0x130, 0x131, 0x17F, 0x212A)
_UPPER = re.compile("[A-Z]")


class _Unsupported(Exception):
    """A pattern the rewrite cannot prove equivalent; the original is used for every text."""


def _lower(code: int) -> int:
    if code in _ASCII_PARTNERS:
        raise _Unsupported
    return code + 32 if 65 <= code <= 90 else code


def _charset(items: list) -> list:
    out = []
    for op, av in items:
        if op is LITERAL:
            out.append((op, _lower(av)))
        elif op is RANGE:
            lo, hi = av
            if any(lo <= c <= hi for c in _ASCII_PARTNERS):
                raise _Unsupported
            out.append((op, av))
            if max(lo, 65) <= min(hi, 90):
                out.append((RANGE, (max(lo, 65) + 32, min(hi, 90) + 32)))
        elif op is NEGATE or op is CATEGORY:
            out.append((op, av))
        else:
            raise _Unsupported
    return out


def _rewrite(p: _parser.SubPattern) -> _parser.SubPattern:
    out = []
    for op, av in p.data:
        if op is LITERAL or op is NOT_LITERAL:
            out.append((op, _lower(av)))
        elif op is IN:
            out.append((op, _charset(av)))
        elif op in (AT, ANY, CATEGORY, GROUPREF):
            out.append((op, av))
        elif op is BRANCH:
            out.append((op, (av[0], [_rewrite(b) for b in av[1]])))
        elif op is SUBPATTERN:
            group, add_flags, del_flags, sub = av
            if (add_flags | del_flags) & re.IGNORECASE:
                raise _Unsupported
            out.append((op, (group, add_flags, del_flags, _rewrite(sub))))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            out.append((op, (av[0], av[1], _rewrite(av[2]))))
        elif op is ASSERT or op is ASSERT_NOT:
            out.append((op, (av[0], _rewrite(av[1]))))
        elif op is ATOMIC_GROUP:
            out.append((op, _rewrite(av)))
        elif op is GROUPREF_EXISTS:
            group, yes, no = av
            out.append((op, (group, _rewrite(yes), _rewrite(no) if no is not None else None)))
        else:
            raise _Unsupported
    return _parser.SubPattern(p.state, out)


def _lower_text_copy(pattern: re.Pattern) -> re.Pattern | None:
    """The pattern without IGNORECASE, matching ASCII lower-case text exactly as the original."""
    if not pattern.flags & re.IGNORECASE or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
        rewritten = _rewrite(tree)
    except (_Unsupported, re.error):
        return None
    tree.state.flags &= ~re.IGNORECASE
    return _compiler.compile(rewritten, 0)


class CuePattern:
    """A compiled case-insensitive pattern with the `re.Pattern` methods the extractor uses."""

    __slots__ = ("original", "lower_text")

    def __init__(self, pattern: re.Pattern):
        self.original = pattern
        self.lower_text = _lower_text_copy(pattern)

    def _for(self, text: str) -> re.Pattern:
        if self.lower_text is not None and text.isascii() and not _UPPER.search(text):
            return self.lower_text
        return self.original

    def search(self, string: str, *args):
        return self._for(string).search(string, *args)

    def match(self, string: str, *args):
        return self._for(string).match(string, *args)

    def fullmatch(self, string: str, *args):
        return self._for(string).fullmatch(string, *args)

    def finditer(self, string: str, *args):
        return self._for(string).finditer(string, *args)

    def findall(self, string: str, *args):
        return self._for(string).findall(string, *args)

    def __getattr__(self, name: str):  # pattern, flags, groupindex, sub, split: the original's
        return getattr(self.original, name)

    def __repr__(self) -> str:
        return f"CuePattern({self.original!r})"
