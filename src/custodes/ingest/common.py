"""What every reader shares: options, the Document factory, and ReadError."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from custodes import __version__
from custodes.model import Document, IngestError

DEFAULT_USER_AGENT = f"custodes/{__version__} (+https://github.com/custodes)"


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """The reading options of `iter_documents`, passed to every reader."""

    max_doc_bytes: int = 20_000_000
    max_source_bytes: int | None = None
    fetch_pages: bool = True
    timeout_s: float = 20.0
    user_agent: str = DEFAULT_USER_AGENT
    respect_robots: bool = True
    retries: int = 3
    retry_backoff_s: float = 0.5
    workers: int = 1  # processes reading HTML and PDF files ahead
    # decompressed/compressed ratio above which a gzip stream is taken for a bomb
    # (once it has also grown past max_doc_bytes); real text rarely passes 20.
    max_gzip_ratio: float = 100.0

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> IngestOptions:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(f"unknown ingest option(s): {', '.join(unknown)}")
        return cls(**kwargs)


class ReadError(Exception):
    """A source or record that cannot be read; becomes an IngestError."""

    def __init__(self, reason: str, location: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.location = location

    def to_error(self, source: str) -> IngestError:
        return IngestError(source=source, reason=self.reason, location=self.location)


def make_document(
    text: str,
    *,
    source_type: str,
    source_name: str | None,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    language: str | None = None,
    page_starts: tuple[int, ...] = (),
    meta: dict[str, Any] | None = None,
) -> Document:
    """A Document with its content-hash id and detected language."""
    from custodes.ingest.lang import detect_language

    title = " ".join(title.split()) if title else None
    return Document(
        id=Document.make_id(text, url),
        text=text,
        url=url or None,
        title=title or None,
        published=iso_date(published),
        source_type=source_type,
        source_name=source_name,
        language=language or detect_language(text),
        page_starts=tuple(page_starts),
        meta=dict(meta or {}),
    )


_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date "YYYY-MM-DD" from a date, datetime, or a string holding one; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and len(value) >= 3:  # time.struct_time from feedparser
        try:
            return date(int(value[0]), int(value[1]), int(value[2])).isoformat()
        except (TypeError, ValueError):
            return None
    m = _DATE_RE.search(str(value))
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(str(value)).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
