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
from collections.abc import Set
from dataclasses import dataclass, field

from custodes.extract.clean import Sentence
from custodes.extract.mentions import Mention
from custodes.knowledge import Place, Vendor, cues, cues_in, gazetteer, normalise, settings_in
from custodes.knowledge.casefold import CueIndex, CuePattern
from custodes.model import STATUSES

# how a status wins when two cues are equally near: the more specific first
_STATUS_PRIORITY = ("halted", "development", "trial", "planned", "alleged")
_STATUS_KINDS = tuple((status, f"status.{status}") for status in _STATUS_PRIORITY + ("deployed",))
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
    cued: bool | None = False  # the status comes from the text's own words (None: a bare future tense)


@dataclass(slots=True)
class _SentenceFacts:
    sentence: Sentence
    techs: list[Mention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    vendors: list[Mention] = field(default_factory=list)
    user: list[str] = field(default_factory=list)  # user countries named in the sentence
    origin: list[str] = field(default_factory=list)  # supplier origins named in the sentence
    neutral: list[str] = field(default_factory=list)  # countries named in another role
    user_mentions: list[Mention] = field(default_factory=list)
    dateline: list[str] = field(default_factory=list)  # the place a dateline names
    unlisted: list[tuple[str, str | None]] | None = None  # unknown_vendors, once asked (see unlisted_vendors)


def place_role(sentence: Sentence, norm: str, mention: Mention, vendor_starts: frozenset[int] = frozenset()) -> str:
    """'user', 'origin', 'export', 'comparison' or 'neutral' for one place in its sentence."""
    c = cues_in(norm)
    rel_start = mention.start - sentence.start
    rel_end = mention.end - sentence.start
    before_start = max(0, rel_start - 40)
    before = norm[before_start:rel_start]
    after = norm[rel_end:rel_end + 60]
    place: Place = mention.value
    if c.search_slice("comparison", before_start, rel_start) or c.search_slice("comparison", rel_end, rel_end + 12):
        return "comparison"
    if _FROM_BEFORE.search(before) and _STRETCH_AFTER.match(after):
        return "neutral"  # "from the Evros delta as far as ...": a stretch of land, not a supplier
    if c.search_slice("origin_after", before_start, rel_start):
        return "origin"
    if _POSSESSIVE_AFTER.match(after) and _vendor_follows(sentence, rel_end, vendor_starts):
        return "origin"
    if c.search_slice("origin_before", rel_end, rel_end + 60) and not _IN_BEFORE.search(before):
        return "origin"  # "Chinese-made", "China built"; but "researchers in North Korea built" are there
    if c.search_slice("export_after", rel_end, rel_end + 60):
        return "export"
    if "border" in before and _BORDER_SIDE_BEFORE.search(before):
        return "neutral"
    if _ON_THE_WAY_BEFORE.search(before) and _BORDER_AFTER.match(after):
        return "neutral"  # "from the Evros delta as far as the Bulgarian border": a place on the way
    if place.kind == "demonym":
        return "user" if c.search_slice("user_after", rel_end, rel_end + 60) else "neutral"
    if (_PAIR_BORDER_AFTER.match(after) or _BORDER_AFTER.match(after)) and not _BORDER_FORCE.match(after):
        # "the China-North Korea border": both sides are named; neither is the user by this
        return "neutral" if place.kind == "country" and not _POSSESSIVE.match(after) else "user"
    return "user"


# the words around a place that place_role reads, besides the cue kinds
_FROM_BEFORE = re.compile(r"\bfrom (the )?$")
_STRETCH_AFTER = re.compile(r"(\s+[a-z]\w*){0,2},?\s+(to the|as far as|up to|all the way to|through the)\s")
_POSSESSIVE = re.compile(r"\s*'s")
_POSSESSIVE_AFTER = re.compile(r"\s*'s\s+[a-z]")
_IN_BEFORE = re.compile(r"\bin\s*$")
_BORDER_SIDE_BEFORE = re.compile(r"\bborder (with|between)\s*$|\b(and|to)\s*$")
_ON_THE_WAY_BEFORE = re.compile(r"\b(as far as|up to|towards|near|along|from|to) the\s*$")
_BORDER_AFTER = re.compile(r"\s+border")
_PAIR_BORDER_AFTER = re.compile(r"\s*(and|\-|–|/)\s*\w+(\s\w+)?\s+border")


_BORDER_WORDS = CuePattern(re.compile(r"\b(borders?|frontiers?|border crossings?|coast ?guard|coastline|migrants?|migration|asylum seekers?)\b"))
_BORDER_FORCE = re.compile(r"\s+border\s+(agents?|guards?|police|patrol|officials?|authorities|force|forces|protection|service|troops)\b")


_POSSESSIVE_BEFORE_NAME = re.compile(r"\s*['’]s\s+(state[- ]owned\s+|tech\s+giant\s+|firm\s+|company\s+)?(?=[A-Z])")


def _vendor_follows(sentence: Sentence, rel_end: int, vendor_starts: frozenset[int]) -> bool:
    """"China's Huawei", "Israel's state-owned Elbit": a possessive country before a known vendor."""
    tail = sentence.text[rel_end:rel_end + 40]
    m = _POSSESSIVE_BEFORE_NAME.match(tail)
    return m is not None and (sentence.start + rel_end + m.end()) in vendor_starts


_DASH_SPACE = re.compile(r"[–—-]\s")  # what every _DATELINE match holds
_DATELINE = re.compile(r"^\s*(\(\s*)?[A-Z][\w .'-]{1,40}(\)\s*)?(,\s*[A-Z][\w .'-]{1,30})?\s*(\([^)]{1,30}\)\s*)?[–—-]{1,2}\s")


_TWO_WORDS_AT_MOST = re.compile(r"[\s-]*(\w+[\s-]+){0,2}")


def _modifies_term(sentence: Sentence, place: Mention, mentions: list[Mention]) -> bool:
    """Does a demonym stand right before a technology term (at most two words between)?"""
    for m in mentions:
        if m.kind == "tech" and m.start >= place.end:
            gap = sentence.text[place.end - sentence.start:m.start - sentence.start]
            return bool(_TWO_WORDS_AT_MOST.fullmatch(gap))
    return False


_LIST_GAP = re.compile(r"\s*(,|and|or|,\s*and|,\s*or|&|/)\s*")


def analyse_sentence(sentence: Sentence, mentions: list[Mention]) -> _SentenceFacts:
    facts = _SentenceFacts(sentence)
    norm = normalise(sentence.text)
    vendor_spans = [(m.start, m.end) for m in mentions if m.kind == "vendor"]
    vendor_starts = frozenset(s for s, _ in vendor_spans)
    # a dateline ends in a dash and a space: most sentences have none and skip the pattern
    dateline = _DATELINE.match(sentence.text) if _DASH_SPACE.search(sentence.text) else None
    roles: list[tuple[Mention, str]] = []
    for m in mentions:
        if m.kind == "tech":
            facts.techs.append(m)
        elif m.kind == "vendor":
            facts.vendors.append(m)
        else:
            if any(vs <= m.start < ve for vs, ve in vendor_spans):
                continue  # "Zhejiang" inside "Zhejiang Dahua Technology"
            facts.places.append(m)
            if dateline and m.end - sentence.start <= dateline.end():
                # a dateline says where the reporter was, not who uses what
                roles.append((m, "dateline"))
                continue
            role = place_role(sentence, norm, m, vendor_starts)
            if role == "neutral" and m.value.kind == "demonym" and _modifies_term(sentence, m, mentions):
                role = "origin"  # "Israeli surveillance drones": the demonym tells where they come from
            roles.append((m, role))
    # "British, German and Italian companies": a demonym in a list takes the role of the last one
    for i in range(len(roles) - 2, -1, -1):
        (m, role), (nxt, nxt_role) = roles[i], roles[i + 1]
        if role == "neutral" and m.value.kind == "demonym" and nxt.value.kind == "demonym" \
                and _LIST_GAP.fullmatch(sentence.text[m.end - sentence.start:nxt.start - sentence.start]):
            roles[i] = (m, nxt_role)
    for m, role in roles:
        country = m.value.country
        if role == "dateline":
            facts.dateline.append(country)
        if role == "user":
            facts.user.append(country)
            facts.user_mentions.append(m)
        elif role == "origin":
            facts.origin.append(country)
        else:
            facts.neutral.append(country)
    _drop_misread_products(facts)
    return facts


def _drop_misread_products(facts: _SentenceFacts) -> None:
    """"Predator B drones" are aircraft, not Intellexa's spyware: a product name directly
    followed by a term of another technology names something else."""
    for m in list(facts.techs):
        product_vendor = next((v for v in facts.vendors if v.start == m.start and v.value.name == m.value.text), None)
        if product_vendor is None:
            continue
        following = next((t for t in facts.techs if t.start >= m.end), None)
        if following and following.start - m.end <= 12 and not set(following.value.technologies) & set(m.value.technologies):
            facts.techs.remove(m)
            facts.vendors.remove(product_vendor)


def main_country(all_facts: list[_SentenceFacts], title_paragraphs: int = 1) -> str | None:
    """The country the document is about: user-role mentions, the title and lead weighing more."""
    votes: Counter[str] = Counter()
    for i, f in enumerate(all_facts):
        weight = 3 if f.sentence.paragraph < title_paragraphs else 2 if i < 4 else 1
        for country in f.user:
            votes[country] += weight
        for country in f.dateline:
            votes[country] += 1  # where the story was filed: a hint, weaker than any user mention
    if not votes:
        return None
    (best, n), *rest = votes.most_common(2) + [(None, 0)]
    return best


# future tense in the clause of a term with no plan word: "the cameras will carry plate readers"
_FUTURE = CuePattern(re.compile(r"\b(will|shall|is due to|are due to|is to|are to|is going to|are going to|(is|are) (expected|scheduled) to|to get|would provide|would install|would supply)\b"))
_CLAUSE_BREAK = CuePattern(re.compile(r";|, and\b|\bbut\b|\bwhile\b|\bwhereas\b|\bhowever\b|\balthough\b|\bthough\b|\bafter\b|\bbefore\b|\bsince\b|\bwhich\b|\bwho\b"))
_PAST_PERFECT = re.compile(r"\bhad (been |already |previously |first )?$")
_RESEARCH_BODY = re.compile(r"\b(research\w*|scientists?|laborator(y|ies)|labs?|institutes?|universit(y|ies)|academy)\b")
_INFINITIVE_BEFORE = re.compile(r"\b(to|be|to be)\s+$")
STATUS_WINDOW = 90  # characters either side of a technology term that a status cue may stand in
SETTING_WINDOW = 140


def _clause(norm: str, rel_start: int, rel_end: int, window: int) -> tuple[int, int]:
    """The part of a sentence around a term that its cues may come from."""
    lo, hi = max(0, rel_start - window), min(len(norm), rel_end + window)
    for start, end in _clause_breaks(norm):
        if start >= lo and end <= rel_start:
            lo = end  # the last break before the term
        elif start >= rel_end:
            if end <= hi:
                hi = start  # the first break after it
            break
    return lo, hi


_breaks: dict[str, list[tuple[int, int]]] = {}


def _clause_breaks(norm: str) -> list[tuple[int, int]]:
    """Where a sentence's clauses break, found once for all its terms."""
    found = _breaks.get(norm)
    if found is None:
        if len(_breaks) >= 256:  # the sentences of a document or two
            _breaks.clear()
        found = _breaks[norm] = [m.span() for m in _CLAUSE_BREAK.finditer(norm)]
    return found


def _status_for(norm: str, rel_start: int, rel_end: int) -> tuple[str, str | None, bool | None]:
    """The status named nearest the technology term, the cue's words, and whether it was named
    (None: only a bare future tense, which yields to a status the text states elsewhere)."""
    c = cues_in(norm)
    m = c.search("status.alleged")
    if m and not c.search_slice("status.halted", rel_start - STATUS_WINDOW, rel_end + STATUS_WINDOW):
        return "alleged", m.group().strip(), True  # a hedge covers the whole sentence
    lo, hi = _clause(norm, rel_start, rel_end, STATUS_WINDOW)
    best: tuple[int, int, str, str, int] | None = None
    found: list[tuple[int, int, int, str]] = []
    for rank, (status, kind) in enumerate(_STATUS_KINDS):
        if status == "alleged":
            continue
        for m in c.finditer(kind, lo, hi):
            if rel_start <= m.start() < rel_end:
                continue  # the term's own words ("face scanning gates" is no "scan" cue)
            if status == "deployed" and any(s < m.end() and m.start() < e for s, e, _, _ in found):
                continue  # "installed" inside "to be installed" is no deployment
            if status == "deployed" and _INFINITIVE_BEFORE.search(norm, max(0, m.start() - 7), m.start()):
                continue  # "plans to put up", "proposes that it be used": an intention, no deployment
            found.append((m.start(), m.end(), rank, status))
    for start, end, rank, status in found:
        distance = rel_start - end if end <= rel_start else start - rel_end
        key = (max(distance, 0), rank)
        if best is None or key < best[:2]:
            best = (key[0], key[1], status, norm[start:end].strip(), start)
    if best is None or best[2] == "deployed":
        # "Researchers at Kim Il Sung University built a system that ...": who builds it
        # stands wherever the sentence puts its subject
        for m in c.finditer("status.development"):
            if _RESEARCH_BODY.search(m.group()):
                return "development", m.group().strip(), True
    if best is not None and best[2] == "planned" and any(status == "halted" for *_, status in found):
        # "shelved plans for", "rejected the tender": the halt is what happened to the plan
        start, end = next((start, end) for start, end, _, status in found if status == "halted")
        return "halted", norm[start:end].strip(), True
    if best is not None and best[2] in ("deployed", "planned"):
        # "in use by a few units as a trial", "will put up 15 cameras next month, serving as a
        # trial run": the trial qualifies the deployment or the plan of its clause
        trial = next(((start, end) for start, end, _, status in found if status == "trial"), None)
        if trial:
            return "trial", norm[trial[0]:trial[1]].strip(), True
    if (best is None or best[2] == "deployed") and (future := _FUTURE.search(norm, lo, hi)):
        # a bare future ("the cameras will read plates") describes the system the text is
        # about: it is planned unless the text states that system's status elsewhere
        return "planned", future.group().strip(), None
    if best is None:
        return "deployed", None, False
    if best[2] == "deployed" and _PAST_PERFECT.search(norm, max(0, best[4] - 12), best[4]):
        # "the council had put up the cameras in 2018": the backstory of a system whose
        # present the text states elsewhere
        return "deployed", best[3], None
    return best[2], best[3], True


def _settings_for(norm: str, rel_start: int, rel_end: int, technology: str) -> set[str]:
    lo, hi = max(0, rel_start - SETTING_WINDOW), min(len(norm), rel_end + SETTING_WINDOW)
    out = settings_in(norm, lo, hi)
    implied = _IMPLIED_SETTINGS.get(technology)
    if implied:
        out.add(implied)
    if technology == "border_surveillance":
        out.discard("streets")
    return out


_ORG_SUFFIX = r"(?:Ltd|Limited|Inc|Corp|Corporation|Co\.|LLC|PLC|GmbH|S\.A\.|SA|AG|Technologies|Technology|Tech|Solutions|Systems|Group|Security|Electronics|Holdings|Networks|Telecom|Communications|Labs|Intelligence|Analytics|Services)"
_CAP = r"[A-Z][\w&'.-]*"
# each pattern runs only on sentences that hold the words it cannot match without (CuePattern)
_ORG_PATTERNS = [CuePattern(p) for p in (
    re.compile(rf"\b(?:company|firm|contractor|integrator|vendor|supplier|provider|start-?up|subsidiary|manufacturer|conglomerate|consortium|developer|maker)\s+(?:called\s+|named\s+)?({_CAP}(?:\s+(?:{_CAP}|&)){{0,3}})"),
    # "China International Telecommunications and Construction Corp": "and" only before the last word
    re.compile(rf"\b({_CAP}(?:\s+(?:{_CAP}|&|of)){{0,5}}(?:\s+and\s+{_CAP})?\s+{_ORG_SUFFIX})(?![\w])"),
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}}),\s+an?\s+(?:[\w-]+\s+){{0,3}}(?:company|firm|contractor|integrator|vendor|supplier|provider|start-?up|subsidiary|manufacturer)\b"),
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}})\s+(?:won|was awarded|has been awarded|secured|bagged|clinched|has won|had won)\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}(?:tender|contract|bid|deal)"),
    re.compile(rf"\b(?:supplied|built|installed|provided|developed|made|manufactured|implemented)\s+by\s+({_CAP}(?:\s+{_CAP}){{0,3}})"),
    re.compile(rf"\b(?:was won by|were won by|awarded to|went to|was granted to|was given to|were given to)\s+({_CAP}(?:\s+{_CAP}){{0,3}})"),
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}}),\s+which\s+(?:supplies|provides|makes|builds|develops|sells|manufactures|won|installed|supplied|built|developed)\b"),
    # "Linn IT Solution, based in Naypyitaw, secured the contract"
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}}),\s+(?:based|headquartered) in\s+{_CAP}(?:\s+{_CAP}){{0,2}},\s+(?:won|secured|was awarded|has won|clinched|bagged|was picked|was chosen|was selected)\b"),
    # "Naung Yoe was picked to put in the cameras"
    re.compile(rf"\b({_CAP}(?:\s+{_CAP}){{0,3}})\s+(?:was|were|has been|had been)\s+(?:picked|chosen|selected|hired|contracted|commissioned|tapped)\s+to\b"),
    # "local firms, among them Fisca Security and Naung Yoe, won the tenders"
    re.compile(rf"\b(?:firms|companies|contractors|suppliers|vendors|integrators),\s+(?:among them|including|such as|namely)\s+({_CAP}(?:\s+(?:{_CAP}|&)){{0,4}})"),
    re.compile(rf"\b(?:firms|companies|contractors|suppliers|vendors|integrators),\s+(?:among them|including|such as|namely)\s+{_CAP}(?:\s+(?:{_CAP}|&)){{0,4}}\s+and\s+({_CAP}(?:\s+{_CAP}){{0,3}})"),
)]
_ORG_INDEX = CueIndex(dict(enumerate(_ORG_PATTERNS)), ignore_case=False)
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
    org = _ORG_INDEX.within(text)  # where each pattern's required words are, in one pass
    for i in org.candidates():
        pattern = _ORG_PATTERNS[i]
        for m in org.finditer(i):
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
            if pattern is _ORG_PATTERNS[1] and not _SUPPLY_WORDS.search(text):
                continue  # a company name alone may be the user ("East Japan Railway Co."), not a supplier
            if _STATE_BODY_WORDS.search(name):
                continue
            if all(w.strip(".,&") in _GENERIC_ORG_WORDS or w in ("and", "of", "&") for w in words):
                continue  # "Information Technologies" names no company
            acronym = re.match(r"\s*\(([A-Z][A-Z0-9&]{1,9})\)", text[m.end(1) + (1 if text[m.end(1):m.end(1)+1] == "." else 0):])
            full = name
            if acronym and acronym.group(1) not in gaz.places:
                name = acronym.group(1)  # news goes on with the short form it defines
            if any(name in f[0] for f in found):
                continue  # "Alomra Group" inside "Alomra Group International"
            found = [f for f in found if f[0] not in name]
            window = normalise(text[max(0, m.start() - 60):m.end() + 60])
            origin = None
            for place_name, place in ((p, gaz.places[p]) for p in _DEMONYMS_NEAR.findall(text[max(0, m.start() - 60):m.end() + 60]) if p in gaz.places):
                if place.kind in ("demonym", "country"):
                    origin = place.country
                    break
            if origin is None:
                origin = _origin_of_unlisted(full, text[m.start():m.end() + 80], gaz)
            found.append((name, origin))
    return found


