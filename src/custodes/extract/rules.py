"""From mentions to claims: who uses which technology, from whom, where, with what status.

The rules follow annotation.md and the way news is written:
- a claim needs a technology term and a user country, from the sentence itself or carried
  from the context (the previous sentence of the paragraph, else the document's main country);
- a place's role comes from the words around it: "Chinese-made", "imported from China" make
  it the supplier's origin, "China exports..." an exporter, "as in China" a comparison;
- the status is the one named by the cue nearest the technology term; hedges cover the sentence;
- fears, hypotheticals, negations and purely private use give no claim.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from custodes.extract.clean import Sentence
from custodes.extract.mentions import Mention
from custodes.knowledge import Place, Vendor, cues, gazetteer, normalise
from custodes.model import SETTINGS, STATUSES

# how a status wins when two cues are equally near: the more specific first
_STATUS_PRIORITY = ("halted", "development", "trial", "planned", "alleged")
# settings a technology always has (annotation examples: border systems are at the border)
_IMPLIED_SETTINGS = {"border_surveillance": "border"}


@dataclass(slots=True)
class Draft:
    """A claim as the rules build it, before merging."""

    country: str
    technology: str
    vendor: str | None
    supplier_country: str | None
    status: str
    settings: set[str]
    sentence: Sentence
    matched: list[str]
    confidence: float
    explicit_country: bool


@dataclass(slots=True)
class _SentenceFacts:
    sentence: Sentence
    techs: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    vendors: list[Mention] = field(default_factory=list)
    user: list[str] = field(default_factory=list)  # user countries named in the sentence
    origin: list[str] = field(default_factory=list)  # supplier origins named in the sentence
    neutral: list[str] = field(default_factory=list)  # countries named in another role


def place_role(sentence: Sentence, norm: str, mention: Mention) -> str:
    """'user', 'origin', 'export', 'comparison' or 'neutral' for one place in its sentence."""
    c = cues()
    rel_start = mention.start - sentence.start
    rel_end = mention.end - sentence.start
    before = norm[max(0, rel_start - 40):rel_start]
    after = norm[rel_end:rel_end + 60]
    place: Place = mention.value
    if c["comparison"].search(before) or c["comparison"].search(after[:12]):
        return "comparison"
    if c["origin_after"].search(before):
        return "origin"
    if re.match(r"\s*'s\s+[a-z]", after) and _vendor_follows(sentence, rel_end):
        return "origin"
    if c["origin_before"].search(after):
        return "origin"
    if c["export_after"].search(after):
        return "export"
    if re.search(r"\bborder (with|between)\s*$|\b(and|to)\s*$", before) and "border" in before:
        return "neutral"
    if place.kind == "demonym":
        return "user" if c["user_after"].search(after) else "neutral"
    if re.match(r"\s*(and|\-|–|/)\s*\w+(\s\w+)?\s+border", after) or re.match(r"\s+border", after):
        # "the China-North Korea border": both sides are named; neither is the user by this
        return "neutral" if place.kind == "country" and not re.match(r"\s*'s", after) else "user"
    return "user"


def _vendor_follows(sentence: Sentence, rel_end: int) -> bool:
    tail = sentence.text[rel_end:rel_end + 40]
    return bool(re.match(r"\s*['’]s\s+(state[- ]owned\s+|tech\s+giant\s+|firm\s+|company\s+)?[A-Z]", tail))


def analyse_sentence(sentence: Sentence, mentions: list[Mention]) -> _SentenceFacts:
    facts = _SentenceFacts(sentence)
    norm = normalise(sentence.text)
    for m in mentions:
        if m.kind == "tech":
            facts.techs.append(m)
        elif m.kind == "vendor":
            facts.vendors.append(m)
        else:
            facts.places.append(m)
            role = place_role(sentence, norm, m)
            country = m.value.country
            if role == "user":
                facts.user.append(country)
            elif role == "origin":
                facts.origin.append(country)
            else:
                facts.neutral.append(country)
    return facts


def main_country(all_facts: list[_SentenceFacts], title_paragraphs: int = 1) -> str | None:
    """The country the document is about: user-role mentions, the title and lead weighing more."""
    votes: Counter[str] = Counter()
    for i, f in enumerate(all_facts):
        weight = 3 if f.sentence.paragraph < title_paragraphs else 2 if i < 4 else 1
        for country in f.user:
            votes[country] += weight
    if not votes:
        return None
    (best, n), *rest = votes.most_common(2) + [(None, 0)]
    return best


def _status_for(norm: str, tech_rel: int) -> tuple[str, str | None]:
    """The status named nearest the technology term, and the cue's words."""
    c = cues()
    best: tuple[int, int, str, str] | None = None
    for status in _STATUS_PRIORITY:
        pattern = c.get(f"status.{status}")
        if pattern is None:
            continue
        for m in pattern.finditer(norm):
            if status == "alleged":
                distance = 0  # a hedge covers the whole sentence
            else:
                distance = min(abs(m.start() - tech_rel), abs(m.end() - tech_rel))
            rank = (distance, _STATUS_PRIORITY.index(status))
            if best is None or rank < best[:2]:
                best = (distance, rank[1], status, m.group().strip())
    if best is None:
        return "deployed", None
    return best[2], best[3]


