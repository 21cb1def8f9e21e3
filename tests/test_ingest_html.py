"""HTML pages: main text without menus, title, canonical URL, date, encodings, junk."""
from __future__ import annotations

import random

from custodes.ingest import iter_documents, read_path
from custodes.model import Document
from ingest_support import article_html, gzip_bytes, split_items

PARAS = [
    "Police in Nairobi installed 1,800 CCTV cameras across the city centre last year, the interior ministry said on Tuesday.",
    "The cameras feed a command centre where operators watch traffic and public spaces around the clock.",
    "Civil liberties groups said the system was installed without any public consultation or oversight.",
]


def only_doc(path) -> Document:
    items = list(read_path(path))
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def test_main_text_without_menus_sidebar_or_footer(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(article_html("Kenya expands CCTV network", PARAS), encoding="utf-8")
    doc = only_doc(p)
    for para in PARAS:
        assert para in doc.text
    for boilerplate in ("menu", "sidebar", "footer", "Cookie policy"):
        assert boilerplate not in doc.text
    assert doc.title == "Kenya expands CCTV network"
    assert doc.source_type == "html" and doc.language == "en"


def test_canonical_url_and_publication_date(tmp_path):
    p = tmp_path / "page.htm"
    p.write_text(article_html("Kenya expands CCTV network", PARAS,
                              canonical="https://news.example/2023/kenya-cctv",
                              og_url="https://news.example/og-version", published="2023-05-04"))
    doc = only_doc(p)
    assert doc.url == "https://news.example/2023/kenya-cctv"
    assert doc.published == "2023-05-04"
    assert doc.id == Document.make_id(doc.text, doc.url)


def test_og_url_when_no_canonical_link(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(article_html("Kenya expands CCTV network", PARAS, og_url="https://news.example/og"))
    assert only_doc(p).url == "https://news.example/og"


def test_no_url_and_no_date_when_the_page_names_none(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(article_html("Kenya expands CCTV network", PARAS))
    doc = only_doc(p)
    assert doc.url is None and doc.published is None


def test_declared_legacy_charset(tmp_path):
    p = tmp_path / "latin.html"
    text = "La police de Dakar a installé des caméras de surveillance à l'entrée du marché, a déclaré le ministère."
    p.write_bytes(article_html("Caméras à Dakar", [text, text.replace("Dakar", "Thiès")],
                               charset="windows-1252").encode("cp1252"))
    doc = only_doc(p)
    assert text in doc.text
    assert doc.title == "Caméras à Dakar"
    assert doc.language == "fr"
    assert doc.meta["encoding"] == "cp1252"


def test_page_sniffed_by_content_whatever_its_name(tmp_path):
    p = tmp_path / "saved_page"  # no extension
    p.write_text(article_html("Kenya expands CCTV network", PARAS))
    q = tmp_path / "misnamed.txt"
    q.write_text(article_html("Kenya expands CCTV network", PARAS))
    for path in (p, q):
        doc = only_doc(path)
        assert doc.source_type == "html" and "<p>" not in doc.text and PARAS[0] in doc.text


def test_gzipped_html(tmp_path):
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip_bytes(article_html("Kenya expands CCTV network", PARAS).encode()))
    doc = only_doc(p)
    assert doc.source_type == "html" and PARAS[1] in doc.text


def test_binary_junk_named_html_is_an_error_and_batch_goes_on(tmp_path):
    rng = random.Random(3)
    (tmp_path / "1.html").write_text(article_html("First story", PARAS))
    (tmp_path / "2.html").write_bytes(bytes(rng.randrange(256) for _ in range(20000)))
    (tmp_path / "3.htm").write_text(article_html("Third story", PARAS[::-1]))
    docs, errors = split_items(list(iter_documents([str(tmp_path)])))
    assert [d.title for d in docs] == ["First story", "Third story"]
    assert [(e.source, e.reason) for e in errors] == [(str(tmp_path / "2.html"), "not HTML: binary content")]


def test_page_without_any_text_is_an_error(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title></title></head><body><script>var x = 1;</script></body></html>")
    (err,) = list(read_path(p))
    assert err.source == str(p) and err.reason == "no text found in HTML"


def test_same_page_same_document(tmp_path):
    html = article_html("Kenya expands CCTV network", PARAS, canonical="https://news.example/a")
    (tmp_path / "a.html").write_text(html)
    (tmp_path / "b.html").write_text(html)
    a, b = list(iter_documents([str(tmp_path)]))
    assert a.id == b.id and a.text == b.text


def test_page_declaring_utf8_but_written_in_cp1252(tmp_path):
    text = "La police de Dakar a installé des caméras de surveillance à l'entrée du marché, a déclaré le ministère."
    p = tmp_path / "wrong.html"
    p.write_bytes(article_html("Caméras à Dakar", [text, text.replace("Dakar", "Thiès")], charset="utf-8").encode("cp1252"))
    doc = only_doc(p)
    assert text in doc.text and doc.title == "Caméras à Dakar"
    assert doc.meta["encoding"] == "cp1252"


def test_page_mixing_utf8_and_cp1252_lines(tmp_path):
    good = "Le ministère a confirmé l'achat de caméras thermiques pour la frontière nord du pays."
    legacy = "La police de Dakar a installé des caméras de surveillance à l'entrée du marché, a déclaré le ministère."
    html = article_html("Caméras à Dakar", [good, "LEGACY"]).encode("utf-8")
    p = tmp_path / "mixed.html"
    p.write_bytes(html.replace(b"LEGACY", legacy.encode("cp1252")))
    doc = only_doc(p)
    assert good in doc.text and legacy in doc.text
    assert doc.meta["encoding"] == "mixed"
