"""Invented news corpora for tests and benchmarks: deterministic, with known stories.

Every story is made up from word banks by a seeded random generator; its
syndicated copies carry a different headline and site boilerplate, a few
edited sentences, and are sometimes truncated, the way wire stories look on
different sites. `Article.story` is the ground truth for cluster precision
and recall. Nothing here describes a real event.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

COUNTRIES = [
    ("Kenya", ["Nairobi", "Mombasa", "Kisumu"]), ("Ecuador", ["Quito", "Guayaquil", "Cuenca"]),
    ("Pakistan", ["Lahore", "Karachi", "Islamabad"]), ("Serbia", ["Belgrade", "Novi Sad", "Nis"]),
    ("Uganda", ["Kampala", "Entebbe", "Gulu"]), ("Zimbabwe", ["Harare", "Bulawayo", "Mutare"]),
    ("Malaysia", ["Kuala Lumpur", "Penang", "Johor Bahru"]), ("Brazil", ["Sao Paulo", "Recife", "Salvador"]),
    ("Egypt", ["Cairo", "Alexandria", "Giza"]), ("Philippines", ["Manila", "Cebu", "Davao"]),
    ("Bolivia", ["La Paz", "Santa Cruz", "Cochabamba"]), ("Zambia", ["Lusaka", "Ndola", "Kitwe"]),
]
VENDORS = ["Huawei", "Hikvision", "Dahua", "ZTE", "NEC", "Idemia", "Cellebrite", "Axon", "Thales", "CloudWalk"]
TECHNOLOGIES = [
    "CCTV cameras", "facial recognition cameras", "license plate readers", "body-worn cameras",
    "biometric registration kits", "surveillance drones", "a safe city platform", "phone interception equipment",
]
VERBS = ["installed", "deployed", "rolled out", "began using", "switched on", "commissioned"]
PLANS = ["plans to buy", "will install", "is preparing to deploy", "announced plans for"]
OFFICIALS = ["the interior minister", "a police spokesperson", "the city governor", "the national police chief",
             "an official at the transport ministry", "the head of the security directorate"]
SAID = ["said", "told reporters", "confirmed", "said in a statement", "announced", "told parliament"]
PLACES = ["schools", "the main airport", "bus stations", "the border crossing", "markets", "prisons",
          "government buildings", "the stadium", "railway stations", "residential districts"]
WHEN = ["on Monday", "on Tuesday", "last week", "this month", "in March", "earlier this year", "on Friday",
        "late last year", "in the spring", "after months of delays"]
FILLER_SUBJECTS = ["Rights groups", "Opposition lawmakers", "Local residents", "Privacy advocates", "Analysts",
                   "Lawyers", "Journalists", "Civil society organisations", "Residents of the capital",
                   "Academics", "Trade unions", "Several councillors"]
FILLER_VERBS = ["questioned", "criticised", "raised concerns about", "called for an inquiry into",
                "asked for details of", "warned about", "demanded a debate on", "welcomed"]
FILLER_OBJECTS = ["the cost of the contract", "how the data would be stored", "the lack of oversight",
                  "who can access the footage", "the tender process", "the absence of a data protection law",
                  "the speed of the rollout", "the role of foreign suppliers", "the legal basis of the system",
                  "plans to link the system to the national ID database"]
NUMBER_WORDS = ["hundreds of", "dozens of", "more than a thousand", "about 2,000", "nearly 500", "at least 300",
                "some 1,200", "over 800", "roughly 150", "around 4,000"]
LINKERS = ["Meanwhile,", "According to the ministry,", "In a separate development,", "Officials added that",
           "Critics noted that", "Documents seen by reporters show that", "The government says", "Earlier,"]
BOILERPLATE = [
    "Subscribe to our newsletter for the latest headlines delivered to your inbox every morning.",
    "Follow us on social media for breaking news and updates from around the region.",
    "This article was republished from a wire service and may have been edited for length.",
    "Copyright reserved. All rights reserved. No part of this page may be reproduced without permission.",
    "Advertisement. Continue reading below the advertisement for the rest of the story.",
    "Sign up for our free daily briefing and never miss an important story again.",
    "Read more stories like this in our technology and society section.",
    "Have a story tip? Contact our newsroom by email or through our secure form.",
]


@dataclass(frozen=True)
class Article:
    """One invented article: `story` names the underlying story its copies share."""

    story: str
    text: str
    title: str
    url: str
    published: str
    country: str


def _sentence(rng: random.Random, country: str, cities: list[str]) -> str:
    kind = rng.randrange(4)
    city = rng.choice(cities)
    if kind == 0:
        return (f"{rng.choice(LINKERS)} {rng.choice(OFFICIALS)} {rng.choice(SAID)} that authorities in "
                f"{city} {rng.choice(VERBS)} {rng.choice(NUMBER_WORDS)} {rng.choice(VENDORS)} "
                f"{rng.choice(TECHNOLOGIES)} at {rng.choice(PLACES)} {rng.choice(WHEN)}.")
    if kind == 1:
        return (f"{country} {rng.choice(PLANS)} {rng.choice(TECHNOLOGIES)} from {rng.choice(VENDORS)} "
                f"for {rng.choice(PLACES)} in {city}, {rng.choice(OFFICIALS)} {rng.choice(SAID)} "
                f"{rng.choice(WHEN)}.")
    if kind == 2:
        return (f"{rng.choice(FILLER_SUBJECTS)} in {city} {rng.choice(FILLER_VERBS)} "
                f"{rng.choice(FILLER_OBJECTS)} and {rng.choice(FILLER_OBJECTS)} {rng.choice(WHEN)}.")
    return (f"{rng.choice(LINKERS)} {rng.choice(FILLER_SUBJECTS).lower()} {rng.choice(FILLER_VERBS)} "
            f"{rng.choice(FILLER_OBJECTS)}, while {rng.choice(OFFICIALS)} {rng.choice(SAID)} the "
            f"{rng.choice(TECHNOLOGIES)} at {rng.choice(PLACES)} would stay {rng.choice(WHEN)}.")


def story(rng: random.Random, *, sentences: tuple[int, int] = (8, 14)) -> tuple[str, list[str], str]:
    """(country, sentences, date) of one new invented story."""
    country, cities = rng.choice(COUNTRIES)
    body = [_sentence(rng, country, cities) for _ in range(rng.randint(*sentences))]
    date = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return country, body, date


def _edit(rng: random.Random, sentence: str) -> str:
    words = sentence.split()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["reportedly", "also", "newly", "officially", "recently", "now"])
    return " ".join(words)


def syndicate(rng: random.Random, body: list[str], site: int) -> str:
    """The text of one site's copy: boilerplate, edits, maybe a dropped or truncated tail."""
    copy = list(body)
    for _ in range(rng.randint(0, 2)):  # light copy-editing
        i = rng.randrange(len(copy))
        copy[i] = _edit(rng, copy[i])
    if len(copy) > 6 and rng.random() < 0.3:  # a sentence cut for length
        del copy[rng.randrange(1, len(copy))]
    if rng.random() < 0.35:  # truncated after the first 60-85%
        copy = copy[:max(4, int(len(copy) * rng.uniform(0.6, 0.85)))]
    head = rng.sample(BOILERPLATE, rng.randint(0, 2))
    tail = rng.sample(BOILERPLATE, rng.randint(1, 2))
    byline = f"Staff reporter, site {site}."
    return " ".join([byline, *head, *copy, *tail])


