"""Case-insensitive cue patterns that run at case-sensitive speed on lower-case text.

Python's `re` cannot pre-filter a case-insensitive alternation on its first letters, so
cue patterns try every alternative at every word boundary. The extractor matches them on
normalised (lower-case) text, where "ignore case" changes nothing when the text is ASCII:
`CuePattern` then runs a copy of the pattern with its letters lower-cased and the flag
dropped, and the original pattern on any other text. It first looks for the words the
pattern's alternatives cannot match without (see literals) and runs only the alternatives
that can match, often none (on text where ignoring case is plain lower-casing, see
lowers_simply). Results are identical either way.
"""
from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from re import _casefix, _compiler, _parser  # type: ignore[attr-defined]  # the parse tree is rewritten, not the pattern text

import _sre
from re._constants import (ANY, ASSERT, ASSERT_NOT, AT, ATOMIC_GROUP, BRANCH, CATEGORY, GROUPREF,
                           GROUPREF_EXISTS, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, NEGATE, NOT_LITERAL,
                           POSSESSIVE_REPEAT, RANGE, SUBPATTERN)

from custodes.knowledge.aho import automaton

from custodes.knowledge.literals import (RequiredLiterals, alternatives_tried_in_order, anchored_at_start,
                                         top_branches, with_branches, within_lines)

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
    out: list[tuple] = []
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
    out: list[tuple] = []
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


def _lower_text_tree(pattern: re.Pattern) -> _parser.SubPattern | None:
    """The parse tree of the pattern without IGNORECASE, matching ASCII lower-case text as the original."""
    if not pattern.flags & re.IGNORECASE or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
        rewritten = _rewrite(tree)
    except (_Unsupported, re.error):
        return None
    tree.state.flags &= ~re.IGNORECASE
    return rewritten


def _lower_text_copy(pattern: re.Pattern) -> re.Pattern | None:
    """The pattern without IGNORECASE, matching ASCII lower-case text exactly as the original."""
    tree = _lower_text_tree(pattern)
    return None if tree is None else _compiler.compile(tree, 0)


_lowers_simply_cache: dict[str, bool] = {}


def lowers_simply(text: str) -> bool:
    """Does ignoring case on text come down to comparing text.lower(), position by position?

    True unless a letter lower-cases to more than one character ("İ") or has more than one
    lower-case partner ("ſ" is "s", "ς" is "σ" when case is ignored). The required words of
    a case-insensitive pattern are then looked for in text.lower()."""
    if text.isascii():
        return True
    for ch in set(text):
        if ch > "\x7f":
            simple = _lowers_simply_cache.get(ch)
            if simple is None:
                low = ch.lower()
                simple = _lowers_simply_cache[ch] = (
                    len(low) == 1 and ord(low) == _sre.unicode_tolower(ord(ch)) and ord(low) not in _casefix._EXTRA_CASES)
            if not simple:
                return False
    return True


_lower_cache: dict[str, bool] = {}
_LOWER_CACHE_SIZE = 512  # the sentences of a document or two, and the document itself


def is_lower(text: str) -> bool:
    """text.islower(), remembered for the last few hundred texts: every cue pattern asks it of
    the same sentence, and str.islower looks each character up in the Unicode tables."""
    known = _lower_cache.get(text)
    if known is None:
        if len(_lower_cache) >= _LOWER_CACHE_SIZE:
            _lower_cache.clear()
        if text.isascii():  # no capital, and a letter: three byte-wise passes instead of table look-ups
            known = text.lower() == text and text.upper() != text
        else:
            known = text.islower()
        _lower_cache[text] = known
    return known


_NO_MATCH = object()  # _pick's answer when no alternative can match


class _Picking:
    """The re.Pattern methods, each run with the compiled pattern that _pick chooses for the string."""

    def _pick(self, string: str, args: tuple):
        raise NotImplementedError

    def search(self, string: str, *args):
        pattern = self._pick(string, args)
        return None if pattern is _NO_MATCH else pattern.search(string, *args)

    def match(self, string: str, *args):
        pattern = self._pick(string, args)
        return None if pattern is _NO_MATCH else pattern.match(string, *args)

    def fullmatch(self, string: str, *args):
        pattern = self._pick(string, args)
        return None if pattern is _NO_MATCH else pattern.fullmatch(string, *args)

    def finditer(self, string: str, *args):
        pattern = self._pick(string, args)
        return iter(()) if pattern is _NO_MATCH else pattern.finditer(string, *args)

    def findall(self, string: str, *args):
        pattern = self._pick(string, args)
        return [] if pattern is _NO_MATCH else pattern.findall(string, *args)


