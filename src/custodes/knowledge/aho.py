"""Aho-Corasick automata for the extraction engine's scans (mentions, cue words).

`automaton(keys, values, prefix)` builds one. It is custodes._aho's, in C, when setup
compiled it, and otherwise `PyAutomaton`, on pyahocorasick; both give the same results
(tests/test_aho.py checks that on random keys and texts). CUSTODES_SOURCES=1 asks for the
Python one, as it does for the compiled modules (custodes._native).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ahocorasick

from custodes._native import c_extension


class PyAutomaton:
    """Aho-Corasick over str keys, each with a value; prefix[i]: key i may match as a word prefix."""

    __slots__ = ("_automaton", "_values", "_lengths", "_prefix")

    def __init__(self, keys: Sequence[str], values: Sequence[object], prefix: Sequence[bool] | None = None):
        keys, values = list(keys), list(values)
        if len(values) != len(keys) or (prefix is not None and len(prefix) != len(keys)):
            raise ValueError("keys, values and prefix must have the same length")
        self._values = values
        self._lengths = [len(key) for key in keys]
        self._prefix = [bool(p) for p in prefix] if prefix is not None else [False] * len(keys)
        self._automaton = ahocorasick.Automaton()
        for i, key in enumerate(keys):
            if not isinstance(key, str) or not key:
                raise ValueError(f"automaton key {i} is not a non-empty str")
            self._automaton.add_word(key, i)  # a repeated key: the last one wins, as in a dict
        if keys:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._values)

    def iter(self, text: str, start: int = 0, end: int = -1) -> list[tuple[int, Any]]:
        """Every key occurrence in text[start:end] as (position of its last character, value),
        by position, the longest first at one position."""
        if not self._values:
            return []
        end = len(text) if end < 0 or end > len(text) else end
        values = self._values
        return [(last, values[i]) for last, i in self._automaton.iter(text, max(start, 0), end)]

    def words(self, text: str, plural_ok: bool, start: int = 0, end: int = -1) -> list[tuple[int, int, Any]]:
        """The key occurrences in text[start:end] that are whole words of text, as (start, end,
        value), overlaps included, by start, the shorter key first. A prefix key runs on to the
        end of its word ("surveil" in "surveillance"); with plural_ok a key may take an "s" or
        "es" that ends the word."""
        if not self._values:
            return []
        n = len(text)
        end = n if end < 0 or end > n else end
        found = []
        for last, i in self._automaton.iter(text, max(start, 0), end):
            first, stop = last - self._lengths[i] + 1, last + 1
            if first > 0 and text[first - 1].isalnum() and text[first].isalnum():
                continue
            if stop < n and text[stop].isalnum() and text[stop - 1].isalnum():
                if self._prefix[i]:
                    while stop < n and text[stop].isalpha():
                        stop += 1
                elif plural_ok and text[stop] == "s" and (stop + 1 == n or not text[stop + 1].isalnum()):
                    stop += 1
                elif plural_ok and text.startswith("es", stop) and (stop + 2 == n or not text[stop + 2].isalnum()):
                    stop += 2
                else:
                    continue
            found.append((first, self._lengths[i], stop, self._values[i]))
        found.sort(key=lambda hit: hit[:2])
        return [(first, stop, value) for first, _, stop, value in found]


_C = c_extension("_aho")
_COMPILED = _C.Automaton if _C is not None else None


def implementation() -> str:
    """"C" or "Python": which automaton this process builds."""
    return "C" if _COMPILED is not None else "Python"


def automaton(keys: Sequence[str], values: Sequence[object], prefix: Sequence[bool] | None = None) -> Any:
    """An automaton over keys (non-empty str), each with its value; see PyAutomaton for its methods."""
    if _COMPILED is not None:
        return _COMPILED(keys, values, prefix)
    return PyAutomaton(keys, values, prefix)


__all__ = ["PyAutomaton", "automaton", "implementation"]