def unlisted_vendors(facts: _SentenceFacts) -> list[tuple[str, str | None]]:
    """unknown_vendors of a sentence, worked out the first time a rule asks (the list is shared:
    callers do not change it)."""
    if facts.unlisted is None:
        facts.unlisted = unknown_vendors(facts.sentence, facts.vendors)
    return facts.unlisted


_BASED_IN = re.compile(r"\b(?:based|headquartered|registered) in ([A-Z][\w-]+(?: [A-Z][\w-]+)?)")


def _origin_of_unlisted(name: str, around: str, gaz) -> str:
    """The home country of a company the vendor list does not know.

    Its name may carry it ("China National Electronics..."), or the words after it ("based in
    Yangon"); otherwise it is taken as local ("LOCAL": the user's country): the list holds the
    international suppliers, and news names a foreign one with its origin ("Chinese firm X")."""
    first = name.split()[0]
    place = gaz.places.get(first)
    if place and place.kind == "country":
        return place.country
    based = _BASED_IN.search(around)
    if based:
        for candidate in (based.group(1), based.group(1).split()[0]):
            place = gaz.places.get(candidate)
            if place and place.kind in ("country", "city", "region", "capital"):
                return place.country
    return "LOCAL"


_SUPPLY_WORDS = CuePattern(re.compile(r"\b(suppl\w*|provid\w*|buil[dt]\w*|install\w*|develop\w*|made by|manufactur\w*|won|awarded|contract\w*|tender\w*|deal|partner\w*|vendor|sold|sells|bought from|purchased from|loan)\b", re.IGNORECASE))
_STATE_BODY_WORDS = re.compile(r"\b(Institute|University|Ministry|Department|Agency|Commission|Council|Police|Bureau|Office|Court|Parliament|Government|County|Province|Municipal|Authority|Administration|Public Security|Army|Force|Forces|Guard|Party|Bill|Act|Law|NIST)\b")
_GENERIC_ORG_WORDS = {
    "Information", "Technologies", "Technology", "Tech", "Artificial", "Intelligence", "Security",
    "Systems", "System", "Digital", "National", "Public", "Communications", "Communication",
    "Construction", "Corp", "Corporation", "Co", "Company", "Group", "Solutions", "Services",
    "Electronics", "Networks", "Telecom", "Telecommunications", "Holdings", "International",
    "Global", "Smart", "Safe", "City", "Data", "Analytics", "Labs", "Research", "Science",
    "Sciences", "Defense", "Defence", "Software", "Video", "Surveillance", "Camera", "Cameras",
    "Ltd", "Limited", "Inc", "LLC", "PLC", "GmbH", "AG", "SA", "S.A.", "Co.", "The", "New",
    "Facial", "Recognition", "Biometric", "Biometrics", "Identity", "Police", "State", "Federal",
}
_DEMONYMS_NEAR = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=[\s-](?:company|firm|contractor|integrator|vendor|supplier|provider|start-?up|subsidiary|manufacturer|tech|technology|telecom|based|made))")