_SUBSETS_KEPT = 256  # compiled copies with some alternatives left out, per pattern


class CuePattern(_Picking):
    """A compiled pattern with the `re.Pattern` methods the extractor uses, and the same results.

    It runs only the alternatives whose required words the text holds; a case-insensitive
    one runs without the flag on ASCII lower-case text."""

    __slots__ = ("original", "lower_text", "_ignore_case", "_literals", "_n_branches", "_trees", "_subsets",
                 "_seen", "_ones", "_in_order", "_within_lines", "_at_start", "_all_at_start", "_picked")

    def __init__(self, pattern: re.Pattern):
        self.original = pattern
        lower_tree = _lower_text_tree(pattern)
        self.lower_text = None if lower_tree is None else _compiler.compile(lower_tree, 0)
        self._ignore_case = bool(pattern.flags & re.IGNORECASE)
        self._literals = None
        self._n_branches = 0
        self._subsets: dict = {}  # (alternatives kept, lower-case copy): the compiled pattern
        self._seen: set = set()  # the sets of alternatives asked for once
        self._ones: dict = {}  # (alternative, lower-case copy): it compiled alone
        self._picked: dict = {}  # (alternatives kept, lower-case copy, past the start): what _pick answers
        self._in_order = False  # can its alternatives be tried one by one (see _FirstOf)?
        self._within_lines = False  # does every match stay inside a line (see matches_at_least)?
        original_tree = _parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
        branches = top_branches(original_tree)
        # alternatives that begin with "^" match at the start of the string only (without MULTILINE)
        self._at_start = frozenset() if pattern.flags & re.MULTILINE else frozenset(
            i for i, branch in enumerate(branches) if anchored_at_start(branch))
        self._all_at_start = len(self._at_start) == len(branches)
        literals = RequiredLiterals(original_tree, self._ignore_case)
        if literals.automaton is not None:
            self._literals = literals
            self._n_branches = literals.n_branches
            self._trees = (original_tree, lower_tree)
            self._in_order = alternatives_tried_in_order(original_tree)
            self._within_lines = within_lines(original_tree)

    def _pick(self, text: str, args: tuple, hits: Sequence | None = None):
        """The pattern to run on text[pos:endpos], or _NO_MATCH when none of its alternatives can match.

        hits, when the caller has them, are where the pattern's required words are in text
        (start, end, alternatives), from the scan of a CueIndex."""
        if not text.isascii():
            if self._literals is None or (self._ignore_case and not lowers_simply(text)):
                return self.original
            lower = is_lower(text)
            use_lower = False  # the copy without IGNORECASE is for ASCII text only
        elif self._ignore_case:
            lower = is_lower(text) or not _UPPER.search(text)
            use_lower = lower and self.lower_text is not None
        else:
            lower = use_lower = False
        if self._literals is None:
            if self._all_at_start and args and args[0] > 0:
                return _NO_MATCH  # "^" cannot match past the start
            return self.lower_text if use_lower else self.original
        if args:
            n = len(text)
            pos = min(max(args[0], 0), n)
            endpos = min(max(args[1], pos), n) if len(args) > 1 else n
        else:
            pos, endpos = 0, len(text)
        if hits is None:
            keep = self._literals.possible(text if lower or not self._ignore_case else text.lower(), pos, endpos)
        else:
            keep = self._literals.always
            for start, end, branches in hits:
                if start >= pos and end <= endpos:
                    keep = keep | branches
        if not keep:
            return _NO_MATCH
        key = (keep, use_lower, pos > 0)
        chosen = self._picked.get(key)
        if chosen is None:
            chosen = self._choose(keep, use_lower, pos > 0)
            if not isinstance(chosen, _FirstOf) and not isinstance(getattr(chosen, "pattern", None), _FirstOf):
                if len(self._picked) >= _SUBSETS_KEPT:
                    self._picked.clear()
                self._picked[key] = chosen  # a _FirstOf is asked for again: the second time compiles
        return chosen

    def _choose(self, keep: frozenset[int], use_lower: bool, past_start: bool):
        """What _pick answers for these alternatives, on lower-case text or not, from the start
        of the string or past it."""
        if keep <= self._at_start:
            if past_start:
                return _NO_MATCH  # "^" cannot match past the start
            if 1 < len(keep) < self._n_branches:
                # several alternatives, each beginning with "^": re tries them at every position
                # (it looks at the start only when the pattern as a whole begins with "^")
                return _AtStart(self._subset(keep, use_lower))
        if len(keep) == self._n_branches:
            return self.lower_text if use_lower else self.original
        return self._subset(keep, use_lower)

    def _compile(self, keep: frozenset[int], use_lower: bool) -> re.Pattern:
        tree = self._trees[1 if use_lower else 0]
        return _compiler.compile(with_branches(tree, keep), 0 if use_lower else self.original.flags & ~re.UNICODE)

    def _subset(self, keep: frozenset[int], use_lower: bool):
        """The pattern with only the kept alternatives. A set of two or more is compiled the
        second time it is asked for (texts vary, and a compile costs a thousand searches);
        the first time, its alternatives compiled one by one are tried as the alternation would."""
        key = (keep, use_lower)
        pattern = self._subsets.get(key)
        if pattern is not None:
            return pattern
        if len(keep) == 1:
            (branch,) = keep
            one = self._one(branch, use_lower)
            if one is not None:
                return one
        elif self._in_order and key not in self._seen:
            ones = [one for one in (self._one(i, use_lower) for i in sorted(keep)) if one is not None]
            if len(ones) == len(keep):
                if len(self._seen) >= _SUBSETS_KEPT:
                    self._seen.clear()
                self._seen.add(key)
                return _FirstOf(ones)
        if len(self._subsets) >= _SUBSETS_KEPT:
            self._subsets.clear()
        pattern = self._subsets[key] = self._compile(keep, use_lower)
        return pattern


    def _one(self, branch: int, use_lower: bool) -> re.Pattern | None:
        """One alternative compiled alone; None if it can match an empty string."""
        key = (branch, use_lower)
        if key not in self._ones:
            empty = with_branches(self._trees[0], frozenset([branch])).getwidth()[0] == 0
            self._ones[key] = None if empty else self._compile(frozenset([branch]), use_lower)
        return self._ones[key]

    def matches_at_least(self, string: str, n: int) -> bool:
        """len(self.findall(string)) >= n, stopping at the n-th match.

        Matches do not overlap and each holds one of its alternative's required words, so
        a text with fewer than n of those words has fewer than n matches."""
        literals = self._literals
        found = 0
        if literals is not None and not literals.always and (not self._ignore_case or lowers_simply(string)):
            words = string.lower() if self._ignore_case and not is_lower(string) else string
            starts = literals.starts(words)
            if len(starts) < n:
                return False
            if self._within_lines:
                # a match stays inside a line: search only the lines that hold the words
                searched_to = -1
                for start in starts:
                    if start < searched_to:
                        continue
                    lo = string.rfind("\n", 0, start) + 1
                    hi = string.find("\n", start)
                    searched_to = len(string) if hi == -1 else hi + 1
                    for _ in self.finditer(string, lo, searched_to):
                        found += 1
                        if found >= n:
                            return True
                return False
        for _ in self.finditer(string):
            found += 1
            if found >= n:
                return True
        return found >= n

    def __getattr__(self, name: str):  # pattern, flags, groupindex, sub, split: the original's
        return getattr(self.original, name)

    def __repr__(self) -> str:
        return f"CuePattern({self.original!r})"


