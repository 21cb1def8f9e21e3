"""Plain text and Markdown: encodings, headline titles, language, directory walks."""
from __future__ import annotations

import codecs

from custodes.ingest import iter_documents, read_path
from custodes.model import Document
from ingest_support import split_items

ENGLISH = ("Police in Nairobi installed 1,800 CCTV cameras supplied by a Chinese company "
           "across the city centre last year, the interior ministry said.")
FRENCH = ("La police de Dakar a installé des caméras de surveillance dans le centre-ville, "
          "a déclaré le ministère de l'Intérieur mercredi.")
GERMAN = ("Die Polizei in München hat im Stadtzentrum neue Überwachungskameras installiert, "
          "teilte das Innenministerium am Mittwoch mit.")


def only_doc(path) -> Document:
    items = list(read_path(path))
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def test_headline_becomes_title_and_text_is_kept_whole(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(f"Kenya expands CCTV network\n\n{ENGLISH}\n", encoding="utf-8")
    doc = only_doc(p)
    assert doc.title == "Kenya expands CCTV network"
    assert doc.text.startswith("Kenya expands CCTV network\n\n" + ENGLISH)
    assert doc.source_type == "text" and doc.source_name == str(p)
    assert doc.id == Document.make_id(doc.text, None)
    assert doc.language == "en"


def test_first_line_that_is_a_sentence_is_not_a_title(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text(ENGLISH + "\nA second line follows.\n", encoding="utf-8")
    assert only_doc(p).title is None


def test_markdown_heading_is_title(tmp_path):
    p = tmp_path / "note.md"
    p.write_text(f"# Dakar adds cameras\n\n{FRENCH}\n", encoding="utf-8")
    doc = only_doc(p)
    assert doc.title == "Dakar adds cameras"
    assert doc.language == "fr"


def test_language_is_detected_per_document(tmp_path):
    for name, text in [("en.txt", ENGLISH), ("fr.txt", FRENCH), ("de.txt", GERMAN)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    docs, errors = split_items(list(iter_documents([str(tmp_path)])))
    assert not errors
    assert {d.source_name.rsplit("/", 1)[1]: d.language for d in docs} == {"de.txt": "de", "en.txt": "en", "fr.txt": "fr"}


def test_encodings_all_decode_to_the_same_text(tmp_path):
    text = "Überwachung in München\n\n" + GERMAN + " Café, naïve, “quotes” — dash."
    variants = {
        "utf8.txt": text.encode("utf-8"),
        "utf8bom.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf16le.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf16be.txt": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "cp1252.txt": text.encode("cp1252"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    docs, errors = split_items(list(iter_documents([str(tmp_path)])))
    assert not errors
    assert len(docs) == len(variants)
    for doc in docs:
        assert doc.text == text, doc.source_name
        assert doc.title == "Überwachung in München"
    encodings = {d.source_name.rsplit("/", 1)[1]: d.meta["encoding"] for d in docs}
    assert encodings["cp1252.txt"] == "cp1252"
    assert encodings["utf16le.txt"].startswith("utf-16")
    # one text, one id, whatever the encoding on disk
    assert len({d.id for d in docs}) == 1


def test_mixed_encodings_decode_line_by_line_and_are_noted(tmp_path):
    p = tmp_path / "mixed.txt"
    p.write_bytes("Réseau de caméras à Dakar\n".encode("utf-8") + FRENCH.encode("cp1252") + b"\n"
                  + "Fin du communiqué.\n".encode("utf-8"))
    doc = only_doc(p)
    assert doc.text.splitlines()[1] == FRENCH
    assert doc.text.startswith("Réseau de caméras à Dakar")
    assert doc.meta["encoding"] == "mixed"
    assert "1 line" in doc.meta["encoding_note"]


def test_undecodable_bytes_are_replaced_not_fatal(tmp_path):
    p = tmp_path / "broken.txt"
    p.write_bytes(b"Surveillance report\n\n" + ENGLISH.encode() + b" \x81\x8d\x8f\x90\x9d end.")
    doc = only_doc(p)
    assert doc.text.startswith("Surveillance report")
    assert "\ufffd" in doc.text and doc.meta["encoding_errors"] >= 1


def test_binary_junk_named_txt_is_an_error_and_batch_goes_on(tmp_path):
    import random

    rng = random.Random(7)
    (tmp_path / "a_junk.txt").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (tmp_path / "b_good.txt").write_text(ENGLISH)
    (tmp_path / "c_empty.txt").write_text("   \n")
    docs, errors = split_items(list(iter_documents([str(tmp_path)])))
    assert [d.text for d in docs] == [ENGLISH]
    assert [(e.source.rsplit("/", 1)[1], e.reason) for e in errors] == [
        ("a_junk.txt", "not text: binary content"), ("c_empty.txt", "empty document: no text")]


def test_directory_walk_is_recursive_sorted_and_skips_hidden_and_non_documents(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden directory text that is long enough to count")
    (tmp_path / "b" / "2.txt").write_text("second document text " + ENGLISH)
    (tmp_path / "a" / "9.txt").write_text("first document text " + ENGLISH)
    (tmp_path / "a" / ".hidden.txt").write_text("hidden file text " + ENGLISH)
    (tmp_path / "a" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "z.txt").write_text("last document text " + ENGLISH)
    first = list(iter_documents([str(tmp_path)]))
    assert [d.source_name[len(str(tmp_path)) + 1:] for d in first] == ["a/9.txt", "b/2.txt", "z.txt"]
    second = list(iter_documents([str(tmp_path)]))
    assert [d.id for d in first] == [d.id for d in second]


def test_a_named_non_document_file_is_an_error(tmp_path):
    p = tmp_path / "photo.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (err,) = list(iter_documents([str(p)]))
    assert err.source == str(p) and err.reason == "not text: binary content"


def test_missing_path_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "nope.txt"
    (err,) = list(iter_documents([str(missing)]))
    assert err.source == str(missing) and err.reason == "no such file or directory"


def test_oversize_text_file_is_an_error(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(ENGLISH * 100)
    (err,) = list(iter_documents([str(p)], max_doc_bytes=1000))
    assert err.source == str(p)
    assert "larger than max_doc_bytes" in err.reason


def test_markdown_front_matter_gives_title_date_and_url(tmp_path):
    p = tmp_path / "post.md"
    p.write_text("---\ntitle: \"Serbia expands Safe City\"\ndate: 2021-03-09\nurl: https://blog.example/safe-city\n"
                 f"tags: cameras\n---\n\n{ENGLISH}\n")
    doc = only_doc(p)
    assert (doc.title, doc.published, doc.url) == ("Serbia expands Safe City", "2021-03-09", "https://blog.example/safe-city")
