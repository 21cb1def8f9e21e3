"""Extraction: clean -> sentences -> mentions -> claims.

`extract_document` returns plain objects; `custodes extract` serialises them.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from custodes.collector import collector_paused
from custodes.extract.clean import Sentence, article_spans, split_paragraph
from custodes.extract.mentions import MentionScan, find_mentions
from custodes.extract.rules import (_SentenceFacts, analyse_sentence, main_country, merge, related,
                                    sentence_drafts, unlisted_vendors)
from custodes.knowledge import cues, normalise
from custodes.language import classify
from custodes.model import Claim, Document, Evidence, ExtractResult

EXTRACTOR_VERSION = "custodes-rules/0.1"
# languages extract reads; others are detected, reported and left unextracted
READ_LANGUAGES = {"en", "es", "pt", "fr"}
PRIVATE_DOCUMENT_CUES = 3  # consumer-use words that make a whole document a private-use one


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language; English is recognised without a model."""
    return classify(text[:1500])


def extract_document(doc: Document) -> ExtractResult:
    """Every claim one document makes, with its evidence; non-English text is only reported."""
    return collector_paused(lambda: _extract_document(doc))


def _extract_document(doc: Document) -> ExtractResult:
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


# a sentence that goes on about the system just named: "They will be placed across Rabat's squares."
_ANAPHOR_START = re.compile(r"^\W*(they|it|these|those|the (cameras|devices|system|systems|network|units|"
                            r"scanners|gates|drones|towers|sensors|readers|kiosks|terminals))\b", re.IGNORECASE)


def _add_settings(drafts, sentence: str) -> None:
    """Give the claims of the previous sentence the places a sentence about them names."""
    from custodes.knowledge import settings_in

    found = settings_in(normalise(sentence))
    for d in drafts:
        extra = set(found)
        if d.technology == "border_surveillance":
            extra.discard("streets")
        d.settings = d.settings | extra


def _inherit_settings(drafts, before) -> None:
    """"The cameras will also read number plates": what a sentence about the system just
    described adds (plate reading, analytics) is where that system is."""
    for d in drafts:
        family = related({d.technology})
        for b in before:
            if b.country == d.country and b.technology in family:
                extra = b.settings - {"border"} if d.technology != "border_surveillance" else b.settings
                d.settings = d.settings | extra


def _settle_statuses(drafts) -> None:
    """Give a mention that names no status the one the text states for the same system.

    News states a system's status once ("plans to install 4,000 cameras") and then describes
    it without repeating the status ("the cameras will carry plate readers"). An unmarked
    mention takes the status stated for the same (country, technology), else the status of
    the last marked mention in its paragraph, else "deployed"."""
    stated: dict[tuple[str, str], str] = {}
    for d in drafts:
        # a hedge covers its own sentence; what the text goes on to state plainly is not hedged
        if d.cued and d.status != "alleged":
            stated.setdefault((d.country, d.technology), d.status)

    last_in_paragraph: dict[int, str] = {}
    for d in drafts:
        if d.cued is None:
            # "the cameras will read plates": the status of that system, stated elsewhere, else planned
            d.status = stated.get((d.country, d.technology), d.status)
            last_in_paragraph[d.sentence.paragraph] = d.status
            continue
        if d.cued:
            if d.status != "alleged":
                last_in_paragraph[d.sentence.paragraph] = d.status
            continue
        status = stated.get((d.country, d.technology)) or last_in_paragraph.get(d.sentence.paragraph)
        if status:
            d.status = status


def _propagate_vendors(drafts, facts, main: str | None) -> list:
    """Credit a named supplier with the parts of its project the text describes without its name.

    An article names the company once ("Huawei built Nairobi's safe city", "the contract was
    given to Alomra Group") and then describes the system ("1,800 cameras, plate readers").
    A claim without a vendor takes the one company the document credits, for that country,
    that may supply its technology: a known vendor for the technologies it is known for, a
    company the vendor list does not know for what the text describes, unless the text names
    another company for that very technology."""
    from custodes.knowledge import vendors_by_name

    known = vendors_by_name()
    credit, portfolio = cues()["credit"], cues()["portfolio"]
    countries = list(dict.fromkeys(d.country for d in drafts))
    # per country: company -> (its origin, the technologies it may supply or None for any)
    credited: dict[str, dict[str, tuple[str | None, set[str] | None]]] = {}
    named_for: dict[tuple[str, str], set[str]] = {}  # (country, technology) -> companies named with it
    for d in drafts:
        if d.vendor:
            scope = set(known[d.vendor].technologies) if d.vendor in known else {d.technology}
            origin, had = credited.setdefault(d.country, {}).get(d.vendor, (d.supplier_country, set()))
            if d.vendor not in known and had is not None:
                scope |= had
            credited[d.country][d.vendor] = (origin, scope)
            named_for.setdefault((d.country, d.technology), set()).add(d.vendor)
    partners: dict[str, list[tuple[str, str | None]]] = {}  # company -> the co-winners of its contract
    for f in facts:
        # most sentences name no credit: the pattern's own word prefilter answers that quicker
        # than a look for every cue's words (cues_in), which sentences without mentions skipped
        norm = normalise(f.sentence.text)
        if not credit.search(norm) or (not f.user and portfolio.search(norm)):
            continue  # "Hikvision, which supplies cameras to 150 countries": no credit here
        names = [(m.value.name, m.value.country) for m in f.vendors]
        names += unlisted_vendors(f)
        if len(names) > 1 and _PARTNERS.search(norm):
            for name, _ in names:
                partners.setdefault(name, []).extend(n for n in names if n[0] != name)
        # "claimed Samsung SDS, which developed the system": the system of the country the text is about
        for country in (f.user or ([main] if main else countries)):
            for name, origin in names:
                if origin == "LOCAL":
                    origin = country
                entries = credited.setdefault(country, {})
                if name in entries:
                    continue
                # what the sentence itself names, if anything; else whatever the text describes
                said = {t for m in f.techs for t in m.value.technologies} or None
                entries[name] = (origin, set(known[name].technologies) if name in known else said)
    if not credited:
        return drafts
    for d in drafts:
        if d.vendor is not None:
            continue
        named = named_for.get((d.country, d.technology))
        if named:
            # the text names who supplies this: an unnamed mention is that company's when it
            # names one, and may be any of them when it names several
            if len(named) == 1:
                (name,) = named
                origin = credited[d.country][name][0]
                if d.supplier_country in (None, origin):
                    d.vendor, d.supplier_country = name, d.supplier_country or origin
            continue
        candidates = credited.get(d.country, {}).items()
        fits = [(name, origin) for name, (origin, scope) in candidates if scope is None or d.technology in scope]
        if not fits:
            # a company the list does not know may supply the family of what the text says it
            # supplies ("CITCC's cameras" and the plate readers of the same network)
            fits = [(name, origin) for name, (origin, scope) in candidates
                    if name not in known and d.technology in related(scope)]
        if len(fits) == 1 and d.supplier_country in (None, fits[0][1]):
            d.vendor, origin = fits[0]
            d.supplier_country = d.supplier_country or origin
    return drafts + _co_winners(drafts, partners)


