"""Tell the article from the page around it, and cut it into sentences.

Nothing is rewritten: the article is a list of (start, end) spans of the input text, so
every sentence keeps its offsets in the document. Dropped: menus, cookie notices, share
buttons, bylines, "Related" / "Next in" lists of other stories' headlines, repeated captions
(annotation rule 8). Kept: the title, the body and photo captions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from custodes.knowledge import cues
from custodes.knowledge.casefold import LineTest
from custodes.language import NON_WORD_AS_SPACE

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?]")
# ASCII word characters as "a", all other bytes as " " (a bytes table: translated at C speed)
_WORD_BYTES_AS_A = bytes(0x61 if chr(i).isalnum() or chr(i) == "_" else 0x20 for i in range(128)) + b" " * 128


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of the line/paragraph the sentence is in
    text: str


def _words(line: str) -> int:
    if line.isascii():  # the same count without a string per word: \w is [A-Za-z0-9_] in ASCII
        return len(line.translate(NON_WORD_AS_SPACE).split())
    return len(_WORD.findall(line))


def _word_counts(text: str, lines: list[tuple[int, int, str]]) -> list[int]:
    """_words of each line; on ASCII text, counted as the starts of word runs, without a string per word."""
    if not text.isascii():
        return [_words(line) for _, _, line in lines]
    marked = text.encode("ascii").translate(_WORD_BYTES_AS_A)  # word characters as "a", all others as " "
    return [marked.count(b" a", start, end) + (marked[start] == 0x61) for start, end, _ in lines]


def _looks_like_prose(line: str) -> bool:
    return _words(line) >= 18 and bool(re.search(r"[.!?][\"'’”)]*\s*$", line.strip()))


@lru_cache(maxsize=1)
def _line_tests() -> tuple[LineTest | None, LineTest | None]:
    """The "related" and "junk" cues as tests of ASCII lower-case lines (None: no such cue)."""
    c = cues()
    related, junk = c.get("related"), c.get("junk")
    return (None if related is None else LineTest(related.original),
            None if junk is None else LineTest(junk.original))


def article_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the lines that belong to the article."""
    lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(text)]
    counts = _word_counts(text, lines)
    keep = [True] * len(lines)
    # menus: runs of short unpunctuated lines
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and counts[j] <= 3 and not _SENTENCE_END.search(lines[j][2].strip()[-1:] or "x"):
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                keep[k] = False
        i = max(j, i + 1)
    teasers = sum(1 for _, _, s in lines if s.rstrip().endswith(("...", "…")))
    teaser_page = len(lines) >= 3 and teasers >= max(3, len(lines) * 0.6)
    ascii_text = text.isascii()
    related: Callable[[str], bool] | None
    junk: Callable[[str], bool] | None
    if ascii_text:
        # cues ignore case: on ASCII text they are asked of the page lower-cased once
        related, junk = _line_tests()
        lowered = text.lower()
    else:
        c = cues()
        related_cue, junk_cue = c.get("related"), c.get("junk")
        related = None if related_cue is None else (lambda line: related_cue.search(line) is not None)
        junk = None if junk_cue is None else (lambda line: junk_cue.search(line) is not None)
        lowered = ""
    seen: set[str] = set()
    in_related = False
    for idx, (start, end, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            keep[idx] = False
            continue
        key = lowered[start:end].strip() if ascii_text else stripped.lower()
        asked = key if ascii_text else stripped
        if related is not None and related(asked):
            in_related = True
            keep[idx] = False
            continue
        if in_related:
            # a list of other stories' headlines goes on until real prose comes back
            if _looks_like_prose(stripped):
                in_related = False
            else:
                keep[idx] = False
                continue
        if junk is not None and counts[idx] <= 40 and junk(asked):
            keep[idx] = False
            continue
        if counts[idx] <= 15 and key.startswith(("next page", "previous page", "continue reading", "click here")):
            keep[idx] = False
            continue
        if teaser_page and stripped.endswith(("...", "…")):
            # a tag or listing page: every paragraph is a teaser for another story
            keep[idx] = False
            continue
        if key in seen and counts[idx] >= 4:
            keep[idx] = False  # a repeated caption or pull quote
            continue
        seen.add(key)
    return [(s, e) for (s, e, _), k in zip(lines, keep) if k]


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "lt", "col", "sgt", "capt", "gov", "sen", "rep",
    "inc", "corp", "ltd", "co", "jr", "sr", "vs", "etc", "no", "nos", "fig", "vol", "approx", "dept",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "est",
    "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "d.c", "n", "s", "ft", "mt", "pres", "rev",
    "gen", "adm", "brig", "cmdr", "supt", "insp", "det", "cllr", "hon", "mx", "op", "pp", "para",
}
_BULLETS = "-*•·"
_BULLET = re.compile(r"[-*•·]\s+")
# a boundary is end punctuation and space before a capital; or, where a page lost the space
# ("audits.Facial recognition"), end punctuation between a lower-case word and a capitalised one
_BOUNDARY = re.compile(r"""([.!?…]+)(["'’”)\]]*)(?:\s+(?=["'‘“(\[]?[A-Z0-9À-ÖØ-Þ\u0400-\u042f\uac00-\ud7af])"""
                       r"""|(?:(?<=[a-z]{3}[.!?])|(?<=[a-z]{3}[.!?]["'’”]))(?=[A-Z][a-z]))""")


