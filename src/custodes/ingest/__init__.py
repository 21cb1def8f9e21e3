"""Ingest: every format researchers collect, read into `Document`s.

One reader per format (text, html, pdf, jsonl, feed, warc) and one for URLs
(fetch). `iter_documents` is the orchestrator: it takes files, directories,
http(s) URLs or "-" (JSONL on standard input) and yields a `Document` for
every document it finds and an `IngestError` for every source or record it
cannot read. It never raises for bad input, streams (a per-document cap,
`max_doc_bytes`, keeps memory bounded) and is deterministic: the same input
yields the same documents in the same order.

    >>> from custodes.ingest import iter_documents
    >>> for item in iter_documents(["reports/", "https://example.org/feed.xml"]):
    ...     print(item)
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from custodes.ingest.common import DEFAULT_USER_AGENT, IngestOptions
from custodes.model import Document, IngestError

__all__ = [
    "DEFAULT_USER_AGENT", "Document", "IngestError", "IngestOptions",
    "iter_documents", "read_path", "read_url", "read_stdin",
]


def iter_documents(
    sources: Iterable[str],
    *,
    max_doc_bytes: int = 20_000_000,
    max_source_bytes: int | None = None,
    fetch_pages: bool = True,
    timeout_s: float = 20.0,
    user_agent: str = DEFAULT_USER_AGENT,
    respect_robots: bool = True,
    retries: int = 3,
    retry_backoff_s: float = 0.5,
    workers: int = 1,
) -> Iterator[Document | IngestError]:
    """Yield every Document found in the sources (files, directories recursively,
    http(s) URLs, or "-" for JSONL on standard input), and an IngestError
    for every source or record that cannot be read. Never raises for bad input.

    max_doc_bytes: a document (file, JSONL line, WARC record, HTTP body) larger
        than this becomes an IngestError instead of being read.
    max_source_bytes: optional cap on the bytes read from one source (after
        decompression); None means only the per-document cap applies.
    fetch_pages: for feed entries whose link is an http(s) URL, fetch the page
        and use its main text instead of the entry's summary.
    timeout_s: connect and read timeout for each HTTP request.
    respect_robots: honour robots.txt for every URL fetched.
    retries, retry_backoff_s: retries on 5xx/429/timeouts, waiting
        retry_backoff_s * 2**attempt between them.
    workers: processes that read HTML and PDF files ahead;
        the documents and their order are the same as with one.
    """
    opts = IngestOptions(
        max_doc_bytes=max_doc_bytes, max_source_bytes=max_source_bytes,
        fetch_pages=fetch_pages, timeout_s=timeout_s, user_agent=user_agent,
        respect_robots=respect_robots, retries=retries, retry_backoff_s=retry_backoff_s,
        workers=workers,
    )
    from custodes.ingest.dispatch import iter_sources

    yield from iter_sources(sources, opts)


def read_path(path: str | Path, **opts) -> Iterator[Document | IngestError]:
    """Every Document in one file or directory (recursively, in sorted order)."""
    from custodes.ingest.dispatch import LazyFetcher
    from custodes.ingest.dispatch import read_path as _read_path

    options = IngestOptions.from_kwargs(opts)
    fetcher = LazyFetcher(options)  # for feeds whose linked pages are fetched
    try:
        yield from _read_path(Path(path), options, fetcher=fetcher)
    finally:
        fetcher.close()


def read_url(url: str, **opts) -> Iterator[Document | IngestError]:
    """Every Document behind one http(s) URL: a page, a PDF, a feed's entries, a text."""
    from custodes.ingest.dispatch import _guarded
    from custodes.ingest.fetch import Fetcher

    options = IngestOptions.from_kwargs(opts)
    with Fetcher(options) as fetcher:
        yield from _guarded(fetcher.read_url(url), url)


def read_stdin(**opts) -> Iterator[Document | IngestError]:
    """Every Document in JSONL on standard input (the `custodes extract` input shape)."""
    import sys

    from custodes.ingest.dispatch import _guarded
    from custodes.ingest.jsonl import read_jsonl

    yield from _guarded(read_jsonl(sys.stdin.buffer, "-", IngestOptions.from_kwargs(opts)), "-")