class CueIndex:
    """Where the required words (see literals) of many case-insensitive CuePatterns are in a
    text, from one Aho-Corasick pass: a pattern whose words are all absent from a text cannot
    match in it or in any piece of it, unless it has alternatives without required words
    (anchored ones, say), which are always tried."""

    __slots__ = ("patterns", "always", "automaton", "ignore_case")

    def __init__(self, patterns: dict, ignore_case: bool = True):
        """patterns by name; ignore_case: index the case-insensitive ones (else the others)."""
        self.patterns = patterns
        self.ignore_case = ignore_case
        by_literal: dict[str, list] = {}
        always = set()
        for name, pattern in patterns.items():
            literals = pattern._literals
            if literals is None or pattern._ignore_case != ignore_case:
                always.add(name)  # searched as they are
                continue
            for literal, branches in literals.literals.items():
                by_literal.setdefault(literal, []).append((name, branches))
        self.always = frozenset(always)
        self.automaton = automaton(list(by_literal), [(len(literal), tuple(entries))
                                                      for literal, entries in by_literal.items()])

    def hits(self, text: str) -> dict[Hashable, list] | None:
        """Per pattern name, (start, end, alternatives) of its required words in text; None for
        text where ignoring case is more than lower-casing (see lowers_simply)."""
        if self.ignore_case and not lowers_simply(text):
            return None
        if self.ignore_case and not is_lower(text):
            text = text.lower()
        found: dict = {}
        for last, (length, entries) in self.automaton.iter(text):
            for name, branches in entries:
                found.setdefault(name, []).append((last - length + 1, last + 1, branches))
        return found

    def within(self, text: str) -> "CuesWithin":
        return CuesWithin(self, text, self.hits(text))

    def pattern_in(self, name: Hashable, text: str, hits: dict | None):
        """The named pattern for searches in text, given self.hits(text)."""
        pattern = self.patterns[name]
        if hits is None or name in self.always:
            return pattern
        return _InText(pattern, text, hits.get(name, ()))


