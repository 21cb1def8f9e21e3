"""Which language a text is in: English by its commonest words, others by py3langid.

Most documents custodes reads are English, and English announces itself in its function
words ("the", "of", "and"): counting them costs a split, where a language model costs
about a millisecond per document. Only text that fails the count goes to py3langid.
"""
from __future__ import annotations

import re

ENGLISH_SHARE = 0.08  # share of common English words at or above which a text is English

_ENGLISH_WORDS = frozenset("the and of to in is that for with was are has by on".split())
# the same words as a pattern, for words with non-ASCII letters ("ıs" matches "is" when case is ignored)
_ENGLISH = re.compile(rf"\b({'|'.join(sorted(_ENGLISH_WORDS))})\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# ASCII characters that \w does not match, as spaces: ASCII text splits into its words
NON_WORD_AS_SPACE = str.maketrans({chr(i): " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")})


def looks_english(sample: str) -> bool | None:
    """Is the sample English by the share of common English words in it? None: it has no words."""
    if sample.isascii():  # \w is [A-Za-z0-9_] in ASCII: the same words without a regular expression
        words = sample.lower().translate(NON_WORD_AS_SPACE).split()
        english = sum(map(_ENGLISH_WORDS.__contains__, words))
    else:
        words = _WORD.findall(sample)
        english = sum(w.lower() in _ENGLISH_WORDS if w.isascii() else _ENGLISH.fullmatch(w) is not None
                      for w in words)
    if not words:
        return None
    return english / len(words) >= ENGLISH_SHARE


def classify(sample: str) -> str | None:
    """ISO 639-1 code of the sample's language: English by its words, else py3langid's answer."""
    english = looks_english(sample)
    if english is None:
        return None
    if english:
        return "en"
    import py3langid

    code, _score = py3langid.classify(sample)
    return code or None
