"""URLs: fetched with httpx (timeouts, a streamed size cap, bounded retries with
exponential backoff, a custodes user agent, robots.txt honoured and cached per host).

The response's content type decides the reader (HTML, PDF, feed, JSON, text);
a generic or missing type falls back to sniffing the first bytes.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import BinaryIO
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from custodes.ingest.common import IngestOptions, ReadError
from custodes.model import Document, IngestError

# a whole response may take this many read timeouts before it counts as too slow
DEADLINE_TIMEOUTS = 6
SPOOL_MEMORY_BYTES = 4_000_000
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 30.0

CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "application/pdf": "pdf", "application/x-pdf": "pdf",
    "application/rss+xml": "feed", "application/atom+xml": "feed", "application/rdf+xml": "feed",
    "application/xml": "feed", "text/xml": "feed", "application/feed+json": "json",
    "application/json": "json", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
    "text/plain": "text", "text/markdown": "text",
    "application/gzip": "gzip", "application/x-gzip": "gzip", "application/warc": "warc",
}
SINGLE_DOCUMENT_FORMATS = {"html", "pdf", "text"}


@dataclass
class Fetched:
    """A response body spooled to memory or disk, with what the server said about it."""

    url: str  # after redirects
    status: int
    content_type: str | None
    charset: str | None
    body: BinaryIO
    size: int


class Fetcher:
    """One HTTP client, with a robots.txt cache, shared by every URL of a batch."""

    def __init__(self, opts: IngestOptions):
        import httpx

        self.opts = opts
        self.client = httpx.Client(
            timeout=httpx.Timeout(opts.timeout_s, connect=opts.timeout_s),
            follow_redirects=True, max_redirects=10,
            headers={"User-Agent": opts.user_agent, "Accept": "text/html,application/xhtml+xml,"
                     "application/pdf,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"},
        )
        self._robots: dict[str, RobotFileParser | str | None] = {}

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public --------------------------------------------------------------

    def read_url(self, url: str) -> Iterator[Document | IngestError]:
        """Every document behind a URL; one IngestError naming the URL when it cannot be read."""
        from custodes.ingest.dispatch import read_stream

        try:
            fetched = self.fetch(url)
        except ReadError as exc:
            yield IngestError(url, exc.reason, exc.location)
            return
        with fetched.body:
            try:
                fmt = self._format(fetched)
                if fmt == "html":
                    from custodes.ingest.html import read_html

                    yield from read_html(fetched.body, fetched.url, self.opts, url=fetched.url,
                                         charset=fetched.charset, meta=self._meta(url, fetched))
                else:
                    yield from read_stream(fetched.body, fetched.url, self.opts, name=urlsplit(fetched.url).path,
                                           fmt=fmt, url=fetched.url, fetcher=self)
            except ReadError as exc:
                yield IngestError(url, exc.reason, exc.location)

    def fetch_document(self, url: str) -> Document | IngestError:
        """The one document a page URL holds (HTML, PDF or text), or an IngestError."""
        try:
            fetched = self.fetch(url)
        except ReadError as exc:
            return IngestError(url, exc.reason, exc.location)
        with fetched.body:
            try:
                fmt = self._format(fetched)
            except ReadError as exc:
                return IngestError(url, exc.reason, exc.location)
            if fmt not in SINGLE_DOCUMENT_FORMATS:
                return IngestError(url, f"not a page: {fetched.content_type or fmt}")
            try:
                if fmt == "html":
                    from custodes.ingest.html import read_html

                    docs = list(read_html(fetched.body, url, self.opts, url=fetched.url,
                                          charset=fetched.charset, meta=self._meta(url, fetched)))
                else:
                    from custodes.ingest.dispatch import read_stream

                    docs = list(read_stream(fetched.body, url, self.opts, name=urlsplit(fetched.url).path,
                                            fmt=fmt, url=fetched.url))
            except ReadError as exc:
                return IngestError(url, exc.reason, exc.location)
        return docs[0] if docs else IngestError(url, "no document in the response")

    def fetch(self, url: str) -> Fetched:
        """The body of a URL, spooled; ReadError for robots, HTTP errors, timeouts or size."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise ReadError(f"invalid URL: {exc}") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise ReadError("not an http(s) URL")
        import httpx

        try:
            if self.opts.respect_robots:
                refusal = self._robots_refusal(url)
                if refusal:
                    raise ReadError(refusal)
            return self._with_retries(url, self._get)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.TooManyRedirects) as exc:
            raise ReadError(f"cannot fetch: {exc}") from None

    # -- internals -----------------------------------------------------------

    def _with_retries(self, url: str, get):
        import httpx

        attempts = max(1, self.opts.retries + 1)
        last_reason = "no attempt"
        for attempt in range(attempts):
            wait_s = self.opts.retry_backoff_s * (2 ** attempt)
            try:
                return get(url)
            except _Retryable as exc:
                last_reason = exc.reason
                if exc.retry_after_s is not None:
                    wait_s = min(MAX_RETRY_AFTER_S, max(wait_s, exc.retry_after_s))
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects):
                raise
            except httpx.TimeoutException as exc:
                last_reason = f"timed out after {self.opts.timeout_s:g} s ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last_reason = f"cannot connect: {exc or type(exc).__name__}"
            if attempt + 1 < attempts:
                time.sleep(wait_s)
        raise ReadError(f"{last_reason} (gave up after {attempts} attempt(s))")

    def _get(self, url: str) -> Fetched:
        limit = self.opts.max_doc_bytes
        if self.opts.max_source_bytes is not None:
            limit = min(limit, self.opts.max_source_bytes)
        deadline = time.monotonic() + DEADLINE_TIMEOUTS * self.opts.timeout_s
        with self.client.stream("GET", url) as response:
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                                 _retry_after(response.headers.get("retry-after")))
            if response.status_code >= 400:
                raise ReadError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > limit:
                raise ReadError(f"response is {length} bytes, over max_doc_bytes ({limit})")
            body = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)
            size = 0
            try:
                for chunk in response.iter_bytes(65536):
                    size += len(chunk)
                    if size > limit:
                        raise ReadError(f"response larger than max_doc_bytes ({limit} bytes)")
                    if time.monotonic() > deadline:
                        raise ReadError(f"too slow: response not complete after "
                                        f"{DEADLINE_TIMEOUTS * self.opts.timeout_s:g} s")
                    body.write(chunk)
            except BaseException:
                body.close()
                raise
            body.seek(0)
            ctype, charset = _content_type(response.headers.get("content-type"))
            return Fetched(url=str(response.url), status=response.status_code, content_type=ctype,
                           charset=charset, body=body, size=size)

    def _format(self, fetched: Fetched) -> str:
        from custodes.ingest.sniff import HEAD_BYTES, choose_format

        by_type = CONTENT_TYPES.get(fetched.content_type or "")
        head = fetched.body.read(HEAD_BYTES)
        fetched.body.seek(0)
        sniffed = choose_format(urlsplit(fetched.url).path, head)
        if sniffed == "binary" and by_type in ("html", "feed", "text", "json", "jsonl"):
            what = {"html": "HTML", "feed": "a feed", "text": "text"}.get(by_type, "JSON")
            raise ReadError(f"not {what}: binary content")
        if by_type is None or sniffed in ("pdf", "gzip", "warc", "binary"):
            return sniffed
        if by_type == "feed" and sniffed == "html":
            return "html"  # XHTML served as XML
        if by_type in ("text", "html") and sniffed == "feed":
            return "feed"  # feeds served as text/html or text/plain
        return by_type

    @staticmethod
    def _meta(url: str, fetched: Fetched) -> dict:
        meta = {"http_status": fetched.status}
        if fetched.url != url:
            meta["requested_url"] = url
        return meta

    def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids this URL, or None when it may be fetched."""
        parts = urlsplit(url)
        key = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if key not in self._robots:
            self._robots[key] = self._load_robots(key)
        rules = self._robots[key]
        if isinstance(rules, str):
            return rules
        if rules is not None and not rules.can_fetch(self.opts.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def _load_robots(self, origin: str) -> RobotFileParser | str | None:
        import httpx

        robots_url = origin + "/robots.txt"
        try:
            with self.client.stream("GET", robots_url) as response:
                status = response.status_code
                body = b""
                if status == 200:
                    for chunk in response.iter_bytes(65536):
                        body += chunk
                        if len(body) > 512_000:  # RFC 9309: parse at least 500 KiB
                            break
        except (httpx.HTTPError, httpx.InvalidURL):
            return None  # the page fetch will report the host's failure itself
        if status in (401, 403):
            return "disallowed by robots.txt (robots.txt answered HTTP %d)" % status
        if status >= 500:
            # RFC 9309: an unreachable robots.txt means complete disallow
            return f"robots.txt unavailable (HTTP {status}): treated as disallowed"
        if status != 200:
            return None  # no robots.txt: everything allowed
        parser = RobotFileParser(robots_url)
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after_s: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    msg = Message()
    msg["content-type"] = header
    return msg.get_content_type(), msg.get_param("charset")