_OFFICE_AFTER = re.compile(r"^(\s+(and|&|of)?\s*[A-Z][\w-]*)*\s+(Commissioner|Act|Bill|Law|Commission|Code|Directive|Regulation|Vendor Test|Conference|Expo|Summit|Week|Award|Association|Institute|Council|Update|Magazine|Journal|Today|News)\b")


_STATE_ACTOR = CuePattern(re.compile(r"\b(police|authorit|government|ministr|state|municipal|city|council|army|military|security|intelligence|border|agenc|officials?|regime|law enforcement|prison|public)\w*"))
_ANAPHORA = re.compile(r"\bthe (\w+ )?(company|firm|vendor|supplier|manufacturer|contractor|group)\b|\bits (cameras|system|technology|software|products?)\b")


# Technologies that news writes about together: a weak term ("the cameras") in a text that has
# already claimed one of its family takes that claim up.
_FAMILIES = (
    {"video_surveillance", "facial_recognition", "video_analytics", "smart_city_platform",
     "license_plate_recognition", "body_worn_cameras", "border_surveillance", "drones"},
    {"biometric_collection", "digital_id", "facial_recognition"},
    {"communications_interception", "device_surveillance", "social_media_monitoring", "location_tracking"},
)


def related(technologies) -> set[str]:
    out = set(technologies)
    for family in _FAMILIES:
        if out & family:
            out |= family
    return out


