"""Plain text and Markdown: decoding (BOMs, UTF-8, legacy and mixed encodings) and a headline title."""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError, make_document
from custodes.model import Document

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY_DEFAULT = "cp1252"


def read_limited(stream: BinaryIO, opts: IngestOptions, what: str = "document") -> bytes:
    """All bytes of a one-document stream, or a ReadError once it passes max_doc_bytes."""
    data = stream.read(opts.max_doc_bytes + 1)
    if len(data) > opts.max_doc_bytes:
        raise ReadError(f"{what} larger than max_doc_bytes ({opts.max_doc_bytes} bytes)")
    return data


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, dict]:
    """Text from bytes, and notes on how it was decoded (for Document.meta).

    Order: a byte-order mark; strict UTF-8; a declared charset (HTML meta,
    HTTP header) that decodes cleanly; a file that is UTF-8 with some lines in a
    legacy encoding ("mixed"), decoded line by line; a legacy encoding guessed
    by chardet (cp1252 when unsure). Never raises: undecodable bytes become U+FFFD.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            note = {"encoding": enc.replace("-sig", "") + " (BOM)"}
            if "\ufffd" in text:
                note["encoding_errors"] = text.count("\ufffd")
            return text.lstrip("\ufeff"), note
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:
        # UTF-16 without a BOM: NULs in every other byte of ASCII text
        enc = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        text = data.decode(enc, errors="replace")
        return text, {"encoding": enc + " (no BOM)"}
    try:
        return data.decode("utf-8"), {"encoding": "utf-8"}
    except UnicodeDecodeError:
        pass
    if declared:
        # UTF-8 that decodes cleanly beats a declaration (a common page error);
        # otherwise the declaration wins, with latin-1 read as cp1252 like browsers do
        try:
            codec = codecs.lookup(declared.strip().strip("\"'")).name
            if codec in ("latin-1", "iso8859-1", "ascii"):
                codec = "cp1252"
            if codec != "utf-8":
                return data.decode(codec), {"encoding": codec, "encoding_declared": declared}
        except (LookupError, UnicodeDecodeError):
            pass
    lines = data.split(b"\n")
    utf8_lines = bad_lines = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            bad_lines += 1
    legacy = _guess_legacy(b"\n".join(ln for ln in lines if not _is_utf8(ln)))
    if utf8_lines:
        out = []
        for line in lines:
            out.append(line.decode("utf-8") if _is_utf8(line) else line.decode(legacy, errors="replace"))
        text = "\n".join(out)
        note = {"encoding": "mixed", "encoding_note": f"UTF-8 with {bad_lines} line(s) in {legacy}"}
    else:
        text = data.decode(legacy, errors="replace")
        note = {"encoding": legacy}
    if "\ufffd" in text:
        note["encoding_errors"] = text.count("\ufffd")
    return text, note


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _guess_legacy(data: bytes) -> str:
    """The most likely single-byte or CJK encoding; cp1252 when detection is unsure."""
    try:
        import chardet

        guess = chardet.detect(data[:65536])
        enc = (guess.get("encoding") or "").lower()
        if enc and enc not in ("ascii", "utf-8") and (guess.get("confidence") or 0) >= 0.1:
            name = codecs.lookup(enc).name
            if name in ("latin-1", "iso8859-1", "iso8859-15"):
                name = LEGACY_DEFAULT  # as browsers do: latin-1 labels mean cp1252
            data.decode(name)
            return name
    except (ImportError, LookupError, UnicodeDecodeError):
        pass
    return LEGACY_DEFAULT


_HEADLINE_END = re.compile(r"[.,;:]$")


def headline(text: str) -> str | None:
    """The first non-empty line when it reads like a headline: short, no sentence-ending stop."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        line = re.sub(r"^#{1,6}\s+", "", line).strip("*_ ").strip()
        if line.startswith("title:"):  # a Markdown front-matter key
            line = line[6:].strip().strip("\"'")
        if line in ("---", "+++"):
            continue
        words = line.split()
        if 1 <= len(words) <= 25 and len(line) <= 200 and not _HEADLINE_END.search(line):
            return line
        return None
    return None


def read_text(stream: BinaryIO, source: str, opts: IngestOptions, *, url: str | None = None,
              size: int | None = None) -> Iterator[Document]:
    """One Document from a plain-text or Markdown stream."""
    if size is not None and size > opts.max_doc_bytes:
        raise ReadError(f"document larger than max_doc_bytes ({size} > {opts.max_doc_bytes} bytes)")
    data = read_limited(stream, opts)
    text, meta = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("empty document: no text")
    title = headline(text)
    # a lone line is the text, not its title
    if title is not None and text.strip() == title:
        title = None
    front = front_matter(text)
    published = front.get("date") or front.get("published")
    yield make_document(text, source_type="text", source_name=source, url=url or front.get("url"),
                        title=front.get("title") or title, published=published, meta=meta)


def front_matter(text: str) -> dict[str, str]:
    """Simple `key: value` lines of a Markdown front-matter block ("---" ... "---") at the top."""
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    if end < 0 or end > 4000:
        return {}
    fields = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().isidentifier():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return {k: v for k, v in fields.items() if v}
