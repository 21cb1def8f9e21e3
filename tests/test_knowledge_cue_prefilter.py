"""Cue patterns skip hopeless searches (required words, cue views) and still match exactly as
the regular expressions written in cues.tsv do."""
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.knowledge import cues, cues_in, normalise, settings_in
from custodes.knowledge.casefold import CueIndex, CuePattern, is_lower, lowers_simply
from custodes.knowledge.literals import RequiredLiterals, top_branches
from re import _parser

SENTENCES = [
    "Police in Lima installed 900 CCTV cameras last year, officials said.",
    "The city plans to install facial recognition at the main station next year.",
    "A court ruled the use of facial recognition unlawful and the council dropped the plan.",
    "Kenya's interior ministry reportedly bought spyware from an Israeli firm.",
    "Researchers at the national university are developing a gait recognition system.",
    "The cameras will not be used at schools, the mayor said; critics fear abuse.",
    "Shares rose after quarterly earnings beat analysts' expectations.",
    "Unlock your phone with your face, the gadget maker promised consumers.",
    "The tender for licence plate readers on highways was won by a local integrator.",
    "Authorities have been using drones at the border crossing since May.",
    "Read more: related stories",
    "Accept all cookies to continue",
    "Les autorités ont installé des caméras dans les écoles et les gares.",
    "La policía instaló cámaras en las calles y estaciones del metro.",
]


def _variants(text):
    """The text in other cases and with letters that match ASCII ones when case is ignored."""
    out = [text, text.upper(), text.title(), normalise(text)]
    for plain, odd in (("s", "ſ"), ("k", "\u212a"), ("i", "ı"), ("i", "İ"), ("a", "Σ"), ("e", "é"), ("o", "Ö")):
        out.append(text.replace(plain, odd, 3))
        out.append(normalise(text).replace(plain, odd, 3))
    return out


def _texts():
    rng = random.Random(7)
    texts = [v for s in SENTENCES for v in _variants(s)]
    texts.append("\n".join(texts))  # a long text of many lines
    for _ in range(40):
        texts.append(" ".join(rng.sample(SENTENCES, 3)))
    return texts


def _spans(matches):
    return [(m.span(), m.group(), m.lastgroup) for m in matches]


PATTERNS = cues()


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_cue_patterns_match_as_written(name):
    pattern = PATTERNS[name]
    rng = random.Random(name)
    for text in _texts():
        for _ in range(2):  # twice: a set of alternatives is tried one by one, then compiled
            assert _spans(pattern.finditer(text)) == _spans(pattern.original.finditer(text))
            lo = rng.randrange(len(text) + 1)
            hi = rng.randrange(lo, len(text) + 1)
            assert _spans(pattern.finditer(text, lo, hi)) == _spans(pattern.original.finditer(text, lo, hi))
            assert pattern.findall(text) == pattern.original.findall(text)
            first = pattern.search(text, lo)
            expected = pattern.original.search(text, lo)
            assert (first and first.span()) == (expected and expected.span())
            assert bool(pattern.match(text, lo)) == bool(pattern.original.match(text, lo))
        for n in (1, 2, 3):
            assert pattern.matches_at_least(text, n) == (len(pattern.original.findall(text)) >= n)


def test_cue_views_answer_as_the_patterns_do():
    for text in _texts():
        norm = normalise(text)
        within = cues_in(norm)
        patterns = cues()
        assert set(within) == set(patterns)
        for kind, pattern in patterns.items():
            third = len(norm) // 3
            piece = norm[third: third + 40]
            for string in (norm, piece, "an unrelated string about cameras"):
                found = within[kind].search(string)
                expected = pattern.original.search(string)
                assert (found and found.span()) == (expected and expected.span()), (kind, string)
            assert _spans(within[kind].finditer(norm, 5, 60)) == _spans(pattern.original.finditer(norm, 5, 60))
            # a slice searched as a string of its own: "^" and "$" hold at its ends
            for lo, hi in ((third, third + 40), (0, 12), (len(norm) - 30, len(norm) + 5), (-3, 20)):
                found = within.search_slice(kind, lo, hi)
                expected = pattern.original.search(norm[max(lo, 0):hi])
                assert (found and found.span()) == (expected and expected.span()), (kind, lo, hi)


