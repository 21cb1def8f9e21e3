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
from re import _compiler, _parser  # type: ignore[attr-defined]  # not in typeshed
from re._constants import (ANY, ASSERT, ASSERT_NOT, AT, AT_BEGINNING, AT_BEGINNING_LINE, AT_BEGINNING_STRING, AT_END,
                           AT_END_LINE, AT_END_STRING, ATOMIC_GROUP, BRANCH,
                           CATEGORY, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, NOT_LITERAL, POSSESSIVE_REPEAT, SUBPATTERN)
from typing import Any

import _sre

from custodes.knowledge.aho import automaton

# the non-ASCII characters that match an ASCII letter when case is ignored (İ ı ſ K)
_ASCII_PARTNERS = (0x130, 0x131, 0x17F, 0x212A)


_MOST_STRINGS = 64  # the most strings one element or run may stand for


def _items(p) -> list:
    return p.data if isinstance(p, _parser.SubPattern) else p


def _char(code: int, ignore_case: bool) -> str:
    return chr(_sre.unicode_tolower(code)) if ignore_case else chr(code)


def _exact(op, av, ignore_case: bool) -> frozenset[str] | None:
    """The strings one element of a parsed pattern can consume, if they are few and fixed."""
    if op is LITERAL:
        return None if av in _ASCII_PARTNERS else frozenset([_char(av, ignore_case)])
    if op is AT or op is ASSERT or op is ASSERT_NOT:
        return frozenset([""])  # consumes nothing
    if op is IN:
        if all(o is LITERAL and v not in _ASCII_PARTNERS for o, v in av) and len(av) <= _MOST_STRINGS:
            return frozenset(_char(v, ignore_case) for _, v in av)
        return None
    if op is SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return None if (add_flags | del_flags) & re.IGNORECASE else _exact_sequence(sub, ignore_case)
    if op is BRANCH:
        options = [_exact_sequence(b, ignore_case) for b in av[1]]
        strings = [o for o in options if o is not None]
        if len(strings) < len(options):
            return None
        union = frozenset().union(*strings)
        return union if len(union) <= _MOST_STRINGS else None
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and av[1] == 1 and av[0] in (0, 1):
        once = _exact_sequence(av[2], ignore_case)
        return None if once is None else once | frozenset([""]) if av[0] == 0 else once
    return None


def _exact_sequence(p, ignore_case: bool) -> frozenset[str] | None:
    out = frozenset([""])
    for op, av in _items(p):
        strings = _exact(op, av, ignore_case)
        if strings is None:
            return None
        out = frozenset(a + b for a in out for b in strings)
        if len(out) > _MOST_STRINGS:
            return None
    return out


def _required(p, ignore_case: bool) -> frozenset[str] | None:
    """Strings one of which every match of the parsed (sub)pattern contains, or None.

    Of the sets that qualify, the one whose shortest string is longest: runs of fixed text
    are joined across small groups ("(drop|abandon) (the|its) " gives "drop the ", ...), since
    a longer string is found in fewer texts."""
    best: frozenset[str] | None = None

    def consider(candidates: frozenset[str] | None) -> None:
        nonlocal best
        if not candidates or "" in candidates:
            return
        if best is None or (min(map(len, candidates)), -len(candidates)) > (min(map(len, best)), -len(best)):
            best = candidates

    run = frozenset([""])  # the strings the elements since the last break consume, joined
    for op, av in _items(p):
        strings = _exact(op, av, ignore_case)
        if strings is not None:
            joined = frozenset(a + b for a in run for b in strings)
            if len(joined) <= _MOST_STRINGS:
                run = joined
                continue
            consider(run)
            run = strings
            continue
        consider(run)
        run = frozenset([""])
        if op is SUBPATTERN:
            _, add_flags, del_flags, sub = av
            if not (add_flags | del_flags) & re.IGNORECASE:
                consider(_required(sub, ignore_case))
        elif op is BRANCH:
            options = [_exact_sequence(b, ignore_case) or _required(b, ignore_case) for b in av[1]]
            needed = [o for o in options if o and "" not in o]
            if len(needed) == len(options):
                consider(frozenset().union(*needed))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            if av[0] >= 1:
                consider(_required(av[2], ignore_case))
        elif op is ATOMIC_GROUP:
            consider(_required(av, ignore_case))
        # anything else (classes, anchors, lookarounds, backreferences) guarantees no string
    consider(run)
    return best


class RequiredLiterals:
    """Which top-level alternatives of a parsed pattern can match in a text.

    When the pattern ignores case, the caller looks in the text lower-cased, and only where
    that is all ignoring case does (casefold.lowers_simply: "ſ" matches "s")."""

    __slots__ = ("automaton", "n_branches", "always", "literals")

    def __init__(self, tree: _parser.SubPattern, ignore_case: bool):
        self.automaton: Any = None  # a knowledge.aho automaton once there are literals
        self.literals: dict[str, frozenset[int]] = {}  # each required string: the alternatives that need it
        self.n_branches = len(top_branches(tree))
        # an alternative anchored at the start is tried at one place only: cheaper than a look for its words
        needs = [None if anchored_at_start(b) else _required(b, ignore_case) for b in top_branches(tree)]
        # alternatives with no required string are always tried
        self.always = frozenset(i for i, need in enumerate(needs) if need is None)
        if len(self.always) == len(needs):
            return
        by_literal: dict[str, set[int]] = {}
        for i, need in enumerate(needs):
            for literal in need or ():
                by_literal.setdefault(literal, set()).add(i)
        self.literals = {literal: frozenset(indices) for literal, indices in by_literal.items()}
        self.automaton = automaton(list(self.literals),
                                   [(len(literal), indices) for literal, indices in self.literals.items()])

    def possible(self, text: str, start: int, end: int) -> frozenset[int]:
        """Indices of the alternatives that may match within text[start:end]."""
        found = self.always
        for _, (_, indices) in self.automaton.iter(text, start, end):
            found = found | indices
        return found

    def starts(self, text: str) -> list[int]:
        """Where the required strings occur in text (ascending by where they end)."""
        return [last - length + 1 for last, (length, _) in self.automaton.iter(text)]


