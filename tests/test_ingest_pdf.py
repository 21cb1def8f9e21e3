"""PDF reports: text per page, page offsets that evidence can name, damaged files."""
from __future__ import annotations

from custodes.ingest import iter_documents, read_path
from custodes.model import Document
from ingest_support import make_pdf, split_items

PAGES = [
    "Annual report on public security technology\nThe ministry reviewed its camera network.",
    "Police in Nairobi installed 1,800 CCTV cameras in 2023.\nThe contract was signed in March.",
    "The interior ministry plans facial recognition at the airport.\nA tender is expected next year.",
]


def test_text_per_page_with_page_starts(tmp_path):
    p = make_pdf(tmp_path / "report.pdf", PAGES, title="Security technology report 2023")
    (doc,) = list(read_path(p))
    assert isinstance(doc, Document) and doc.source_type == "pdf"
    assert doc.title == "Security technology report 2023"
    assert len(doc.page_starts) == 3 and doc.meta["pages"] == 3
    pages = doc.text.split("\n\n")
    assert len(pages) == 3
    for number, (start, page_text) in enumerate(zip(doc.page_starts, pages), 1):
        assert doc.text[start:start + len(page_text)] == page_text
        assert doc.page_at(start) == number
    # evidence found anywhere in a page names that page
    assert doc.page_at(doc.text.index("1,800 CCTV")) == 2
    assert doc.page_at(doc.text.index("facial recognition")) == 3
    assert doc.page_at(doc.text.index("camera network")) == 1
    assert doc.language == "en"


def test_title_falls_back_to_first_line(tmp_path):
    p = make_pdf(tmp_path / "untitled.pdf", PAGES)
    (doc,) = list(read_path(p))
    assert doc.title == "Annual report on public security technology"


def test_corrupt_pdf_is_an_error_naming_the_file_and_batch_goes_on(tmp_path):
    good = make_pdf(tmp_path / "a_good.pdf", PAGES)
    data = good.read_bytes()
    (tmp_path / "b_truncated.pdf").write_bytes(data[: len(data) // 3])
    (tmp_path / "c_garbage.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage\xff" * 500)
    (tmp_path / "d_not_pdf.pdf").write_text("This is plain text pretending to be a PDF report.")
    docs, errors = split_items(list(iter_documents([str(tmp_path)])))
    assert [d.source_name for d in docs] == [str(good)]
    assert [e.source for e in errors] == [str(tmp_path / n) for n in ("b_truncated.pdf", "c_garbage.pdf", "d_not_pdf.pdf")]
    assert errors[0].reason.startswith("corrupt PDF")
    assert errors[1].reason.startswith("corrupt PDF")
    assert errors[2].reason == "not a PDF: no %PDF header"


def test_encrypted_pdf_needing_a_password_is_an_error(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", PAGES)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    (err,) = list(read_path(locked))
    assert err.source == str(locked)
    assert err.reason == "encrypted PDF: a password is needed"


def test_pdf_with_empty_user_password_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", PAGES)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    p = tmp_path / "owner_only.pdf"
    with open(p, "wb") as f:
        writer.write(f)
    (doc,) = list(read_path(p))
    assert isinstance(doc, Document) and "1,800 CCTV" in doc.text


def test_pdf_sniffed_by_content(tmp_path):
    p = make_pdf(tmp_path / "download", PAGES)  # saved without an extension
    (doc,) = list(read_path(p))
    assert doc.source_type == "pdf" and len(doc.page_starts) == 3