def corpus(n_stories: int, *, seed: int = 0, copies: tuple[int, int] = (1, 4),
           syndicated_share: float = 0.5) -> list[Article]:
    """Articles for `n_stories` invented stories; a share of them syndicated to several sites.

    Deterministic for a given seed; ordered so that copies of a story are spread out.
    """
    rng = random.Random(seed)
    articles: list[Article] = []
    for s in range(n_stories):
        story_id = f"s{seed}-{s}"
        country, body, date = story(rng)
        n_copies = rng.randint(*copies) if rng.random() < syndicated_share else 1
        for c in range(n_copies):
            site = rng.randrange(40)
            text = " ".join(body) if n_copies == 1 else syndicate(rng, body, site)
            title = f"{country}: {rng.choice(['new', 'more', 'expanded', 'contested'])} surveillance " \
                    f"{rng.choice(['plans', 'rollout', 'contract', 'system'])} ({story_id}.{c})"
            day = int(date[-2:])
            published = f"{date[:-2]}{min(28, day + c):02d}"
            articles.append(Article(story=story_id, text=text, title=title,
                                    url=f"https://news{site}.example.org/{story_id}/{c}",
                                    published=published, country=country))
    rng.shuffle(articles)
    return articles


def to_html(article: Article) -> str:
    """The article as a small news web page (title, date, canonical link, paragraphs, boilerplate)."""
    from html import escape

    paragraphs = "\n".join(f"<p>{escape(s)}.</p>" for s in article.text.split(". ") if s)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(article.title)}</title>"
            f"<link rel=\"canonical\" href=\"{escape(article.url)}\">"
            f"<meta property=\"article:published_time\" content=\"{article.published}\"></head>"
            f"<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article>"
            f"<h1>{escape(article.title)}</h1>\n{paragraphs}\n</article>"
            f"<footer>Contact us. Privacy policy. Terms.</footer></body></html>")