# cameras that are one technology's devices: once the text has claimed that technology and no
# general video surveillance, "the cameras" are those devices
_CAMERA_DEVICES = ("license_plate_recognition", "body_worn_cameras")


def _taken_up(term, claimed: Set[str]) -> tuple[str, ...]:
    """The technologies a term stands for here: a bare "cameras" in an article about plate
    readers or body cameras means those, not another video surveillance system."""
    if term.strong or term.technologies != ("video_surveillance",) or "video_surveillance" in claimed:
        return term.technologies
    devices = tuple(t for t in _CAMERA_DEVICES if t in claimed)
    return devices or term.technologies


def _inside_name(text: str, start: int, end: int) -> bool:
    """Is a term written in Title Case inside a longer capitalised name (not at sentence start)?"""
    words = text[start:end].split()
    if not all(w[:1].isupper() for w in words) or start == 0:
        return False
    before = text[:start].rstrip().split()
    return bool(before) and before[-1][:1].isupper() and before[-1].lower() not in ("the", "a")


_USER_LIST_GAP = re.compile(r"\s*(,|and|or|,\s*and|&|/)\s*(the\s+)?")


def _countries_near(facts: _SentenceFacts, tech: Mention) -> list[str]:
    """The user countries a technology term belongs to: the nearest named one, or a list."""
    if not facts.user_mentions:
        return []
    text = facts.sentence.text
    groups: list[list[Mention]] = [[facts.user_mentions[0]]]
    for m in facts.user_mentions[1:]:
        gap = text[groups[-1][-1].end - facts.sentence.start:m.start - facts.sentence.start]
        if _USER_LIST_GAP.fullmatch(gap):
            groups[-1].append(m)
        else:
            groups.append([m])

    def distance(group: list[Mention]) -> int:
        return min(abs(g.start - tech.start) for g in group)

    best = min(groups, key=distance)
    return list(dict.fromkeys(m.value.country for m in best))


