"""Which reader a source needs, from its first bytes as well as its name.

Magic bytes (PDF, gzip, WARC) always win over the name; markup (a feed root,
an HTML document) wins over a plain-text or unknown name; otherwise the
extension decides. Binary content in a file named as text is reported, never
read as text.
"""
from __future__ import annotations

import re

HEAD_BYTES = 8192

# extension -> format; the longest matching suffix wins (".warc.gz" before ".gz")
EXTENSIONS: dict[str, str] = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".warc": "warc", ".warc.gz": "warc", ".arc": "warc", ".arc.gz": "warc",
    ".gz": "gzip",
}
TEXT_FORMATS = {"text", "html", "json", "jsonl", "feed"}

# control characters that never appear in text (tab, newlines, form feed and escape do)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_FEED_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)[\s>/]")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|title|meta|div|p|article|h1)[\s>/]", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml\b")


def format_from_name(name: str) -> str | None:
    """The format an extension promises, or None for an unknown extension."""
    lower = name.lower()
    best = None
    for ext, fmt in EXTENSIONS.items():
        if lower.endswith(ext) and (best is None or len(ext) > len(best[0])):
            best = (ext, fmt)
    return best[1] if best else None


def inner_name(name: str) -> str:
    """The name of a gzipped file once decompressed: "a.jsonl.gz" -> "a.jsonl"."""
    return name[:-3] if name.lower().endswith(".gz") else name


def is_binary(head: bytes) -> bool:
    """True when bytes are not text in any encoding custodes reads.

    NUL bytes mean binary unless the text is UTF-16/32 (BOM, or NULs at every other byte).
    """
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    sample = head[:4096]
    nul = sample.count(0)
    if nul:
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        looks_utf16 = (odds > 0.3 * len(sample) / 2 and evens == 0) or (evens > 0.3 * len(sample) / 2 and odds == 0)
        return not looks_utf16
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > 0.05 * len(sample)


def _ascii_view(head: bytes) -> bytes:
    """The head with UTF-16 NULs removed, so markup tests work on UTF-16 text too."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(0) > 50:
        return head.replace(b"\x00", b"")
    return head


def sniff_content(head: bytes) -> str | None:
    """The format the first bytes reveal, or None when they say nothing certain.

    Returns one of pdf, gzip, warc, feed, html, json, binary.
    """
    if head.startswith(b"%PDF-") or head[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith((b"WARC/", b"filedesc://")):
        return "warc"
    if is_binary(head):
        return "binary"
    view = _ascii_view(head).lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if view[:1] == b"<":
        # a feed root before any HTML start: RSS, Atom, RDF (RSS 1.0)
        feed = _FEED_ROOT.search(view[:4096])
        html = _HTML_START.search(view[:4096])
        if feed and (not html or feed.start() < html.start()):
            return "feed"
        if html:
            return "html"
        if _XML_DECL.match(view):
            return "feed"  # XML of some kind: the feed reader says clearly if it is not a feed
    if view[:1] in (b"{", b"["):
        return "json"
    return None


def choose_format(name: str, head: bytes) -> str:
    """The reader for a source named `name` whose content starts with `head`.

    Returns text, html, pdf, json, jsonl, feed, warc, gzip, or binary (unreadable).
    """
    by_name = format_from_name(name)
    by_content = sniff_content(head)
    if by_content in ("pdf", "gzip", "warc"):
        return by_content
    if by_content == "binary":
        return "binary"
    if by_name in ("json", "jsonl"):
        return by_name
    if by_content == "json":
        return "jsonl" if by_name in (None, "text") and _looks_like_jsonl(head) else (by_name or "json")
    if by_content in ("feed", "html"):
        if by_name in (None, "text", "feed", "html"):
            return by_content
        return by_name
    # a name promising pdf/warc/gzip without the magic bytes goes to that reader,
    # which says clearly what is wrong
    return by_name or "text"


def _looks_like_jsonl(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0].strip()
    return first.startswith(b"{") and first.endswith(b"}")
