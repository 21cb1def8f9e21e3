"""`custodes extract` over JSONL: one result line per good input line, a clear error per bad one."""
from __future__ import annotations

import json
import sys
from typing import IO, Iterator

from custodes.extract import extract_document
from custodes.model import Document

MAX_DOC_BYTES = 10_000_000  # a longer line is reported, not read into memory whole


class BadLine(ValueError):
    """One input line that cannot be extracted."""


def _read_lines(stream: IO[bytes], max_line_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; bytes is None for a line over the size limit."""
    number = 0
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the oversize line without holding it
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def parse_line(raw: bytes | None, max_doc_bytes: int = MAX_DOC_BYTES) -> Document | None:
    """A Document from one JSONL line, None for a blank line, BadLine for anything wrong."""
    if raw is None:
        raise BadLine(f"line is longer than the {max_doc_bytes:,}-byte limit (--max-doc-bytes)")
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(f"not UTF-8: invalid byte at position {exc.start}") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    missing = [k for k in ("id", "text") if k not in record]
    if missing:
        raise BadLine(f"missing field(s): {', '.join(missing)}")
    doc_id, text = record["id"], record["text"]
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
        raise BadLine("'id' must be a non-empty string or number")
    if not isinstance(text, str):
        raise BadLine("'text' must be a string")
    if not text.strip():
        raise BadLine("'text' is empty")
    optional = {}
    for key in ("url", "title", "published"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise BadLine(f"'{key}' must be a string")
        optional[key] = value
    return Document(id=str(doc_id), text=text, source_type="jsonl", **optional)


def run_extract_jsonl(input: str, output: str, *, strict: bool = False,
                      max_doc_bytes: int = MAX_DOC_BYTES, stderr: IO[str] = sys.stderr) -> int:
    """Extract every line of INPUT into OUTPUT; returns the number of bad lines."""
    source_name = "<stdin>" if input == "-" else input
    try:
        in_stream = sys.stdin.buffer if input == "-" else open(input, "rb")
    except OSError as exc:
        print(f"custodes extract: {source_name}: cannot open: {exc.strerror}", file=stderr)
        return 1
    out_stream = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    failed = 0
    try:
        for number, raw in _read_lines(in_stream, max_doc_bytes):
            try:
                doc = parse_line(raw, max_doc_bytes)
                if doc is None:
                    continue
                result = extract_document(doc)
            except BadLine as exc:
                failed += 1
                print(f"custodes extract: {source_name}:{number}: {exc}", file=stderr)
                if strict:
                    print("custodes extract: stopped at the first bad line (--strict)", file=stderr)
                    break
                continue
            except Exception as exc:  # a rule that trips on one text must not stop the batch
                failed += 1
                print(f"custodes extract: {source_name}:{number}: extraction failed: "
                      f"{type(exc).__name__}: {exc}", file=stderr)
                if strict:
                    break
                continue
            out_stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            out_stream.flush() if output == "-" else None
    finally:
        if input != "-":
            in_stream.close()
        if output != "-":
            out_stream.close()
    if failed:
        print(f"custodes extract: {failed} line(s) failed", file=stderr)
    return failed