# companies that share one contract: each supplies what the contract covers
_PARTNERS = re.compile(r"\b(the (other )?winners (were|are|included?)|(shar(e|es|ed|ing)|split(s|ting)?) (the |a |an )?"
                       r"(\w+ ){0,3}(contract|deal|tender|award|framework)|consorti(um|a)|joint venture|jointly|"
                       r"in partnership with)\b")


def _co_winners(drafts, partners: dict[str, list[tuple[str, str | None]]]) -> list:
    """"Besides NEC, the winners were Bedroq and DigitalBarriers": the co-winners of a
    contract get the claims the text makes for the company named with its technology."""
    from custodes.extract.rules import Draft

    out, have = [], {(d.country, d.technology, d.vendor, d.status) for d in drafts}
    for d in drafts:
        for name, origin in partners.get(d.vendor or "", []):
            if origin == "LOCAL":
                origin = d.country
            key = (d.country, d.technology, name, d.status)
            if key in have:
                continue
            have.add(key)
            out.append(Draft(d.country, d.technology, name, origin, d.status, set(d.settings), d.sentence,
                             list(d.matched), round(d.confidence * 0.9, 3), d.explicit_country, d.cued))
    return out


def _credit_facts(text: str, spans: list[tuple[int, int]], split: list[Sentence]) -> list[_SentenceFacts]:
    """Sentences that credit a company and name nothing the gazetteers know.

    "The installation was given to Alomra Group International" names no technology, place
    or listed vendor, so its paragraph is not split for claims; its company still counts."""
    credit = cues()["credit"]
    done = {s.paragraph for s in split}
    out: list[_SentenceFacts] = []
    for paragraph, (start, end) in enumerate(spans):
        if paragraph in done or not credit.search(normalise(text[start:end])):
            continue
        sentences: list[Sentence] = []
        split_paragraph(sentences, text, start, end, paragraph)
        out.extend(_SentenceFacts(s) for s in sentences)
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

    def __init__(self, test: Callable[[], object]) -> None:
        self._test = test
        self._answer: bool | None = None

    def __bool__(self) -> bool:
        if self._answer is None:
            self._answer = bool(self._test())
        return self._answer


def _is_private_document(normalised: str) -> bool:
    """Does the (normalised) text use consumer-use words often enough to be about private use throughout?"""
    return cues()["private"].matches_at_least(normalised, PRIVATE_DOCUMENT_CUES)


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
    title = title or ""
    title_given = bool(title.strip() and title.strip()[:60] not in text[:400])
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
    private_document = _WhenAsked(lambda: _is_private_document(scan.normalised))
    drafts = []
    last_user: tuple[int, str] | None = None
    context_vendors: list[tuple[str, str | None]] = []
    claimed: set[str] = set()
    last_drafts: list = []
    for f in facts:
        context = main
        if last_user and last_user[0] == f.sentence.paragraph:
            context = last_user[1]
        new = sentence_drafts(f, context, context_vendors, claimed, private_document=private_document)
        claimed.update(d.technology for d in new)
        drafts.extend(new)
        if new and last_drafts and (anaphor := _ANAPHOR_START.match(f.sentence.text)):
            gap = f.sentence.paragraph - last_drafts[0].sentence.paragraph
            if gap == 0 or (gap == 1 and anaphor.group(2)):
                _inherit_settings(new, last_drafts)
        if new:
            last_drafts = new
        elif last_drafts and not f.techs and (anaphor := _ANAPHOR_START.match(f.sentence.text)):
            # in the same paragraph any pronoun; at the top of the next only "the system", "the cameras"
            gap = f.sentence.paragraph - last_drafts[0].sentence.paragraph
            if gap == 0 or (gap == 1 and anaphor.group(2)):
                _add_settings(last_drafts, f.sentence.text)
        if f.user and f.techs:
            last_user = (f.sentence.paragraph, f.user[-1])
        if f.vendors:
            context_vendors = [(m.value.name, m.value.country) for m in f.vendors[:1]]
    _settle_statuses(drafts)
    drafts = _propagate_vendors(drafts, facts + _credit_facts(text, spans, sentences), main)

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
