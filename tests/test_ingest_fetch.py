"""URLs against HTTP servers the tests start on 127.0.0.1: formats by content type,
robots.txt, retries, timeouts, size caps, unreachable hosts."""
from __future__ import annotations

import json
import socket
import time

from custodes.ingest import DEFAULT_USER_AGENT, iter_documents, read_url
from custodes.model import Document
from ingest_support import LoopbackServer, Reply, article_html, make_pdf, split_items

P1 = "Police in Nairobi installed 1,800 CCTV cameras across the city centre last year, officials said."
P2 = "The interior ministry plans to test facial recognition at the airport from next spring."
FAST = {"timeout_s": 2.0, "retries": 0}


def test_html_page(tmp_path):
    with LoopbackServer({"/news/kenya": Reply(article_html("Kenya cameras", [P1, P2], published="2023-05-04").encode())}) as s:
        (doc,) = list(read_url(s.url("/news/kenya"), **FAST))
        ua = s.requests[-1][1]
    assert isinstance(doc, Document)
    assert doc.url == s.url("/news/kenya") and doc.title == "Kenya cameras" and doc.published == "2023-05-04"
    assert P1 in doc.text and "menu" not in doc.text
    assert doc.source_name == s.url("/news/kenya") and doc.meta["http_status"] == 200
    assert ua == DEFAULT_USER_AGENT and ua.startswith("custodes/")


def test_content_type_decides_the_reader(tmp_path):
    pdf = make_pdf(tmp_path / "r.pdf", [P1, P2]).read_bytes()
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>One</title>'
            f"<link>https://wire.example/1</link><description>{P1}</description></item></channel></rss>").encode()
    routes = {
        "/report": Reply(pdf, content_type="application/pdf"),
        "/feed": Reply(feed, content_type="application/rss+xml"),
        "/note": Reply(P2.encode(), content_type="text/plain; charset=utf-8"),
        "/dump": Reply(json.dumps({"id": "j1", "text": P1}).encode() + b"\n", content_type="application/x-ndjson"),
        "/octets": Reply(pdf, content_type="application/octet-stream"),
    }
    with LoopbackServer(routes) as s:
        items = list(iter_documents([s.url(p) for p in routes], fetch_pages=False, **FAST))
    docs, errors = split_items(items)
    assert not errors
    assert [d.source_type for d in docs] == ["pdf", "feed", "text", "jsonl", "pdf"]
    assert docs[0].page_starts == (0, len(P1) + 2) and docs[0].url == s.url("/report")
    assert docs[1].text == P1 and docs[1].url == "https://wire.example/1"
    assert docs[2].text == P2 and docs[3].meta["given_id"] == "j1"


def test_feed_url_with_linked_pages_fetched(tmp_path):
    with LoopbackServer() as s:
        s.routes["/a"] = Reply(article_html("Full story A", [P1, P2]).encode())
        s.routes["/feed"] = Reply((f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
                                   f'<item><title>A</title><link>{s.url("/a")}</link><description>short</description></item>'
                                   f"</channel></rss>").encode(), content_type="application/rss+xml")
        (doc,) = list(iter_documents([s.url("/feed")], **FAST))
    assert doc.source_type == "feed" and P2 in doc.text and doc.url == s.url("/a")


