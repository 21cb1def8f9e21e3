"""RSS and Atom feeds (feedparser): one Document per entry, its linked page fetched when asked.

Feeds come from strangers: a DOCTYPE with an internal subset or any ENTITY
declaration (entity expansion, "billion laughs", external entities) is refused
before any XML parser sees the bytes; a bare DOCTYPE naming an external DTD
(old RSS 0.91 feeds) is removed, never fetched.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError, iso_date, make_document
from custodes.ingest.html import html_to_text
from custodes.ingest.text import read_limited
from custodes.model import Document, IngestError

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[)?", re.I)
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def check_xml_safety(data: bytes) -> tuple[bytes, str | None]:
    """The feed bytes with a harmless external DOCTYPE removed, and a note when one was;
    raises ReadError for entity declarations or an internal DTD subset."""
    view = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(0) > 50:
        # UTF-16: scan an ASCII view; declarations are ASCII
        view = data.replace(b"\x00", b"")
    root = _ROOT_START.search(view)
    prolog = view[: root.start()] if root else view
    # declarations can only stand in the prolog (the DTD), before the root element
    if _ENTITY_DECL.search(prolog):
        raise ReadError("feed declares XML entities (entity expansion or external entity): refused")
    m = _DOCTYPE.search(prolog)
    if m is None:
        return data, None
    if m.group(1):
        raise ReadError("feed has a DOCTYPE with an internal subset (possible entity expansion): refused")
    if view is not data:
        raise ReadError("UTF-16 feed with a DOCTYPE: refused")
    end = data.index(b">", m.start()) + 1
    return data[: m.start()] + data[end:], "external DOCTYPE removed, not fetched"


def read_feed(stream: BinaryIO, source: str, opts: IngestOptions, *, url: str | None = None,
              fetcher=None, **_ignored) -> Iterator[Document | IngestError]:
    """One Document per feed entry; an IngestError for a feed that cannot be parsed safely."""
    data = read_limited(stream, opts, what="feed")
    data, note = check_xml_safety(data)
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": url} if url else None,
                              resolve_relative_uris=True, sanitize_html=True)
    entries = parsed.entries
    if not entries:
        if parsed.bozo:
            raise ReadError(f"not a feed: {parsed.get('bozo_exception')}")
        if not parsed.version:
            raise ReadError("not a feed: no RSS or Atom root element")
        return  # a valid feed with no entries holds no documents
    own_fetcher = None
    if opts.fetch_pages and fetcher is None and any(_is_http(e.get("link")) for e in entries):
        from custodes.ingest.fetch import Fetcher

        fetcher = own_fetcher = Fetcher(opts)
    try:
        feed_title = parsed.feed.get("title")
        for index, entry in enumerate(entries, 1):
            link = entry.get("link")
            location = link or f"entry {index}"
            try:
                doc = _entry_document(entry, source, opts, fetcher, feed_title, note, location)
            except ReadError as exc:
                yield IngestError(source, exc.reason, location)
                continue
            yield doc
    finally:
        if own_fetcher is not None:
            own_fetcher.close()


def _is_http(link) -> bool:
    return isinstance(link, str) and link.lower().startswith(("http://", "https://"))


def _entry_document(entry, source: str, opts: IngestOptions, fetcher, feed_title, note,
                    location: str) -> Document:
    link = entry.get("link")
    title = html_to_text(entry.get("title") or "") or None
    published = iso_date(entry.get("published_parsed") or entry.get("updated_parsed")
                         or entry.get("published") or entry.get("updated"))
    meta: dict = {"entry": location}
    if feed_title:
        meta["feed_title"] = feed_title
    if note:
        meta["feed_note"] = note
    if opts.fetch_pages and fetcher is not None and _is_http(link):
        page = fetcher.fetch_document(link)
        if isinstance(page, Document):
            page.source_type = "feed"
            page.source_name = source
            page.title = page.title or title
            page.published = page.published or published
            page.meta.update(meta)
            page.meta["from_entry_page"] = True
            return page
        meta["fetch_error"] = page.reason
    text = _entry_text(entry)
    if not text:
        raise ReadError("feed entry has no text (no content or summary)")
    return make_document(text, source_type="feed", source_name=source, url=link if _is_http(link) else None,
                         title=title, published=published, meta=meta)


def _entry_text(entry) -> str:
    for content in entry.get("content") or []:
        value = content.get("value")
        if value and value.strip():
            return html_to_text(value)
    summary = entry.get("summary") or entry.get("description") or ""
    return html_to_text(summary)