def sentence_drafts(facts: _SentenceFacts, context_country: str | None,
                    context_vendors: list[tuple[str, str | None]],
                    claimed: Set[str] = frozenset(), *, private_document: object = False) -> list[Draft]:
    """The claims one sentence makes."""
    s = facts.sentence
    if not facts.techs or s.text.rstrip().endswith("?"):
        return []
    norm = normalise(s.text)
    c = cues_in(norm)
    support: list[bool] = []  # computed on first need: most sentences have a strong term
    any_strong = any(t.value.strong for t in facts.techs)
    techs = []
    for m in facts.techs:
        term = m.value
        # a weak term ("the cameras") counts beside a state actor, a vendor, an origin, a strong
        # term, or when it takes up a technology the text has already claimed
        if not term.strong and not (facts.origin or any_strong or related(term.technologies) & claimed):
            if not support:
                support.append(bool(c.search("support")))
            if not support[0]:
                continue
        if not term.strong and _inside_name(s.text, m.start - s.start, m.end - s.start):
            continue  # "the Presisi Command Center" names a unit; a weak term in a name says little
        if len(s.text) - len(m.text) < 4:
            continue  # a heading that is only the term ("Facial recognition") states nothing
        if _OFFICE_AFTER.match(s.text[m.end - s.start:]):
            continue  # "the Surveillance Camera Commissioner" is an office, not a camera
        techs.append(m)
    if not techs:
        return []
    if c.search("hypothetical") or c.search("negation") or c.search("study"):
        return []
    if not _STATE_ACTOR.search(norm) and (c.search("private") or private_document):
        return []

    known_vendors: list[Vendor] = list(dict.fromkeys(m.value for m in facts.vendors))
    extra_vendors = unlisted_vendors(facts)
    suppliers: list[tuple[str | None, str | None]] = [(v.name, v.country) for v in known_vendors]
    suppliers += extra_vendors
    if not suppliers and _ANAPHORA.search(norm):
        suppliers = list(context_vendors)
    origins = list(dict.fromkeys(facts.origin))

    drafts: list[Draft] = []
    portfolio: bool | None = None  # computed on first need
    made_from: dict[int, tuple[int, int]] = {}  # tech mention start -> its drafts' index range
    for tech_mention in techs:
        made_from[tech_mention.start] = (len(drafts), len(drafts))
        rel_start, rel_end = tech_mention.start - s.start, tech_mention.end - s.start
        status, cue, cued = _status_for(norm, rel_start, rel_end)
        countries = _countries_near(facts, tech_mention)
        explicit = bool(countries)
        if not countries:
            if portfolio is None:
                portfolio = bool(c.search("portfolio"))
            if portfolio:
                continue  # "its safe city projects around the world" names no user
            countries = [context_country] if context_country else []
        own_vendor = [(v.name, v.country) for v in known_vendors if v.name == tech_mention.value.text]
        for technology in _taken_up(tech_mention.value, claimed):
            if technology == "border_surveillance" and not tech_mention.value.strong \
                    and not _BORDER_WORDS.search(norm):
                continue  # thermal cameras and radar are border surveillance only at a border
            settings = _settings_for(norm, rel_start, rel_end, technology)
            if technology == "video_surveillance" and "border" in settings:
                # cameras at a border are border surveillance (annotation rule 10)
                technology = "border_surveillance"
                settings.discard("streets")
            # a product name ("Pegasus") names its own maker, not the other companies beside it
            pairs = own_vendor or _clause_suppliers(s.text, rel_start, suppliers) \
                or [(None, o) for o in origins] or [(None, None)]
            for country in countries:
                for vendor, origin in pairs:
                    if origin == "LOCAL":
                        origin = country
                    matched = [tech_mention.text] + ([cue] if cue else [])
                    if vendor:
                        matched.append(vendor)
                    confidence = 0.45 + (0.2 if tech_mention.value.strong else 0.05) \
                        + (0.2 if explicit else 0.05) + (0.1 if vendor else 0.0)
                    drafts.append(Draft(country, technology, vendor, origin, status, settings, s,
                                        matched, min(confidence, 0.99), explicit, cued))
        made_from[tech_mention.start] = (made_from[tech_mention.start][0], len(drafts))
    for country, rel_pronoun, tech_mention in _pronoun_users(facts, techs):
        first, last = made_from.get(tech_mention.start, (0, 0))
        earlier = drafts[first:last]
        if not earlier or any(d.country == country for d in earlier):
            continue
        status, cue, cued = _status_for(norm, rel_pronoun, rel_pronoun + 2)
        seen = set()
        for d in earlier:
            key = (d.technology, d.vendor)
            if key in seen:
                continue
            seen.add(key)
            matched = [tech_mention.text] + ([cue] if cue else [])
            drafts.append(Draft(country, d.technology, d.vendor, d.supplier_country if d.vendor else None,
                                status, set(d.settings), s, matched, d.confidence, True, cued))
    return drafts