def _settings_for(norm: str, technology: str) -> set[str]:
    c = cues()
    out = {s for s in SETTINGS if (p := c.get(f"setting.{s}")) is not None and p.search(norm)}
    implied = _IMPLIED_SETTINGS.get(technology)
    if implied:
        out.add(implied)
    if technology == "border_surveillance":
        out.discard("streets")
    return out


_ORG_SUFFIX = r"(?:Ltd|Limited|Inc|Corp|Corporation|Co\.|LLC|PLC|GmbH|S\.A\.|SA|AG|Technologies|Technology|Tech|Solutions|Systems|Group|Security|Electronics|Holdings|Networks|Telecom|Communications|Labs|Intelligence|Analytics|Services)"
_CAP = r"[A-Z][\w&'.-]*"
_ORG_PATTERNS = [
    re.compile(rf"\b(?:company|firm|contractor|integrator|vendor|supplier|provider|start-?up|subsidiary|manufacturer|conglomerate|consortium|developer|maker)\s+(?:called\s+|named\s+)?({_CAP}(?:\s+(?:{_CAP}|&)){{0,3}})"),
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}}\s+{_ORG_SUFFIX})\b"),
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}}),\s+an?\s+(?:[\w-]+\s+){{0,3}}(?:company|firm|contractor|integrator|vendor|supplier|provider|start-?up|subsidiary|manufacturer)\b"),
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}})\s+(?:won|was awarded|has been awarded|secured|bagged|clinched|has won|had won)\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}(?:tender|contract|bid|deal)"),
    re.compile(rf"\b(?:supplied|built|installed|provided|developed|made|manufactured|implemented)\s+by\s+({_CAP}(?:\s+{_CAP}){{0,3}})"),
]
_NOT_ORG = re.compile(
    r"^(The|A|An|This|That|These|Those|It|Its|Police|Government|Ministry|State|City|Authorities|"
    r"National|Federal|Local|Chinese|Its|Their|His|Her|Our|Some|Many|One|Two|In|On|At|By|For|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mr|Ms|Dr|President|Minister|"
    r"Department|Office|Council|Parliament|Court|Reuters|AP|AFP|Bloomberg|Xinhua|Yonhap)\b")