@pytest.mark.parametrize("source, text", [
    (r"x?(b|xb)", "xb"),  # an alternative found only by backtracking into what comes before
    (r"(?<!\bin )\btrial(s|led)?\b(?! (of|against) )", "a trial of; in trials; trialled"),
    (r"^\s*(share|menu)|\b(cookies?)\b", "  menu cookies share"),
    (r"\b(ban|barred) (the |its )?(\w+ ){0,2}(use|cameras)\b", "they barred the new cameras and ban its use"),
    (r"(a|b)+c|d", "ababc d abd"),
    (r"\bstop(s|ped)?(?=\s)", "stops stopped\nstop"),
    # alternatives that begin with "^" match at the start only: searched as a match there
    (r"^\s*(related|more)\b[^.]{0,20}$", "  related stories"),
    (r"^(share|tweet)|^\s*menu", "share menu tweet"),
    (r"^(|a)", "aa"),  # an empty match at the start, then a longer one at the same place
    (r"(?m)^(menu|share)", "x\nmenu\nshare"),  # MULTILINE: "^" matches at every line
])
def test_tricky_patterns_match_as_written(source, text):
    for flags in (0, re.IGNORECASE):
        compiled = re.compile(source, flags)
        pattern = CuePattern(compiled)
        for string in (text, text.upper(), text.replace("s", "ſ")):
            for _ in range(2):
                assert _spans(pattern.finditer(string)) == _spans(compiled.finditer(string))
                assert pattern.findall(string) == compiled.findall(string)
                for pos in range(len(string)):
                    m, expected = pattern.search(string, pos), compiled.search(string, pos)
                    assert (m and (m.span(), m.groups())) == (expected and (expected.span(), expected.groups()))


def test_required_words_are_joined_across_small_groups():
    tree = _parser.parse(r"\b(abandon|drop) (the |its )(plan|project)", re.IGNORECASE)
    literals = RequiredLiterals(tree, ignore_case=True)
    assert min(map(len, literals.literals)) >= len("drop the plan")
    assert "drop its project" in literals.literals


def test_an_alternation_in_one_group_is_filtered_by_alternative():
    tree = _parser.parse(r"\b(installed|in use|operating)\b", re.IGNORECASE)
    assert len(top_branches(tree)) == 3
    pattern = CuePattern(re.compile(r"\b(installed|in use|operating)\b", re.IGNORECASE))
    assert pattern.search("the system is in use") is not None
    assert pattern.search("nothing here") is None


def test_patterns_anchored_at_the_start_are_not_prefiltered():
    pattern = CuePattern(re.compile(r"^\s*(related|read more)", re.IGNORECASE))
    assert pattern._literals is None
    assert pattern.search("Read more") is not None


def test_ignoring_case_is_lower_casing_only_for_plain_letters():
    assert lowers_simply("École, Straße and Müller")
    assert not lowers_simply("ſtate")  # a long s matches "s"
    assert not lowers_simply("İstanbul")  # lower-cases to two characters
    assert not lowers_simply("ΟΔΟΣ")  # final and medial sigma


def test_case_sensitive_patterns_share_one_index():
    patterns = {i: CuePattern(re.compile(p)) for i, p in enumerate([r"\bwon by ([A-Z]\w+)", r"([A-Z]\w+) Ltd\b"])}
    index = CueIndex(patterns, ignore_case=False)
    text = "The deal was won by Acme, not by Foo Ltd or won by lowercase."
    hits = index.hits(text)
    for name, pattern in patterns.items():
        assert _spans(index.pattern_in(name, text, hits).finditer(text)) == _spans(pattern.original.finditer(text))


