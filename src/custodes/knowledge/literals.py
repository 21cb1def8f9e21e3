"""The words a regular expression cannot match without: a prefilter that skips hopeless searches.

Most cue patterns cannot match a sentence at all ("moratorium", "pilot(s|ed)?"): every match
of every alternative contains one of a few plain strings. `RequiredLiterals` finds those
strings in the pattern's parse tree and looks for all of them in one Aho-Corasick pass; an
alternative whose strings are absent from a text cannot match anywhere in it, so the regular
expression is run only with the alternatives that can (or not at all). The answer is a
necessary condition only, so results are identical with or without it.
"""
from __future__ import annotations

import re
from re import _parser
from re._constants import (AT, AT_BEGINNING, AT_BEGINNING_STRING, ATOMIC_GROUP, BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT,
                           SUBPATTERN)

import ahocorasick

# the non-ASCII characters that match an ASCII letter when case is ignored (İ ı ſ K)
_ASCII_PARTNERS = (0x130, 0x131, 0x17F, 0x212A)


def _required(p, ignore_case: bool) -> frozenset[str] | None:
    """Strings one of which every match of the parsed (sub)pattern contains, or None."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(candidates: frozenset[str] | None) -> None:
        nonlocal best
        if not candidates or "" in candidates:
            return
        if best is None or (min(map(len, candidates)), -len(candidates)) > (min(map(len, best)), -len(best)):
            best = candidates

    for op, av in p.data if isinstance(p, _parser.SubPattern) else p:
        if op is LITERAL and av not in _ASCII_PARTNERS:
            run.append(chr(av).lower() if ignore_case and av < 128 else chr(av))
            continue
        consider(frozenset(["".join(run)]))
        run = []
        if op is SUBPATTERN:
            _, add_flags, del_flags, sub = av
            if not (add_flags | del_flags) & re.IGNORECASE:
                consider(_required(sub, ignore_case))
        elif op is BRANCH:
            options = [_required(b, ignore_case) for b in av[1]]
            if all(options):
                consider(frozenset().union(*options))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            if av[0] >= 1:
                consider(_required(av[2], ignore_case))
        elif op is ATOMIC_GROUP:
            consider(_required(av, ignore_case))
        # anything else (classes, anchors, lookarounds, backreferences) guarantees no string
    consider(frozenset(["".join(run)]))
    return best


class RequiredLiterals:
    """Which top-level alternatives of a parsed pattern can match in a text.

    Valid for ASCII text only (a non-ASCII letter may match an ASCII one when case is
    ignored); the caller lower-cases the text first when the pattern ignores case."""

    __slots__ = ("automaton", "n_branches", "always", "literals")

    def __init__(self, tree: _parser.SubPattern, ignore_case: bool):
        self.automaton = None
        self.literals: dict[str, frozenset[int]] = {}  # each required string: the alternatives that need it
        self.n_branches = len(top_branches(tree))
        # an alternative anchored at the start is tried at one place only: cheaper than a look for its words
        needs = [None if _anchored(b) else _required(b, ignore_case) for b in top_branches(tree)]
        # alternatives with no required string are always tried
        self.always = frozenset(i for i, need in enumerate(needs) if need is None)
        if len(self.always) == len(needs):
            return
        by_literal: dict[str, set[int]] = {}
        for i, need in enumerate(needs):
            for literal in need or ():
                by_literal.setdefault(literal, set()).add(i)
        self.literals = {literal: frozenset(indices) for literal, indices in by_literal.items()}
        automaton = ahocorasick.Automaton()
        for literal, indices in self.literals.items():
            automaton.add_word(literal, indices)
        automaton.make_automaton()
        self.automaton = automaton

    def possible(self, text: str, start: int, end: int) -> frozenset[int]:
        """Indices of the alternatives that may match within text[start:end]."""
        found = self.always
        for _, indices in self.automaton.iter(text, start, end):
            found = found | indices
        return found


def _anchored(branch) -> bool:
    data = branch.data if isinstance(branch, _parser.SubPattern) else branch
    return bool(data) and data[0][0] is AT and data[0][1] in (AT_BEGINNING, AT_BEGINNING_STRING)


def top_branches(tree: _parser.SubPattern) -> list:
    """The alternatives of a pattern that is one alternation, else the pattern itself.

    The parser moves a prefix all alternatives share out of the alternation ("\\b(?:a)|\\b(?:b)"
    parses as "\\b(?:a|b)"): it is put back in front of each alternative."""
    data = tree.data
    if data and data[-1][0] is BRANCH:
        prefix = list(data[:-1])
        return [prefix + list(b.data if isinstance(b, _parser.SubPattern) else b) for b in data[-1][1][1]]
    return [tree]


def with_branches(tree: _parser.SubPattern, keep: frozenset[int]) -> _parser.SubPattern:
    """The parse tree with only the given top-level alternatives (groups keep their numbers).

    A prefix the kept alternatives share is moved out of the alternation, as the parser does
    ("^a|^b" as "^(?:a|b)"): an alternation anchored this way is tried at the start only."""
    data = tree.data
    if not data or data[-1][0] is not BRANCH:
        return tree
    op, (name, items) = data[-1]
    kept = [list(items[i].data if isinstance(items[i], _parser.SubPattern) else items[i]) for i in sorted(keep)]
    prefix = list(data[:-1])
    while len(kept) > 1 and all(kept) and all(item[0] == kept[0][0] for item in kept[1:]):
        prefix.append(kept[0][0])
        kept = [item[1:] for item in kept]
    if len(kept) == 1:
        return _parser.SubPattern(tree.state, prefix + kept[0])
    return _parser.SubPattern(tree.state, prefix + [(op, (name, [_parser.SubPattern(tree.state, k) for k in kept]))])