_TAKES_IT_UP = re.compile(r"\b(\w+ing|\w+ed|use|uses|adopt|adopts|install|installs|deploy|deploys|buy|buys|"
                          r"test|tests|trial|trials|introduce|introduces|has|have|get|gets|got|bought|acquire|"
                          r"acquires|consider|considers|follow|follows) (it|them|the system|the technology)\b")


def _pronoun_users(facts: _SentenceFacts, techs: list[Mention]) -> list[tuple[str, int, Mention]]:
    """Countries of a later clause that take the system up with a pronoun.

    "Airports in Australia already use the system, and the Netherlands is installing it":
    the Netherlands gets the system too, with the status of its own clause."""
    text, base = facts.sentence.text, facts.sentence.start
    breaks = list(_SUPPLIER_CLAUSE.finditer(text))
    out = []
    for m in facts.user_mentions:
        rel = m.start - base
        opened = [b for b in breaks if b.end() <= rel]
        if not opened:
            continue
        lo = opened[-1].end()
        hi = next((b.start() for b in breaks if b.start() > rel), len(text))
        if any(lo <= t.start - base < hi for t in techs):
            continue  # the clause names its own technology
        before = [t for t in techs if t.end - base <= opened[-1].start()]
        pronoun = _TAKES_IT_UP.search(text, rel, hi)
        if before and pronoun:
            out.append((m.value.country, pronoun.start(2), before[-1]))
    return out