def test_settings_in_a_window_are_those_whose_cues_match_there():
    for text in _texts():
        norm = normalise(text)
        for lo, hi in ((0, len(norm)), (len(norm) // 4, len(norm) // 2), (10, 150)):
            expected = {kind.split(".", 1)[1] for kind, p in cues().items()
                        if kind.startswith("setting.") and p.original.search(norm, lo, hi)}
            assert settings_in(norm, lo, hi) == expected


def test_patterns_left_out_as_candidates_cannot_match():
    index = CueIndex({"cookie": CuePattern(re.compile(r"\bcookies?\b", re.I)),
                      "menu": CuePattern(re.compile(r"^\s*(menu|share)\b", re.I)),
                      "plan": CuePattern(re.compile(r"\bplan(s|ned)? to\b|^\s*proposal", re.I))})
    for text in ("We use cookies.", "Menu: home", "The city planned to buy drones.", "nothing here", "Proposal: plan to"):
        within = index.within(text)
        kept = within.candidates()
        for name, pattern in index.patterns.items():
            if name not in kept:
                assert pattern.original.search(text) is None, (name, text)
        assert kept == [n for n in index.patterns if n in kept]  # in the index's order


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("aZ9 .-'éÉßİǅ\u0130\u1e9e"), max_size=12) | st.text(max_size=12))
def test_is_lower_answers_as_str_islower_asked_again_or_not(text):
    assert is_lower(text) == text.islower()
    assert is_lower(text) == text.islower()  # the remembered answer


LINES = ["Related stories", "  RELATED:  More from our reporters", "Read more: the camera tender",
         "Share this article", "Accept all cookies to continue", "We use Cookies.", "By Jane Roe",
         "By the end of the year the police will install 400 cameras.", "Subscribe to our newsletter",
         "contact@example.org", "(c) 2025 Example Media. All rights reserved.", "Most read", "Menu",
         "Popular with readers: cameras in Lagos", "Searchlight", "Sharing data with the ministry.",
         "Trending now", "In other news, the council met.", "Sign up for updates", "Skip to main content"]


@given(st.lists(st.sampled_from(LINES + [s.split(",")[0] for s in SENTENCES if s.isascii()]), min_size=1, max_size=3),
       st.text(alphabet=" .:,;!?'-@()abcXYZ09\t", max_size=12), st.sampled_from(sorted(PATTERNS)))
@settings(max_examples=400, deadline=None)
def test_a_line_test_answers_as_a_search_of_the_line(parts, noise, name):
    """Page lines are tested lower-cased, each alternative where it can match: the answer is the
    cue's own search of the line as written."""
    from custodes.knowledge.casefold import LineTest

    pattern = PATTERNS[name].original
    if not pattern.flags & re.IGNORECASE:
        return
    line = noise.join(parts) if len(parts) > 1 else parts[0] + noise
    assert LineTest(pattern)(line.lower()) == (pattern.search(line) is not None)


def test_boilerplate_lines_are_dropped_from_ascii_pages_as_from_others():
    """An ASCII page and the same page with one accented word keep the same lines."""
    from custodes.extract.clean import article_spans

    page = "\n".join(["Home", "World", "Tech", "Police in Lima installed 900 CCTV cameras, officials said.",
                      "Accept all cookies to continue", "Related stories", "Cameras in Quito",
                      "Budget talks in Bogota", "The ministry will add 300 more cameras on the main avenues of the capital by 2026, it said in a short statement.",
                      "Share this article", "By Jane Roe"])
    accented = page.replace("officials said", "officials said (café)")
    kept = [page[s:e] for s, e in article_spans(page)]
    assert kept == ["Police in Lima installed 900 CCTV cameras, officials said.",
                    "The ministry will add 300 more cameras on the main avenues of the capital by 2026, it said in a short statement."]
    assert [accented[s:e] for s, e in article_spans(accented)] == [kept[0].replace("said", "said (café)"), kept[1]]
