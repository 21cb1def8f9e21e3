"""RSS and Atom feeds: entries as documents, linked pages fetched, XML tricks refused."""
from __future__ import annotations

from custodes.ingest import iter_documents, read_path
from ingest_support import LoopbackServer, Reply, article_html, split_items

P1 = "Police in Nairobi installed 1,800 CCTV cameras across the city centre last year, officials said."
P2 = "The interior ministry plans to test facial recognition at the airport from next spring."
FULL = "The full article says much more about the camera contract than the short feed summary does."


def rss(items: list[tuple[str, str, str]], prolog: str = "") -> str:
    """RSS 2.0 with (title, link, description) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description><![CDATA[{d}]]></description>"
        f"<pubDate>Tue, 0{i + 1} Aug 2023 10:00:00 GMT</pubDate></item>"
        for i, (t, link, d) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<rss version="2.0"><channel>'
            f"<title>Example wire</title><link>https://wire.example/</link>{body}</channel></rss>")


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title><id>urn:x</id><updated>2023-01-01T00:00:00Z</updated>
<entry><title>Atom one</title><link href="https://wire.example/atom/1"/><id>urn:1</id>
<updated>2023-02-03T04:05:06Z</updated><content type="html">&lt;p&gt;{P1}&lt;/p&gt;&lt;p&gt;{P2}&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_entries_without_fetching(tmp_path):
    p = tmp_path / "wire.rss"
    p.write_text(rss([("Kenya cameras", "https://wire.example/1", f"<p>{P1}</p>"),
                      ("Airport plans", "https://wire.example/2", f"<p>{P2}</p><script>x()</script>")]))
    docs = list(iter_documents([str(p)], fetch_pages=False))
    assert [(d.title, d.url, d.published, d.text) for d in docs] == [
        ("Kenya cameras", "https://wire.example/1", "2023-08-01", P1),
        ("Airport plans", "https://wire.example/2", "2023-08-02", P2)]
    assert all(d.source_type == "feed" and d.source_name == str(p) for d in docs)
    assert docs[0].meta["feed_title"] == "Example wire"


def test_atom_content_with_paragraphs(tmp_path):
    p = tmp_path / "wire.atom"
    p.write_text(ATOM)
    (doc,) = list(iter_documents([str(p)], fetch_pages=False))
    assert doc.text == f"{P1}\n{P2}"
    assert (doc.title, doc.url, doc.published) == ("Atom one", "https://wire.example/atom/1", "2023-02-03")


def test_feed_sniffed_by_content(tmp_path):
    p = tmp_path / "feed"  # no extension
    p.write_text(ATOM)
    (doc,) = list(iter_documents([str(p)], fetch_pages=False))
    assert doc.source_type == "feed"


def test_linked_pages_are_fetched_and_failures_fall_back_to_the_entry(tmp_path):
    with LoopbackServer() as server:
        server.routes["/story/1"] = Reply(article_html("Kenya cameras, full story", [P1, FULL],
                                                       published="2023-07-30").encode())
        server.routes["/story/2"] = Reply(b"gone", status=410, content_type="text/plain")
        p = tmp_path / "wire.xml"
        p.write_text(rss([("Kenya cameras", server.url("/story/1"), "Short summary about Kenya cameras today."),
                          ("Airport plans", server.url("/story/2"), P2)]))
        docs, errors = split_items(list(iter_documents([str(p)], timeout_s=5, retries=0)))
    assert not errors
    fetched, fallback = docs
    assert FULL in fetched.text and "menu" not in fetched.text
    assert fetched.url == server.url("/story/1") and fetched.published == "2023-07-30"
    assert fetched.source_type == "feed" and fetched.meta["from_entry_page"] is True
    assert fallback.text == P2 and fallback.meta["fetch_error"] == "HTTP 410 Gone"
    assert server.hits("/story/1") == 1


def test_billion_laughs_is_refused_and_batch_goes_on(tmp_path):
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
              + "]>\n")
    bad = tmp_path / "a_laughs.rss"
    bad.write_text(rss([("&lol9;", "https://wire.example/x", "&lol9;")], prolog=laughs))
    good = tmp_path / "b_good.rss"
    good.write_text(rss([("Kenya cameras", "https://wire.example/1", P1)]))
    docs, errors = split_items(list(iter_documents([str(tmp_path)], fetch_pages=False)))
    assert [d.text for d in docs] == [P1]
    (err,) = errors
    assert err.source == str(bad)
    assert err.reason == "feed declares XML entities (entity expansion or external entity): refused"


def test_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-FILE")
    xxe = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    p = tmp_path / "xxe.rss"
    p.write_text(rss([("Leak &xxe;", "https://wire.example/x", "&xxe;")], prolog=xxe))
    (err,) = list(iter_documents([str(p)], fetch_pages=False))
    assert err.source == str(p) and "refused" in err.reason


def test_external_dtd_is_never_fetched(tmp_path):
    with LoopbackServer() as server:
        server.routes["/evil.dtd"] = Reply(b'<!ENTITY xxe "INJECTED">', content_type="application/xml-dtd")
        p = tmp_path / "old.rss"
        p.write_text(rss([("Kenya cameras", "https://wire.example/1", P1)],
                         prolog=f'<!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">\n'))
        (doc,) = list(iter_documents([str(p)], fetch_pages=False))
        assert server.requests == []
    assert doc.text == P1 and doc.meta["feed_note"] == "external DOCTYPE removed, not fetched"


def test_xml_that_is_not_a_feed(tmp_path):
    p = tmp_path / "data.xml"
    p.write_text('<?xml version="1.0"?><catalog><book id="1">Title</book></catalog>')
    (err,) = list(read_path(p))
    assert err.source == str(p) and err.reason.startswith("not a feed")


def test_entry_without_text_is_an_error_naming_its_link(tmp_path):
    p = tmp_path / "wire.rss"
    p.write_text(rss([("Empty", "https://wire.example/empty", ""), ("Kenya", "https://wire.example/1", P1)]))
    docs, errors = split_items(list(iter_documents([str(p)], fetch_pages=False)))
    assert [d.text for d in docs] == [P1]
    (err,) = errors
    assert (err.source, err.location) == (str(p), "https://wire.example/empty")
    assert err.reason == "feed entry has no text (no content or summary)"


def test_entity_text_inside_an_entry_is_only_text(tmp_path):
    """An article about XML attacks quotes "<!ENTITY" in its summary: that is content, not a declaration."""
    quoted = "Researchers showed how a <!ENTITY lol declaration can exhaust a parser's memory."
    p = tmp_path / "security.rss"
    p.write_text(rss([("XML attacks", "https://wire.example/xml", quoted)]))
    (doc,) = list(iter_documents([str(p)], fetch_pages=False))
    assert doc.text == quoted
