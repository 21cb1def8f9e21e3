"""PDF reports: text per page (pypdf), pages joined by a blank line, page_starts kept."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError, iso_date, make_document
from custodes.ingest.text import headline
from custodes.model import Document

PAGE_SEPARATOR = "\n\n"


def read_pdf(stream: BinaryIO, source: str, opts: IngestOptions, *, url: str | None = None,
             **_ignored) -> Iterator[Document]:
    """One Document from a PDF; a corrupt or encrypted PDF raises ReadError."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

    head = stream.read(1024)
    stream.seek(0)
    if b"%PDF-" not in head:
        raise ReadError("not a PDF: no %PDF header")
    # pypdf logs every repair it makes; a damaged file is reported once, below
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # many "protected" reports open with an empty password
            except (NotImplementedError, PdfReadError, FileNotDecryptedError) as exc:
                raise ReadError(f"encrypted PDF: {exc}") from None
            if not ok:
                raise ReadError("encrypted PDF: a password is needed")
        n_pages = len(reader.pages)
    except ReadError:
        raise
    except (PdfReadError, PdfStreamError, FileNotDecryptedError) as exc:
        raise ReadError(f"corrupt PDF: {exc}") from None
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise ReadError(f"corrupt PDF: {type(exc).__name__}: {exc}") from None
    if n_pages == 0:
        raise ReadError("corrupt PDF: no pages")

    parts: list[str] = []
    page_starts: list[int] = []
    failed_pages: list[int] = []
    offset = 0
    total = 0
    for number in range(n_pages):
        try:
            page_text = reader.pages[number].extract_text() or ""
        except Exception:  # one damaged page must not lose the report
            page_text = ""
            failed_pages.append(number + 1)
        page_text = page_text.replace("\r\n", "\n").replace("\x00", "").strip()
        if number:
            offset += len(PAGE_SEPARATOR)
        page_starts.append(offset)
        parts.append(page_text)
        offset += len(page_text)
        total += len(page_text.encode("utf-8"))
        if total > opts.max_doc_bytes:
            raise ReadError(f"PDF text larger than max_doc_bytes ({opts.max_doc_bytes} bytes)",
                            f"page {number + 1}")
    text = PAGE_SEPARATOR.join(parts)
    if not text.strip():
        raise ReadError(f"no text in PDF ({n_pages} page(s); scanned images need OCR)")
    meta: dict = {"pages": n_pages}
    if failed_pages:
        meta["unreadable_pages"] = failed_pages
    info = _info(reader)
    title = info.get("/Title") or None
    if title and (len(title) > 300 or title.lower() in ("untitled", "microsoft word")):
        title = None
    return_title = title or headline(text)
    published = _pdf_date(info.get("/CreationDate")) or _pdf_date(info.get("/ModDate"))
    yield make_document(text, source_type="pdf", source_name=source, url=url, title=return_title,
                        published=published, page_starts=tuple(page_starts), meta=meta)


def _info(reader) -> dict[str, str]:
    try:
        info = reader.metadata or {}
        return {str(k): str(v) for k, v in info.items() if v is not None}
    except Exception:
        return {}


def _pdf_date(value: str | None) -> str | None:
    """"D:20230504120000Z" -> "2023-05-04"."""
    if not value:
        return None
    v = value.strip()
    if v.startswith("D:"):
        v = v[2:]
    if len(v) >= 8 and v[:8].isdigit():
        return iso_date(f"{v[:4]}-{v[4:6]}-{v[6:8]}")
    return iso_date(v)
