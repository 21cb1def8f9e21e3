"""WARC web archives (warcio): every HTML (or PDF) response record becomes a Document.

The record's WARC-Target-URI is the document's URL and its WARC-Date the date
when the page itself names none. A truncated or corrupt archive yields every
document before the damage and one error naming the byte offset.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError, iso_date
from custodes.model import Document, IngestError

HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf", "application/x-pdf")


def read_warc(stream: BinaryIO, source: str, opts: IngestOptions, **_ignored) -> Iterator[Document | IngestError]:
    """One Document per HTML or PDF response (status 2xx) or resource record, in archive order."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from custodes.ingest.html import html_to_document

    it = ArchiveIterator(stream, arc2warc=True)
    offset = 0
    n_records = 0
    while True:
        try:
            record = next(it)
        except StopIteration:
            break
        except (ArchiveLoadFailed, EOFError, ValueError, OSError) as exc:
            yield IngestError(source, f"corrupt or truncated WARC: {_reason(exc)}",
                              f"byte {_next_offset(it, offset)}")
            return
        except Exception as exc:  # zlib errors and the like from a damaged gzip member
            yield IngestError(source, f"corrupt or truncated WARC: {type(exc).__name__}: {exc}",
                              f"byte {_next_offset(it, offset)}")
            return
        offset = it.offset  # (get_record_offset() would consume the record)
        n_records += 1
        location = f"byte {offset}"
        try:
            doc = _record_document(record, source, opts, location, html_to_document)
        except _Truncated as exc:
            yield IngestError(source, exc.reason, location)
            return
        except ReadError as exc:
            yield IngestError(source, exc.reason, exc.location or location)
            continue
        except (EOFError, OSError, ValueError) as exc:
            yield IngestError(source, f"corrupt or truncated WARC record: {_reason(exc)}", location)
            return
        except Exception as exc:
            yield IngestError(source, f"corrupt or truncated WARC record: {type(exc).__name__}: {exc}", location)
            return
        if doc is not None:
            yield doc
    if n_records == 0:
        raise ReadError("not a WARC file: no records")
    if stream.seekable():
        # warcio stops quietly at a partial last record; bytes left over mean damage
        end = it.offset
        stream.seek(end)
        rest = stream.read(4096)
        if rest.strip(b"\r\n\x00 "):
            yield IngestError(source, "truncated or corrupt WARC: unreadable bytes after the last "
                              "complete record", f"byte {end}")


def _record_document(record, source: str, opts: IngestOptions, location: str, html_to_document) -> Document | None:
    if record.rec_type is None or record.rec_headers.get_header("Content-Length") is None:
        raise _Truncated("truncated or corrupt WARC: incomplete record header")
    target = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None:
            return None
        status = http.get_statuscode()
        if not (status and status.startswith("2")):
            return None  # redirects, not-found pages: no document
        full_ctype = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        # a stored file without HTTP headers (wget, browser captures)
        full_ctype = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None  # requests, metadata, revisits
    ctype = full_ctype.split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES and ctype not in PDF_TYPES:
        return None
    data = record.content_stream().read(opts.max_doc_bytes + 1)
    if len(data) > opts.max_doc_bytes:
        raise ReadError(f"record larger than max_doc_bytes ({opts.max_doc_bytes} bytes)", location)
    missing = getattr(record.raw_stream, "limit", 0) or 0
    if missing > 0:
        raise _Truncated(f"truncated WARC: record ends {missing} bytes short of its Content-Length")
    if not ctype:
        from custodes.ingest.sniff import sniff_content

        ctype = {"html": "text/html", "pdf": "application/pdf"}.get(sniff_content(data[:8192]) or "", "")
        if not ctype:
            return None
    warc_date = iso_date(record.rec_headers.get_header("WARC-Date"))
    meta = {"warc_record": location, "warc_date": record.rec_headers.get_header("WARC-Date")}
    if ctype in PDF_TYPES:
        import io

        from custodes.ingest.pdf import read_pdf

        (doc,) = read_pdf(io.BytesIO(data), source, opts, url=target)
        doc.source_type = "warc"
        doc.published = doc.published or warc_date
        doc.meta.update(meta)
        return doc
    charset = None
    if "charset=" in full_ctype.lower():
        charset = full_ctype.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
    return html_to_document(data, source, url=target, charset=charset, source_type="warc",
                            meta=meta, fallback_date=warc_date)


class _Truncated(ReadError):
    """The archive ends inside this record: nothing after it can be read."""


def _next_offset(it, last_offset: int) -> int:
    """The byte offset where reading failed: the start of the record after the last good one."""
    for attr in ("offset",):
        value = getattr(it, attr, None)
        if isinstance(value, int) and value >= last_offset:
            return value
    return last_offset


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