def unknown_vendors(sentence: Sentence, known: list[Mention]) -> list[tuple[str, str | None]]:
    """Companies the text names that the vendor list does not know, with a stated origin.

    Local integrators win tenders and build systems (annotation rule 13); their names come
    with the words news puts around a company name."""
    text = sentence.text
    gaz = gazetteer()
    found: list[tuple[str, str | None]] = []
    covered = [(m.start - sentence.start, m.end - sentence.start) for m in known]
    for pattern in _ORG_PATTERNS:
        for m in pattern.finditer(text):
            name = m.group(1).strip(" .,'")
            name = re.sub(r"\s+(and|of|&)$", "", name)
            if not name or _NOT_ORG.match(name) or name in gaz.places or len(name) < 3:
                continue
            words = name.split()
            if any(w in gaz.places and gaz.places[w].kind in ("country", "demonym") for w in words[:1]):
                # "Chinese firm Hikvision" is caught by the vendor list; a place is no company
                if len(words) == 1:
                    continue
            if any(s <= m.start(1) < e or s < m.end(1) <= e for s, e in covered):
                continue
            if any(name == f[0] for f in found):
                continue
            window = normalise(text[max(0, m.start() - 60):m.end() + 60])
            origin = None
            for place_name, place in ((p, gaz.places[p]) for p in _DEMONYMS_NEAR.findall(text[max(0, m.start() - 60):m.end() + 60]) if p in gaz.places):
                if place.kind in ("demonym", "country"):
                    origin = place.country
                    break
            if origin is None and re.search(r"\blocal\b|\bdomestic\b", window):
                origin = "LOCAL"
            found.append((name, origin))
    return found


_DEMONYMS_NEAR = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=[\s-](?:company|firm|contractor|integrator|vendor|supplier|provider|start-?up|subsidiary|manufacturer|tech|technology|telecom|based|made))")


def sentence_drafts(facts: _SentenceFacts, context_country: str | None, *,
                    doc_supported: bool) -> list[Draft]:
    """The claims one sentence makes."""
    s = facts.sentence
    norm = normalise(s.text)
    c = cues()
    has_support = bool(c["support"].search(norm))
    techs = []
    for m in facts.techs:
        term = m.value
        if not term.strong and not (has_support or facts.vendors or any(t.value.strong for t in facts.techs)):
            continue
        techs.append(m)
    if not techs:
        return []
    if c["hypothetical"].search(norm) or c["negation"].search(norm):
        return []
    state_actor = bool(re.search(r"\b(police|authorit|government|ministr|state|municipal|city|council|army|military|security|intelligence|border|agenc|officials?|regime|law enforcement|prison|public)\w*", norm))
    if c["private"].search(norm) and not state_actor:
        return []

    explicit = bool(facts.user)
    countries = list(dict.fromkeys(facts.user)) or ([context_country] if context_country else [])
    if not countries:
        return []
    known_vendors: list[Vendor] = list(dict.fromkeys(m.value for m in facts.vendors))
    extra_vendors = unknown_vendors(s, facts.vendors)
    origins = list(dict.fromkeys(facts.origin))

    drafts: list[Draft] = []
    for tech_mention in techs:
        rel = tech_mention.start - s.start
        status, cue = _status_for(norm, rel)
        for technology in tech_mention.value.technologies:
            settings = _settings_for(norm, technology)
            suppliers: list[tuple[str | None, str | None]] = []
            for v in known_vendors:
                suppliers.append((v.name, v.country))
            for name, origin in extra_vendors:
                suppliers.append((name, origin))
            if not suppliers:
                suppliers = [(None, o) for o in origins] or [(None, None)]
            for country in countries:
                for vendor, origin in suppliers:
                    if origin == "LOCAL":
                        origin = country
                    if vendor is None and origin == country and country not in facts.origin:
                        origin = None
                    matched = [tech_mention.text] + ([cue] if cue else [])
                    if vendor:
                        matched.append(vendor)
                    confidence = 0.45 + (0.2 if tech_mention.value.strong else 0.05) \
                        + (0.2 if explicit else 0.05) + (0.1 if vendor else 0.0)
                    drafts.append(Draft(country, technology, vendor, origin, status, settings, s,
                                        matched, min(confidence, 0.99), explicit))
    return drafts


def merge(drafts: list[Draft]) -> list[list[Draft]]:
    """Group drafts into one claim per (country, technology, vendor, supplier_country, status)."""
    groups: dict[tuple, list[Draft]] = {}
    for d in drafts:
        groups.setdefault((d.country, d.technology, d.vendor, d.supplier_country, d.status), []).append(d)
    return list(groups.values())


__all__ = ["Draft", "analyse_sentence", "main_country", "sentence_drafts", "merge", "STATUSES"]
