"""Shared by the web atlas tests: a small invented corpus, ingested for real.

The documents are written for these tests (none is real news). Three are
hostile: script tags, event-handler attributes and javascript: links in their
titles, texts and URLs, which the atlas must show as inert text.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

HOSTILE_MARKERS = ("alert(", "onerror", "onload", "javascript:")

CORPUS = [
    {"id": "ke-1", "url": "https://news.example.org/kenya/cameras", "title": "Nairobi police expand camera network",
     "published": "2021-03-04",
     "text": "Police in Nairobi installed 1,800 Huawei CCTV cameras along major roads. "
             "The Kenyan interior ministry said the safe city system would be extended to Mombasa next year."},
    # a syndicated copy of ke-1: the same story on another site, one day later
    {"id": "ke-2", "url": "https://wire.example.com/2021/kenya-cameras", "title": "Nairobi police expand camera network",
     "published": "2021-03-05",
     "text": "Police in Nairobi installed 1,800 Huawei CCTV cameras along major roads. "
             "The Kenyan interior ministry said the safe city system would be extended to Mombasa next year."},
    {"id": "ug-1", "url": "https://example.net/uganda-face", "title": "Uganda police deploy face recognition",
     "published": "2019-08-15",
     "text": "Uganda's police force has deployed facial recognition cameras supplied by Huawei in Kampala. "
             "Officials plan to install licence plate recognition cameras on highways."},
    {"id": "ec-1", "url": "https://example.org/ecuador-ecu911", "title": "Ecuador's ECU 911 monitoring centres",
     "published": "2016-05-02",
     "text": "Ecuador's government installed 4,300 surveillance cameras made by Hikvision in Quito and Guayaquil. "
             "Footage is watched by police at the ECU 911 monitoring centres."},
    {"id": "kp-1", "url": "https://example.com/dprk-schools", "title": "Chinese cameras in North Korean schools",
     "published": "2024-02-20",
     "text": "North Korean authorities have installed Chinese-made surveillance cameras in schools and workplaces in Pyongyang. "
             "The government also issues biometric smartcard ID cards that store fingerprints."},
    {"id": "gb-1", "url": "https://example.co.uk/met-face", "title": "London police halt live facial recognition",
     "published": "2020-08-11",
     "text": "The Court of Appeal ruled that South Wales Police's use of facial recognition technology was unlawful, "
             "and the force suspended the deployment."},
    {"id": "sg-1", "url": "https://example.sg/lamp-posts", "title": "Singapore lamp posts to get cameras",
     "published": "2018-04-03",
     "text": "Singapore's government plans to install surveillance cameras with facial recognition on 110,000 lamp posts."},
    # hostile documents: everything here must stay text
    {"id": "rs-1", "url": "javascript:alert('url')",
     "title": "<script>alert('title')</script>Belgrade trial <img src=x onerror=alert('title-img')>",
     "published": "2020-01-10",
     "text": "Serbian police in Belgrade began a trial of facial recognition cameras from Huawei "
             "<script>alert('text')</script><img src=x onerror=alert('text-img')> "
             "<a href=\"javascript:alert('link')\">more</a>."},
    {"id": "rs-2", "url": "https://example.rs/\"><svg onload=alert('url2')>",
     "title": "\"><svg onload=alert('title2')> Belgrade Safe City",
     "published": "2019-03-01",
     "text": "The Serbian interior ministry deployed 1,000 Huawei surveillance cameras in Belgrade under the Safe City project. "
             "javascript:alert('bare') <iframe src=\"javascript:alert('frame')\"></iframe>"},
    {"id": "ir-1", "url": "https://example.ir/hijab-cameras", "title": "Iran uses cameras to enforce dress rules <b onmouseover=alert(3)>x</b>",
     "published": "2023-04-09",
     "text": "Iranian police installed surveillance cameras in public places to identify women who violate the hijab law."},
]


def write_corpus(folder: Path, documents: list[dict] | None = None, name: str = "corpus.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding="utf-8") as f:
        for doc in documents if documents is not None else CORPUS:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


def build_db(folder: Path, db: str | None = None, documents: list[dict] | None = None) -> str:
    """Ingest the corpus (custodes.store.ingest: read, extract, resolve, store) into a database."""
    from custodes.store import ingest

    db = db or str(folder / "atlas.db")
    source = write_corpus(folder, documents)
    summary = ingest([str(source)], db=db, workers=1)
    assert summary.ok, summary.describe()
    return db


def sql(db: str, statement: str, params: tuple = ()) -> list[tuple]:
    """Independent look at the database the atlas serves (tests compare the API with it)."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()