_SUPPLIER_CLAUSE = re.compile(r";|,\s+(?:and|while|but|whereas)\s+|\.\s+")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def _clause_suppliers(text: str, rel_start: int, suppliers: list[tuple[str | None, str | None]]):
    """The companies of a term's own clause, when a sentence names several in different clauses.

    "Linn IT secured the contract to build the control centre, and Naung Yoe was picked to
    put in the cameras": the cameras are Naung Yoe's, the control centre Linn IT's."""
    if len(suppliers) < 2:
        return suppliers
    lo, hi = 0, len(text)
    for m in _SUPPLIER_CLAUSE.finditer(text):
        if m.group().startswith(",") and len(_LOWER_WORD.findall(text, m.end(), m.end() + 60)) < 3:
            continue  # "Dahua, Huawei, and Hikvision": the end of a list, not a clause
        if m.end() <= rel_start:
            lo = m.end()
        elif m.start() >= rel_start:
            hi = m.start()
            break
    own = [(name, origin) for name, origin in suppliers if name and lo <= text.find(name) < hi]
    return own or suppliers


def merge(drafts: list[Draft]) -> list[list[Draft]]:
    """Group drafts into one claim per (country, technology, vendor, supplier_country, status)."""
    groups: dict[tuple, list[Draft]] = {}
    for d in drafts:
        groups.setdefault((d.country, d.technology, d.vendor, d.supplier_country, d.status), []).append(d)
    return list(groups.values())


__all__ = ["Draft", "analyse_sentence", "main_country", "sentence_drafts", "merge", "STATUSES"]