def test_robots_txt_disallow_is_honoured_and_cached_per_host():
    routes = {"/robots.txt": Reply(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
              "/private/a": Reply(article_html("Private", [P1]).encode()),
              "/private/b": Reply(article_html("Private too", [P1]).encode()),
              "/public/c": Reply(article_html("Public", [P1, P2]).encode())}
    with LoopbackServer(routes) as s:
        urls = [s.url("/private/a"), s.url("/private/b"), s.url("/public/c")]
        docs, errors = split_items(list(iter_documents(urls, **FAST)))
        assert [d.title for d in docs] == ["Public"]
        assert [(e.source, e.reason) for e in errors] == [(urls[0], "disallowed by robots.txt"),
                                                          (urls[1], "disallowed by robots.txt")]
        assert s.hits("/robots.txt") == 1 and s.hits("/private/a") == 0 and s.hits("/private/b") == 0
        # respect_robots=False is the user's explicit choice
        docs, errors = split_items(list(iter_documents(urls[:1], respect_robots=False, **FAST)))
        assert [d.title for d in docs] == ["Private"] and not errors


def test_robots_txt_group_for_custodes_applies():
    robots = b"User-agent: custodes\nDisallow: /nobots/\n\nUser-agent: *\nDisallow: /\n"
    routes = {"/robots.txt": Reply(robots, content_type="text/plain"),
              "/nobots/a": Reply(article_html("No bots", [P1]).encode()),
              "/news/b": Reply(article_html("News", [P1, P2]).encode())}
    with LoopbackServer(routes) as s:
        docs, errors = split_items(list(iter_documents([s.url("/nobots/a"), s.url("/news/b")], **FAST)))
    assert [d.title for d in docs] == ["News"]
    assert [(e.source, e.reason) for e in errors] == [(s.url("/nobots/a"), "disallowed by robots.txt")]


def test_robots_txt_server_error_means_disallowed():
    routes = {"/robots.txt": Reply(b"oops", status=500, content_type="text/plain"),
              "/a": Reply(article_html("A", [P1]).encode())}
    with LoopbackServer(routes) as s:
        (err,) = list(iter_documents([s.url("/a")], **FAST))
        assert s.hits("/a") == 0
    assert err.reason == "robots.txt unavailable (HTTP 500): treated as disallowed"


def test_5xx_then_200_is_retried_with_backoff():
    page = Reply(article_html("Eventually", [P1, P2]).encode())
    routes = {"/flaky": [Reply(b"busy", status=503, content_type="text/plain"),
                         Reply(b"busy", status=502, content_type="text/plain"), page]}
    with LoopbackServer(routes) as s:
        started = time.monotonic()
        (doc,) = list(iter_documents([s.url("/flaky")], timeout_s=2, retries=3, retry_backoff_s=0.05))
        elapsed = time.monotonic() - started
        assert s.hits("/flaky") == 3
    assert doc.title == "Eventually"
    assert elapsed >= 0.05 + 0.1  # waited 0.05 s, then 0.1 s, between the attempts


def test_retries_are_bounded():
    routes = {"/down": Reply(b"down", status=503, content_type="text/plain")}
    with LoopbackServer(routes) as s:
        (err,) = list(iter_documents([s.url("/down")], timeout_s=2, retries=2, retry_backoff_s=0.01))
        assert s.hits("/down") == 3
    assert err.source == s.url("/down")
    assert err.reason == "HTTP 503 Service Unavailable (gave up after 3 attempt(s))"


def test_client_errors_are_not_retried():
    with LoopbackServer() as s:
        (err,) = list(iter_documents([s.url("/missing")], timeout_s=2, retries=3, retry_backoff_s=0.01))
        assert s.hits("/missing") == 1
    assert (err.source, err.reason) == (s.url("/missing"), "HTTP 404 Not Found")


def test_slow_response_hits_the_timeout_and_batch_goes_on():
    routes = {"/slow": Reply(article_html("Slow", [P1]).encode(), delay_s=3.0),
              "/fast": Reply(article_html("Fast", [P1, P2]).encode())}
    with LoopbackServer(routes) as s:
        started = time.monotonic()
        docs, errors = split_items(list(iter_documents([s.url("/slow"), s.url("/fast")],
                                                       timeout_s=0.5, retries=1, retry_backoff_s=0.01)))
        elapsed = time.monotonic() - started
    assert [d.title for d in docs] == ["Fast"]
    (err,) = errors
    assert err.source == s.url("/slow")
    assert err.reason.startswith("timed out after 0.5 s") and err.reason.endswith("(gave up after 2 attempt(s))")
    assert elapsed < 3.0 * 2  # did not wait for the slow server


def test_oversize_responses_are_cut_off():
    big = article_html("Big", [P1 * 2000]).encode()
    routes = {"/declared": Reply(big), "/chunked": Reply(big, chunked=True, chunk_bytes=4096)}
    with LoopbackServer(routes) as s:
        errors = list(iter_documents([s.url("/declared"), s.url("/chunked")], max_doc_bytes=50_000, **FAST))
    assert [(e.source, e.reason) for e in errors] == [
        (s.url("/declared"), f"response is {len(big)} bytes, over max_doc_bytes (50000)"),
        (s.url("/chunked"), "response larger than max_doc_bytes (50000 bytes)")]


def test_unreachable_url_is_an_error_naming_it():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/page"
    (err,) = list(iter_documents([url], timeout_s=1, retries=1, retry_backoff_s=0.01))
    assert err.source == url
    assert err.reason.startswith("cannot connect") and err.reason.endswith("(gave up after 2 attempt(s))")


def test_redirect_is_followed_and_the_final_url_kept():
    with LoopbackServer() as s:
        s.routes["/old"] = Reply(b"", status=301, content_type=None, headers={"Location": s.url("/new")})
        s.routes["/new"] = Reply(article_html("Moved", [P1, P2]).encode())
        (doc,) = list(iter_documents([s.url("/old")], **FAST))
    assert doc.url == s.url("/new") and doc.meta["requested_url"] == s.url("/old")


def test_binary_junk_served_as_html():
    import random

    rng = random.Random(5)
    junk = bytes(rng.randrange(256) for _ in range(4000))
    with LoopbackServer({"/junk": Reply(junk, content_type="text/html")}) as s:
        (err,) = list(iter_documents([s.url("/junk")], **FAST))
    assert (err.source, err.reason) == (s.url("/junk"), "not HTML: binary content")


def test_malformed_urls_and_other_schemes_are_errors_naming_them():
    bad = ["http://[::1", "http://127.0.0.1:99999/", "ftp://files.example/report.pdf"]
    errors = list(iter_documents(bad, **FAST))
    assert [(e.source, e.reason) for e in errors] == [
        (bad[0], "invalid URL: Invalid IPv6 URL"),
        (bad[1], "invalid URL: Port out of range 0-65535"),
        (bad[2], "unsupported URL scheme: ftp (only http and https are fetched)")]
