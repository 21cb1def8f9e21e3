"""The engine's Aho-Corasick automata: the C one (custodes._aho) and the Python one agree,
and both find exactly what a plain search of every key finds."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes import _native
from custodes.knowledge import aho

try:
    from custodes._aho import Automaton as CAutomaton
except ImportError:  # a CUSTODES_PURE install
    CAutomaton = None

IMPLEMENTATIONS = [aho.PyAutomaton] + ([CAutomaton] if CAutomaton else [])
# letters of every width CPython stores (1, 2 and 4 bytes), word and non-word characters
ALPHABET = "abes -.'1éßİ中𝔸"
keys_st = st.lists(st.text(ALPHABET, min_size=1, max_size=5), min_size=0, max_size=12, unique=True)
texts_st = st.text(ALPHABET, max_size=60)


def occurrences(keys: list[str], text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(last, key index) of every key in text[start:end], by end position, the longest first."""
    end = len(text) if end is None else end
    found = [(i + len(key) - 1, -len(key), k) for k, key in enumerate(keys)
             for i in range(start, end - len(key) + 1) if text.startswith(key, i)]
    return [(last, k) for last, _, k in sorted(found)]


def whole_words(keys: list[str], prefix: list[bool], text: str, plural_ok: bool) -> list[tuple[int, int, int]]:
    """The whole-word matches as words() defines them, worked out key by key, by start, the
    shorter key first."""
    out = []
    n = len(text)
    for last, k in occurrences(keys, text):
        first, stop = last - len(keys[k]) + 1, last + 1
        if first > 0 and text[first - 1].isalnum() and text[first].isalnum():
            continue
        if stop < n and text[stop].isalnum() and text[stop - 1].isalnum():
            rest = text[stop:]
            word_end = stop + next((i for i, ch in enumerate(rest) if not ch.isalpha()), len(rest))
            if prefix[k]:
                stop = word_end
            elif plural_ok and rest[:1] == "s" and (len(rest) == 1 or not rest[1].isalnum()):
                stop += 1
            elif plural_ok and rest[:2] == "es" and (len(rest) == 2 or not rest[2].isalnum()):
                stop += 2
            else:
                continue
        out.append((first, len(keys[k]), stop, k))
    return [(first, stop, k) for first, _, stop, k in sorted(out)]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS, ids=lambda c: c.__module__)
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, text=texts_st, data=st.data())
def test_iter_finds_every_occurrence_of_every_key(implementation, keys, text, data):
    matcher = implementation(keys, list(range(len(keys))))
    assert matcher.iter(text) == occurrences(keys, text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert matcher.iter(text, start, end) == occurrences(keys, text, start, end)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS, ids=lambda c: c.__module__)
@settings(max_examples=300, deadline=None)
@given(keys=keys_st, text=texts_st, plural_ok=st.booleans(), data=st.data())
def test_words_keeps_whole_words_plurals_and_prefixes(implementation, keys, text, plural_ok, data):
    prefix = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    matcher = implementation(keys, list(range(len(keys))), prefix)
    assert matcher.words(text, plural_ok) == whole_words(keys, prefix, text, plural_ok)


def test_words_on_news_phrasing():
    keys = ["camera", "cctv", "surveil", "face scan"]
    for implementation in IMPLEMENTATIONS:
        matcher = implementation(keys, keys, [False, False, True, False])
        text = "CCTV aside, cameras, camerawork and surveillance; a face scanner, face scans"
        found = [(text[s:e], v) for s, e, v in matcher.words(text.lower(), True)]
        assert found == [("CCTV", "cctv"), ("cameras", "camera"), ("surveillance", "surveil"),
                         ("face scans", "face scan")], implementation


def test_an_end_past_the_text_stops_at_its_end():
    for implementation in IMPLEMENTATIONS:
        matcher = implementation(["ab", "b"], ["ab", "b"])
        assert matcher.iter("xab", 0, 100) == [(2, "ab"), (2, "b")]
        assert matcher.iter("xab", 0, -1) == [(2, "ab"), (2, "b")]


def test_values_are_returned_as_given_and_a_repeated_key_keeps_the_last():
    marker = object()
    for implementation in IMPLEMENTATIONS:
        matcher = implementation(["gate", "gate", "id"], ["first", marker, ("x", 1)])
        assert [v for _, v in matcher.iter("gate id")] == [marker, ("x", 1)]
        assert len(matcher) == 3


def test_bad_keys_are_refused_with_their_position():
    for implementation in IMPLEMENTATIONS:
        with pytest.raises(ValueError, match="key 1"):
            implementation(["ok", ""], [1, 2])
        with pytest.raises(ValueError, match="same length"):
            implementation(["ok"], [1, 2])


def test_an_automaton_without_keys_finds_nothing():
    for implementation in IMPLEMENTATIONS:
        assert implementation([], []).iter("anything") == []
        assert implementation([], []).words("anything", True) == []


def test_the_c_automaton_is_built_unless_the_install_is_pure():
    if _native.env_flag("CUSTODES_PURE"):
        pytest.skip("CUSTODES_PURE is set: the engine was installed as Python")
    assert CAutomaton is not None, "scripts/setup did not build custodes._aho"
    expected = "Python" if _native.env_flag("CUSTODES_SOURCES") else "C"
    assert aho.implementation() == expected
