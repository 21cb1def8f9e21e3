"""JSONL and JSON in the `custodes extract` input shape: {id, text, url?, title?, published?}.

Read line by line (JSONL) or element by element (a JSON array), so a file of any
size streams; a line longer than max_doc_bytes is skipped without being held.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from custodes.ingest.common import IngestOptions, ReadError, make_document
from custodes.model import Document, IngestError

CHUNK_BYTES = 1 << 20


def record_to_document(record: Any, source: str, location: str) -> Document:
    """A Document from one {id, text, url?, title?, published?} record, or a ReadError."""
    if not isinstance(record, dict):
        raise ReadError(f"expected a JSON object, got {type(record).__name__}", location)
    text = record.get("text")
    if not isinstance(text, str):
        raise ReadError("missing \"text\" (a string)" if text is None else
                        f"\"text\" must be a string, got {type(text).__name__}", location)
    if not text.strip():
        raise ReadError("empty \"text\"", location)
    for key in ("url", "title", "published"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ReadError(f"\"{key}\" must be a string, got {type(value).__name__}", location)
    meta: dict[str, Any] = {"location": location}
    if record.get("id") is not None:
        meta["given_id"] = str(record["id"])
    return make_document(
        text, source_type="jsonl", source_name=source, url=record.get("url"),
        title=record.get("title"), published=record.get("published"),
        language=record.get("language") if isinstance(record.get("language"), str) else None,
        meta=meta,
    )


def read_jsonl(stream: BinaryIO, source: str, opts: IngestOptions) -> Iterator[Document | IngestError]:
    """One Document per JSONL line; an IngestError naming the line for each bad one."""
    lineno = 0
    while True:
        line, oversize = _read_line(stream, opts.max_doc_bytes)
        if not line and not oversize:
            return
        lineno += 1
        location = f"line {lineno}"
        if oversize:
            yield IngestError(source, f"line longer than max_doc_bytes ({opts.max_doc_bytes} bytes)", location)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            yield IngestError(source, f"not UTF-8 ({exc.reason} at byte {exc.start})", location)
            continue
        except json.JSONDecodeError as exc:
            yield IngestError(source, f"invalid JSON: {exc.msg} at column {exc.colno}", location)
            continue
        try:
            yield record_to_document(record, source, location)
        except ReadError as exc:
            yield exc.to_error(source)


def _read_line(stream: BinaryIO, limit: int) -> tuple[bytes, bool]:
    """The next line (up to limit bytes), or ("", True) after skipping a longer one."""
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, False
    # too long: discard the rest of it in bounded chunks
    while line and not line.endswith(b"\n"):
        line = stream.readline(CHUNK_BYTES)
    return b"", True


def read_json(stream: BinaryIO, source: str, opts: IngestOptions) -> Iterator[Document | IngestError]:
    """A .json file: one record, an array of records (streamed element by element), or JSONL."""
    head = stream.read(4096)
    stream.seek(0)
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"[":
        yield from _read_array(stream, source, opts)
        return
    # a single object spread over many lines is one record; an object per line is JSONL
    first_line = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
    if first_line.startswith(b"{") and first_line.endswith(b"}"):
        yield from read_jsonl(stream, source, opts)
        return
    data = stream.read(opts.max_doc_bytes + 1)
    if len(data) > opts.max_doc_bytes:
        raise ReadError(f"JSON document larger than max_doc_bytes ({opts.max_doc_bytes} bytes)")
    try:
        record = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ReadError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg}", f"line {exc.lineno}") from None
    if isinstance(record, list):
        for i, item in enumerate(record, 1):
            try:
                yield record_to_document(item, source, f"item {i}")
            except ReadError as exc:
                yield exc.to_error(source)
    else:
        yield record_to_document(record, source, "line 1")


def _read_array(stream: BinaryIO, source: str, opts: IngestOptions) -> Iterator[Document | IngestError]:
    """Elements of a top-level JSON array, decoded one at a time from a bounded buffer."""
    import codecs

    decoder = json.JSONDecoder()
    reader = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    buf = ""
    pos = 0
    started = False
    index = 0
    eof = False
    while True:
        # skip whitespace and separators
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buf) or eof:
                break
            buf, pos = "", 0
            chunk = stream.read(CHUNK_BYTES)
            eof = not chunk
            buf += reader.decode(chunk, final=eof)
        if pos >= len(buf):
            raise ReadError("truncated JSON array: no closing \"]\"", f"item {index + 1}")
        if not started:
            if buf[pos] != "[":
                raise ReadError("expected a JSON array")
            started = True
            pos += 1
            continue
        if buf[pos] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if eof:
                    raise ReadError(f"invalid JSON: {exc.msg}", f"item {index + 1}") from None
                if len(buf) - pos > opts.max_doc_bytes:
                    raise ReadError(f"array item larger than max_doc_bytes ({opts.max_doc_bytes} bytes)",
                                    f"item {index + 1}") from None
                chunk = stream.read(CHUNK_BYTES)
                eof = not chunk
                buf = buf[pos:] + reader.decode(chunk, final=eof)
                pos = 0
        index += 1
        pos = end
        try:
            yield record_to_document(value, source, f"item {index}")
        except ReadError as exc:
            yield exc.to_error(source)
        if pos > CHUNK_BYTES:
            buf, pos = buf[pos:], 0