def within_lines(tree: _parser.SubPattern) -> bool:
    """Is every match inside one line, with the same result when the search stops after
    that line's newline? True when nothing in the pattern can match a newline and no
    anchor looks for the end of the text or of a line."""
    flags = tree.state.flags

    def one_line(items) -> bool:
        for op, av in _items(items):
            if op is LITERAL:
                ok = av != 10
            elif op is NOT_LITERAL:
                ok = av == 10
            elif op is ANY:
                ok = not flags & re.DOTALL
            elif op is IN or op is CATEGORY:
                ok = not _compiler.compile(_parser.SubPattern(tree.state, [(op, av)]), flags).match("\n")
            elif op is AT:
                ok = av not in (AT_END, AT_END_STRING, AT_END_LINE, AT_BEGINNING_LINE)
            elif op is SUBPATTERN:
                ok = one_line(av[3])
            elif op is BRANCH:
                ok = all(one_line(b) for b in av[1])
            elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
                ok = one_line(av[2])
            elif op is ASSERT or op is ASSERT_NOT:
                ok = one_line(av[1])
            elif op is ATOMIC_GROUP:
                ok = one_line(av)
            else:
                ok = False
            if not ok:
                return False
        return True

    return one_line(tree)


def anchored_at_start(branch) -> bool:
    """Does the alternative begin with "^" (or "\\A"): can it match at the start of the string only?"""
    data = branch.data if isinstance(branch, _parser.SubPattern) else branch
    return bool(data) and data[0][0] is AT and data[0][1] in (AT_BEGINNING, AT_BEGINNING_STRING)


def top_branches(tree: _parser.SubPattern) -> list:
    """The alternatives of a pattern, each as the sequence that matches through it.

    A pattern that is one alternation has those; the parser moves a prefix they all share
    out of it ("\\b(?:a)|\\b(?:b)" parses as "\\b(?:a|b)"), which is put back in front of
    each. A pattern that is one sequence with a group of alternatives ("\\b(a|b)\\b") has
    the group's. Any other pattern is its own one alternative."""
    data = tree.data
    if data and data[-1][0] is BRANCH:
        prefix = list(data[:-1])
        return [prefix + list(_items(b)) for b in data[-1][1][1]]
    k = _group_of_alternatives(tree)
    if k is None:
        return [tree]
    group, add_flags, del_flags, sub = data[k][1]
    return [list(data[:k]) + [(SUBPATTERN, (group, add_flags, del_flags, _parser.SubPattern(tree.state, list(_items(alt)))))]
            + list(data[k + 1:]) for alt in sub.data[0][1][1]]


def alternatives_tried_in_order(tree: _parser.SubPattern) -> bool:
    """Does a match take the first alternative (top_branches) that can match at its start?

    True unless something before the alternatives can match in more than one way: then a
    later alternative may match where an earlier one needs that part to backtrack."""
    data = tree.data
    if data and data[-1][0] is BRANCH:
        before = data[:-1]
    else:
        k = _group_of_alternatives(tree)
        before = data if k is None else data[:k]
    return all(op in _ONE_WAY for op, _ in before)


_ONE_WAY = (LITERAL, NOT_LITERAL, IN, ANY, AT, CATEGORY, ASSERT, ASSERT_NOT)  # match one way or not at all


def _group_of_alternatives(tree: _parser.SubPattern) -> int | None:
    """The index of the first top-level group that is just an alternation, if any."""
    for k, (op, av) in enumerate(tree.data):
        if op is SUBPATTERN and not (av[1] | av[2]) and len(av[3].data) == 1 and av[3].data[0][0] is BRANCH:
            return k
    return None


def with_branches(tree: _parser.SubPattern, keep: frozenset[int]) -> _parser.SubPattern:
    """The parse tree with only the given top-level alternatives (groups keep their numbers).

    A prefix the kept alternatives share is moved out of the alternation, as the parser does
    ("^a|^b" as "^(?:a|b)"): an alternation anchored this way is tried at the start only."""
    data = tree.data
    if not data or data[-1][0] is not BRANCH:
        k = _group_of_alternatives(tree)
        if k is None:
            return tree
        group, add_flags, del_flags, sub = data[k][1]
        branch_op, (name, alternatives) = sub.data[0]
        kept = [alternatives[i] for i in sorted(keep)]
        inner = _parser.SubPattern(tree.state, [(branch_op, (name, kept))] if len(kept) > 1 else list(_items(kept[0])))
        return _parser.SubPattern(tree.state, list(data[:k]) + [(SUBPATTERN, (group, add_flags, del_flags, inner))]
                                  + list(data[k + 1:]))
    op, (name, items) = data[-1]
    kept = [list(items[i].data if isinstance(items[i], _parser.SubPattern) else items[i]) for i in sorted(keep)]
    prefix = list(data[:-1])
    while len(kept) > 1 and all(kept) and all(item[0] == kept[0][0] for item in kept[1:]):
        prefix.append(kept[0][0])
        kept = [item[1:] for item in kept]
    if len(kept) == 1:
        return _parser.SubPattern(tree.state, prefix + kept[0])
    return _parser.SubPattern(tree.state, prefix + [(op, (name, [_parser.SubPattern(tree.state, k) for k in kept]))])
