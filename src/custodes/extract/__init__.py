"""Extraction: clean -> sentences -> mentions -> claims.

`extract_document` returns plain objects; `custodes extract` serialises them.
"""
from __future__ import annotations

import bisect
import re

from custodes.extract.clean import _NON_WORD_AS_SPACE, Sentence, article_spans, split_paragraph
from custodes.extract.mentions import MentionScan, find_mentions
from custodes.extract.rules import _SentenceFacts, analyse_sentence, main_country, merge, sentence_drafts
from custodes.knowledge import cues, normalise
from custodes.model import Claim, Document, Evidence, ExtractResult

EXTRACTOR_VERSION = "custodes-rules/0.1"
# languages extract reads; others are detected, reported and left unextracted
READ_LANGUAGES = {"en", "es", "pt", "fr"}
PRIVATE_DOCUMENT_CUES = 3  # consumer-use words that make a whole document a private-use one

_ENGLISH_WORDS = frozenset("the and of to in is that for with was are has by on".split())
# the same words as a pattern, for words with non-ASCII letters ("ıs" matches "is" when case is ignored)
_ENGLISH = re.compile(rf"\b({'|'.join(sorted(_ENGLISH_WORDS))})\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _english_words(words: list[str]) -> int:
    """How many of the words are common English ones, case ignored."""
    return sum(w.lower() in _ENGLISH_WORDS if w.isascii() else _ENGLISH.fullmatch(w) is not None for w in words)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language; English is recognised without a model."""
    sample = text[:1500]
    if sample.isascii():  # \w is [A-Za-z0-9_] in ASCII: the same words without a regular expression
        words = sample.lower().translate(_NON_WORD_AS_SPACE).split()
        english = sum(map(_ENGLISH_WORDS.__contains__, words))
    else:
        words = _WORD.findall(sample)
        english = _english_words(words)
    if not words:
        return None
    if english / len(words) >= 0.08:
        return "en"
    import py3langid

    lang, _ = py3langid.classify(sample)
    return lang


def extract_document(doc: Document) -> ExtractResult:
    """Every claim one document makes, with its evidence; non-English text is only reported."""
    language = doc.language or detect_language(doc.text)
    if language and language not in READ_LANGUAGES:
        return ExtractResult(doc.id, False, [], language,
                             note=f"not extracted: language '{language}' (custodes reads English, "
                                  f"and Spanish, Portuguese and French only partly)")
    claims = _extract(doc.text, title=doc.title, doc=doc, url=doc.url)
    note = None
    if language and language != "en":
        note = (f"language '{language}': read with the multilingual term list only "
                "(technology, place and vendor names; status cues are English): expect lower recall")
        for claim in claims:
            claim.confidence = round(claim.confidence * 0.7, 3)
    return ExtractResult(doc.id, bool(claims), claims, language, note=note)


def extract(text: str, *, url: str | None = None, title: str | None = None,
            published: str | None = None) -> list[Claim]:
    """Every surveillance deployment claim a text makes (English text; see extract_document)."""
    return _extract(text, title=title, doc=None, url=url)


def url_country(url: str) -> str | None:
    """The country a news URL names, for a text that names none ("/dallas-fort-worth/...").

    Local news often never names its country; its address does, in a section or slug
    that carries a place name, or in a country-code domain."""
    from urllib.parse import urlsplit

    from custodes.knowledge import gazetteer

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    places = gazetteer().places
    words = [w for w in re.split(r"[^a-z]+", parts.path.lower()) if w]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            name = " ".join(w.capitalize() for w in words[i:i + size])
            place = places.get(name)
            if place and place.kind in ("country", "city", "region") and len(name) > 3:
                return place.country
    host = (parts.hostname or "").rsplit(".", 1)[-1]
    if len(host) == 2 and host not in _GENERIC_TLDS:
        code = "GB" if host == "uk" else host.upper()
        import pycountry
        if pycountry.countries.get(alpha_2=code):
            return code
    return None


# two-letter domains used as generic ones, which say nothing of a site's country
_GENERIC_TLDS = {"co", "io", "me", "tv", "ai", "fm", "ly", "to", "cc", "ws", "gg", "so", "im", "am", "nu", "eu"}


def _settle_statuses(drafts) -> None:
    """Give a mention that names no status the one the text states for the same system.

    News states a system's status once ("plans to install 4,000 cameras") and then describes
    it without repeating the status ("the cameras will carry plate readers"). An unmarked
    mention takes the status stated for the same (country, technology), else the status of
    the last marked mention in its paragraph, else "deployed"."""
    stated: dict[tuple[str, str], str] = {}
    for d in drafts:
        if d.cued:
            stated.setdefault((d.country, d.technology), d.status)
    last_in_paragraph: dict[int, str] = {}
    for d in drafts:
        if d.cued:
            last_in_paragraph[d.sentence.paragraph] = d.status
            continue
        status = stated.get((d.country, d.technology)) or last_in_paragraph.get(d.sentence.paragraph)
        if status:
            d.status = status


_CREDIT_WORDS = re.compile(
    r"\b(lead(s|ing)? the (effort|project|work)|built|developed|develops|supplie[sd]|provide[sd]|"
    r"installed|won the (contract|tender|bid)|awarded|contractor|made the|designed)\b", re.IGNORECASE)


def _propagate_vendors(drafts, facts) -> list:
    """Credit a named supplier with the parts of its project the text describes without its name.

    An article names the company once ("Huawei built Nairobi's safe city") and then describes
    the system ("1,800 cameras, plate readers"). A claim without a vendor takes the vendor the
    document credits for that country when the vendor is known to supply that technology."""
    from custodes.knowledge import vendors as all_vendors

    known = {v.name: v for v in all_vendors()}
    credited: dict[str, list[str]] = {}
    for d in drafts:
        if d.vendor and d.vendor in known:
            credited.setdefault(d.country, [])
            if d.vendor not in credited[d.country]:
                credited[d.country].append(d.vendor)
    # a vendor the text says leads, built, developed or supplies something, in a sentence that
    # names no technology ("Leading the effort is Anduril"), is credited for the main country
    countries = {d.country for d in drafts}
    for f in facts:
        if f.vendors and not f.techs and _CREDIT_WORDS.search(f.sentence.text):
            for country in countries:
                for m in f.vendors:
                    names = credited.setdefault(country, [])
                    if m.value.name not in names:
                        names.append(m.value.name)
    if not credited:
        return drafts
    out = []
    for d in drafts:
        names = credited.get(d.country, [])
        fits = [n for n in names if d.technology in known[n].technologies]
        if d.vendor is None and len(fits) == 1 and d.supplier_country in (None, known[fits[0]].country):
            d.vendor = fits[0]
            d.supplier_country = known[fits[0]].country
        out.append(d)
    return out


# main_country weighs a document's first sentences by their position
_LEAD_SENTENCES = 4


def _split_needed(text: str, spans: list[tuple[int, int]], mentions, sentences_before: int) -> list[Sentence]:
    """The sentences of the paragraphs that name something, in document order.

    A paragraph without a mention yields no facts; it is split only while the lead
    sentences are being counted, since their positions weigh in main_country."""
    starts = [m.start for m in mentions]
    out: list[Sentence] = []
    for paragraph, (start, end) in enumerate(spans):
        i = bisect.bisect_left(starts, start)
        if (i < len(starts) and starts[i] < end) or sentences_before + len(out) < _LEAD_SENTENCES:
            split_paragraph(out, text, start, end, paragraph)
    return out


class _WhenAsked:
    """A document-wide yes/no that is worked out the first time a sentence asks (most never do)."""

    __slots__ = ("_test", "_answer")

    def __init__(self, test):
        self._test = test
        self._answer: bool | None = None

    def __bool__(self) -> bool:
        if self._answer is None:
            self._answer = bool(self._test())
        return self._answer


def _is_private_document(text: str) -> bool:
    """Does the text use consumer-use words often enough to be about private use throughout?"""
    return cues()["private"].matches_at_least(normalise(text), PRIVATE_DOCUMENT_CUES)


def _any_start_in(starts: list[int], spans: list[tuple[int, int]]) -> bool:
    """Does one of the offsets fall inside one of the (sorted, disjoint) spans?"""
    ends = [end for _, end in spans]
    for start in starts:
        i = bisect.bisect_right(ends, start)
        if i < len(spans) and spans[i][0] <= start:
            return True
    return False


def _extract(text: str, *, title: str | None, doc: Document | None, url: str | None = None) -> list[Claim]:
    scan = MentionScan(text)
    title_given = bool(title and title.strip() and title.strip()[:60] not in text[:400])
    title_mentions = find_mentions(title) if title_given else []
    title_names_tech = any(m.kind == "tech" for m in title_mentions)
    # where the body may name a technology, from the first pass of the mention scan: most
    # texts name none, or only in menus and lists of other stories, and end here
    maybe_tech = scan.technology_starts()
    if not title_names_tech and not maybe_tech:
        return []
    spans = article_spans(text)
    if not title_names_tech and not _any_start_in(maybe_tech, spans):
        return []
    body_mentions = scan.mentions()
    if not any(m.kind == "tech" for m in body_mentions + title_mentions):
        return []
    body_tech = [m.start for m in body_mentions if m.kind == "tech"]
    if not title_names_tech and not _any_start_in(body_tech, spans):
        return []  # technology named only in menus and lists of other stories: no sentence has any
    sentences: list[Sentence] = []
    if title_given:
        sentences.append(Sentence(0, len(title), -1, title))
    body = _split_needed(text, spans, body_mentions, len(sentences))
    sentences.extend(body)

    starts = [s.start for s in body]
    per_sentence: list[list] = [[] for _ in sentences]
    offset = 1 if title_given else 0
    if title_given:
        per_sentence[0] = title_mentions
    for m in body_mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        if i >= 0 and m.end <= body[i].end:
            per_sentence[i + offset].append(m)

    # a sentence that names nothing has no facts: skip the work of finding none
    facts = [analyse_sentence(s, ms) if ms else _SentenceFacts(s) for s, ms in zip(sentences, per_sentence)]
    title_paragraphs = 0 if title_given else 1
    main = main_country(facts, title_paragraphs=title_paragraphs + (1 if title_given else 0))
    if main is None and url:
        main = url_country(url)
    # a review of phones or doorbells: only sentences that name a state body count
    private_document = _WhenAsked(lambda: _is_private_document(text))
    drafts = []
    last_user: tuple[int, str] | None = None
    context_vendors: list[tuple[str, str | None]] = []
    claimed: set[str] = set()
    for f in facts:
        context = main
        if last_user and last_user[0] == f.sentence.paragraph:
            context = last_user[1]
        new = sentence_drafts(f, context, context_vendors, claimed, private_document=private_document)
        claimed.update(d.technology for d in new)
        drafts.extend(new)
        if f.user and f.techs:
            last_user = (f.sentence.paragraph, f.user[-1])
        if f.vendors:
            context_vendors = [(m.value.name, m.value.country) for m in f.vendors[:1]]
    _settle_statuses(drafts)
    drafts = _propagate_vendors(drafts, facts)

    claims = []
    for group in merge(drafts):
        first = group[0]
        settings = set().union(*(d.settings for d in group))
        evidence = []
        seen = set()
        for d in group:
            s = d.sentence
            if (s.start, s.paragraph) in seen:
                continue
            seen.add((s.start, s.paragraph))
            is_title = title_given and s.paragraph == -1
            evidence.append(Evidence(
                sentence=s.text, start=s.start, end=s.end,
                matched=tuple(dict.fromkeys(d.matched)),
                page=doc.page_at(s.start) if doc and not is_title else None,
                field="title" if is_title else "text"))
        confidence = max(d.confidence for d in group)
        confidence = min(0.99, confidence + 0.03 * (len(evidence) - 1))
        claims.append(Claim(first.country, first.technology, first.vendor, first.supplier_country,
                            sorted(settings), first.status, confidence, evidence, EXTRACTOR_VERSION))
    return claims


__all__ = ["EXTRACTOR_VERSION", "detect_language", "extract", "extract_document"]