class CuesWithin:
    """The patterns of a CueIndex for searches in one text and pieces of it (a read-only mapping)."""

    __slots__ = ("index", "text", "hits", "_made")

    def __init__(self, index: CueIndex, text: str, hits: dict[Hashable, list] | None):
        self.index, self.text, self.hits = index, text, hits
        self._made: dict = {}

    def __getitem__(self, name: Hashable):
        pattern = self._made.get(name)
        if pattern is None:
            pattern = self._made[name] = self.index.pattern_in(name, self.text, self.hits)
        return pattern

    def get(self, name: Hashable, default=None):
        return self[name] if name in self.index.patterns else default

    def candidates(self) -> list:
        """The names of the patterns that may match in the text, in the index's order: those
        whose required words it holds, and those always tried."""
        if self.hits is None:
            return list(self.index.patterns)
        return [name for name, pattern in self.index.patterns.items()
                if name in self.hits or name in self.index.always or pattern._literals.always]

    def _chosen(self, name: Hashable, lo: int, hi: int):
        """The pattern to run on self.text[lo:hi] for the named one, or _NO_MATCH."""
        pattern = self.index.patterns[name]
        if self.hits is None or name in self.index.always:
            return pattern
        found = self.hits.get(name, ())
        if not found and not pattern._literals.always:
            return _NO_MATCH
        return pattern._pick(self.text, (lo, hi), found)

    def search(self, name: Hashable, lo: int = 0, hi: int | None = None):
        """self[name].search(self.text, lo, hi), without a view made for the pattern: for
        the many patterns a text is asked about once, most of which it lacks the words of."""
        hi = len(self.text) if hi is None else hi
        chosen = self._chosen(name, lo, hi)
        return None if chosen is _NO_MATCH else chosen.search(self.text, lo, hi)

    def finditer(self, name: Hashable, lo: int = 0, hi: int | None = None):
        """self[name].finditer(self.text, lo, hi), without a view made for the pattern."""
        hi = len(self.text) if hi is None else hi
        chosen = self._chosen(name, lo, hi)
        return iter(()) if chosen is _NO_MATCH else chosen.finditer(self.text, lo, hi)

    def search_slice(self, name: Hashable, lo: int, hi: int):
        """self[name].search(self.text[lo:hi]), the slice searched as a string of its own
        (its "^" and "$" at its ends): the text's hits tell whether the pattern's words are
        in the slice, so a slice without them is answered without a scan."""
        lo, hi = max(lo, 0), min(hi, len(self.text))
        piece = self.text[lo:hi]
        pattern = self.index.patterns[name]
        if self.hits is None or name in self.index.always:
            return pattern.search(piece)
        inside = [(start - lo, end - lo, branches) for start, end, branches in self.hits.get(name, ())
                  if lo <= start and end <= hi]
        chosen = pattern._pick(piece, (), inside)
        return None if chosen is _NO_MATCH else chosen.search(piece)

    def __contains__(self, name: Hashable) -> bool:
        return name in self.index.patterns

    def __iter__(self):
        return iter(self.index.patterns)

    def __len__(self) -> int:
        return len(self.index.patterns)

    def keys(self):
        return self.index.patterns.keys()


class _InText(_Picking):
    """A CuePattern with where its required words are in one text: searches of that text skip
    the look for them, and a pattern without any answers "no match" for every piece of it."""

    __slots__ = ("pattern", "text", "hits")

    def __init__(self, pattern: CuePattern, text: str, hits):
        self.pattern, self.text, self.hits = pattern, text, hits

    def _pick(self, string: str, args: tuple):
        literals = self.pattern._literals
        if not self.hits and not (literals is not None and literals.always):
            # none of the pattern's words in the text: nor in any piece of it
            return _NO_MATCH if string is self.text or string in self.text else self.pattern._pick(string, args)
        if string is self.text or string == self.text:
            return self.pattern._pick(string, args, self.hits)
        return self.pattern._pick(string, args)

    def __getattr__(self, name: str):
        return getattr(self.pattern, name)