# every boundary starts with end punctuation: a search for that one character class skips ahead
# at C speed, where a search for _BOUNDARY itself tries the whole pattern at every position
_BOUNDARY_START = re.compile(r"[.!?…]")


def _boundaries(chunk: str) -> list[re.Match]:
    """_BOUNDARY.finditer(chunk), as a list: each match tried only where end punctuation is."""
    out: list[re.Match] = []
    pos = 0
    while True:
        start = _BOUNDARY_START.search(chunk, pos)
        if start is None:
            return out
        m = _BOUNDARY.match(chunk, start.start())  # its look-behinds see the text before, as in a search
        if m is None:
            pos = start.start() + 1
        else:
            out.append(m)
            pos = m.end()


def split_sentences(text: str, spans: list[tuple[int, int]]) -> list[Sentence]:
    """Sentences within the article spans, surviving abbreviations, quotes and list items."""
    out: list[Sentence] = []
    for paragraph, (start, end) in enumerate(spans):
        split_paragraph(out, text, start, end, paragraph)
    return out


def split_paragraph(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    """Append the sentences of one article span to out."""
    chunk = text[start:end]
    cursor = 0
    for m in _boundaries(chunk):
        stop = m.end(2)
        if m.group(1) == ".":
            stop_at = m.start(1)
            token = _last_token(chunk, cursor, stop_at).lower()
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
            if _ends_with_initials(chunk, cursor, stop_at):  # U.S. as in "U.S. officials"
                nxt = chunk[m.end():m.end() + 1]
                if nxt.islower():
                    continue
        _emit(out, text, start + cursor, start + stop, paragraph)
        cursor = m.end()
    _emit(out, text, start + cursor, end, paragraph)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches


def _last_token(chunk: str, start: int, end: int) -> str:
    """The run of word characters and full stops that chunk[start:end] ends with ("U.S", "Dr")."""
    i = end
    while i > start and (chunk[i - 1] == "." or _is_word(chunk[i - 1])):
        i -= 1
    return chunk[i:end]


def _ends_with_initials(chunk: str, start: int, end: int) -> bool:
    r"""Does chunk[start:end] end with a word "X.Y" of two capitals (r"\b[A-Z]\.[A-Z]$")?"""
    if end - start < 3 or chunk[end - 2] != "." or not ("A" <= chunk[end - 1] <= "Z" and "A" <= chunk[end - 3] <= "Z"):
        return False
    return end - start == 3 or not _is_word(chunk[end - 4])


def _emit(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    # a list item's bullet is not part of the sentence
    if start < end and text[start] in _BULLETS:
        m = _BULLET.match(text, start, end)
        if m:
            start = m.end()
    if end - start >= 3:
        out.append(Sentence(start, end, paragraph, text[start:end]))
