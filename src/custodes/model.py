"""Plain data classes that flow through the pipeline.

ingest -> Document -> extract -> Claim (with Evidence) -> resolve -> Deployment -> store.
They hold data only; the stages are functions elsewhere.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

TECHNOLOGIES = (
    "video_surveillance", "facial_recognition", "video_analytics", "biometric_collection",
    "digital_id", "license_plate_recognition", "communications_interception",
    "device_surveillance", "social_media_monitoring", "location_tracking",
    "border_surveillance", "smart_city_platform", "predictive_policing", "drones",
    "gunshot_detection", "body_worn_cameras",
)
SETTINGS = (
    "schools", "workplaces", "airports", "border", "streets", "public_transport", "prisons",
    "residential", "government_buildings", "religious_sites", "stadiums_events", "retail",
    "hospitals", "online",
)
STATUSES = ("deployed", "planned", "trial", "development", "halted", "alleged")


def content_id(*parts: str | None) -> str:
    """A stable ID from content: the same inputs always give the same 16 hex digits."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8"))
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Document:
    """One source text and what is known about where it came from."""

    id: str
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date, "YYYY-MM-DD"
    source_type: str = "text"  # text, html, pdf, jsonl, feed, warc, url
    source_name: str | None = None  # file path or URL it was read from
    language: str | None = None  # ISO 639-1, detected
    # char offset in `text` where each PDF page starts (page n starts at page_starts[n-1])
    page_starts: tuple[int, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def make_id(text: str, url: str | None = None) -> str:
        return content_id(url, text)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding a character offset, for paged sources."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass(slots=True)
class Evidence:
    """The sentence a claim rests on, located in its document."""

    sentence: str
    start: int  # character offsets of the sentence in the document text
    end: int
    matched: tuple[str, ...] = ()  # the words that triggered the claim
    page: int | None = None
    field: str = "text"  # "text", or "title" when the sentence is the separately given title

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["matched"] = list(self.matched)
        return d


@dataclass(slots=True)
class Claim:
    """One (country, technology, supplier, status) statement a document makes."""

    country: str
    technology: str
    vendor: str | None = None
    supplier_country: str | None = None
    settings: list[str] = field(default_factory=list)
    status: str = "deployed"
    confidence: float = 0.5
    evidence: list[Evidence] = field(default_factory=list)
    extractor_version: str = ""

    @property
    def key(self) -> tuple[str, str, str | None, str | None, str]:
        return (self.country, self.technology, self.vendor, self.supplier_country, self.status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "technology": self.technology,
            "vendor": self.vendor,
            "supplier_country": self.supplier_country,
            "settings": list(self.settings),
            "status": self.status,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_dict() for e in self.evidence],
            "extractor_version": self.extractor_version,
        }


@dataclass(slots=True)
class ExtractResult:
    """What extraction made of one document."""

    id: str
    relevant: bool
    claims: list[Claim]
    language: str | None = None
    note: str | None = None  # e.g. why a document was not extracted

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "relevant": self.relevant,
            "claims": [c.to_dict() for c in self.claims],
        }
        if self.language:
            d["language"] = self.language
        if self.note:
            d["note"] = self.note
        return d


@dataclass(slots=True)
class IngestError:
    """A source (or one record of it) that could not be read; the batch goes on."""

    source: str  # file path or URL
    reason: str  # what is wrong, in plain words
    location: str | None = None  # line number, record offset, feed entry link...

    def __str__(self) -> str:
        where = f"{self.source}:{self.location}" if self.location else self.source
        return f"{where}: {self.reason}"