class LineTest:
    """Whether a case-insensitive pattern matches anywhere in a line of ASCII lower-case text:
    bool(pattern.search(line)), with fewer steps. Alternatives anchored at the start ("^") are
    tried there only (one re.match), the others only when their required words are in the line,
    and none ignores case (ASCII lower-case text needs no folding).

    For page lines searched one by one (menus, cookie notices, "Related" headings): the caller
    lower-cases an ASCII page once, which changes no match of a case-insensitive pattern."""

    __slots__ = ("_at_start", "_floating", "_literals")

    def __init__(self, pattern: re.Pattern):
        tree = _lower_text_tree(pattern)
        if tree is None or pattern.flags & re.MULTILINE:
            raise ValueError(f"not a case-insensitive pattern for lines: {pattern.pattern[:60]!r}")
        branches = top_branches(tree)
        anchored = frozenset(i for i, branch in enumerate(branches) if anchored_at_start(branch))
        floating = frozenset(range(len(branches))) - anchored
        self._at_start = _compiler.compile(with_branches(tree, anchored), 0) if anchored else None
        self._floating = _compiler.compile(with_branches(tree, floating), 0) if floating else None
        literals = RequiredLiterals(with_branches(tree, floating), False) if floating else None
        # a look for the words first, unless some floating alternative needs none: one `in`
        # per word (a fast substring search) when they are few, else the words' automaton
        self._literals: tuple[str, ...] | RequiredLiterals | None = None
        if literals is not None and literals.automaton is not None and not literals.always:
            words = list(literals.literals)
            # a word that holds another is in a line only where that one is too
            shortest = tuple(w for w in words if not any(o != w and o in w for o in words))
            self._literals = shortest if len(shortest) <= 8 else literals

    def __call__(self, line: str) -> bool:
        if self._at_start is not None and self._at_start.match(line) is not None:
            return True
        if self._floating is None:
            return False
        literals = self._literals
        if isinstance(literals, tuple):
            if not any(word in line for word in literals):
                return False
        elif literals is not None and not literals.possible(line, 0, len(line)):
            return False
        return self._floating.search(line) is not None


class _AtStart:
    """A pattern that can match at the start of the string only: a search is a match there
    (re's own search would try, and fail, at every position of the string)."""

    __slots__ = ("pattern",)

    def __init__(self, pattern):
        self.pattern = pattern

    def search(self, string: str, *args):
        return self.pattern.match(string, *args)

    def match(self, string: str, *args):
        return self.pattern.match(string, *args)

    def fullmatch(self, string: str, *args):
        return self.pattern.fullmatch(string, *args)

    def finditer(self, string: str, *args):
        m = self.pattern.match(string, *args)
        if m is not None and m.end() == m.start():
            return self.pattern.finditer(string, *args)  # after an empty match, re looks again
        return iter(() if m is None else (m,))

    def findall(self, string: str, *args):
        return _as_findall(list(self.finditer(string, *args)))


class _FirstOf:
    """Alternatives compiled one by one, searched as their alternation would be: the match
    that starts first, and of those starting together, the earliest alternative's.

    Every alternative needs at least one character, so no match is empty."""

    __slots__ = ("patterns",)

    def __init__(self, patterns: list[re.Pattern]):
        self.patterns = patterns

    def search(self, string: str, *args):
        best = None
        for pattern in self.patterns:
            m = pattern.search(string, *args)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def match(self, string: str, *args):
        return next((m for p in self.patterns if (m := p.match(string, *args)) is not None), None)

    def fullmatch(self, string: str, *args):
        return next((m for p in self.patterns if (m := p.fullmatch(string, *args)) is not None), None)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None):
        endpos = len(string) if endpos is None else endpos
        ahead = [p.search(string, pos, endpos) for p in self.patterns]
        while True:
            best = None
            for m in ahead:
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return
            yield best
            pos = best.end()
            # an alternative's next match from pos is the one found before, if that starts at or after pos
            ahead = [m if m is None or m.start() >= pos else p.search(string, pos, endpos)
                     for p, m in zip(self.patterns, ahead)]

    def findall(self, string: str, *args):
        return _as_findall(list(self.finditer(string, *args)))


def _as_findall(matches: list) -> list:
    """What re's findall gives for these matches: the whole match, the one group, or a tuple of groups."""
    if not matches or matches[0].re.groups == 0:
        return [m.group() for m in matches]
    if matches[0].re.groups == 1:
        return [m.group(1) or "" for m in matches]
    return [tuple(g or "" for g in m.groups()) for m in matches]

