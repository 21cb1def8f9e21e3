"""Sentence splitting: boundaries after end punctuation, not after abbreviations or initials."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.extract.clean import _BOUNDARY, _boundaries, split_sentences


def sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text, [(0, len(text))])]


def test_sentences_end_at_end_punctuation_before_a_capital():
    text = 'Police installed 40 cameras. "They work," an official said! Will more follow? Yes.'
    assert sentences(text) == ["Police installed 40 cameras.", '"They work," an official said!',
                               "Will more follow?", "Yes."]


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Dr. Rao of the U.S. firm met Mr. Lee on Jan. 5 at No. 10. The deal was signed."
    assert sentences(text) == ["Dr. Rao of the U.S. firm met Mr. Lee on Jan. 5 at No. 10.", "The deal was signed."]


def test_a_page_that_lost_the_space_still_splits():
    assert sentences("The audit ended.Facial recognition stays in use.") == [
        "The audit ended.", "Facial recognition stays in use."]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab Xy.!?…\"'’”)]\n1É"), max_size=40))
def test_boundaries_are_the_matches_a_search_finds(chunk):
    assert [m.span() for m in _boundaries(chunk)] == [m.span() for m in _BOUNDARY.finditer(chunk)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z9_-.,\n\t'é") + ["\u00a0", "\u4e2d"]), max_size=120))
def test_words_per_line_are_counted_as_one_line_at_a_time(text):
    """The page's word counts per line (the menu and boilerplate thresholds), counted for the
    whole page at once, are those of each line on its own, on ASCII pages and others."""
    from custodes.extract.clean import _LINE, _word_counts, _words

    lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(text)]
    assert _word_counts(text, lines) == [_words(line) for _, _, line in lines]
    ascii_text = text.encode("ascii", "ignore").decode()
    ascii_lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(ascii_text)]
    assert _word_counts(ascii_text, ascii_lines) == [_words(line) for _, _, line in ascii_lines]
