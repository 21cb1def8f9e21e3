"""Shared by the ingest tests: fixtures written on the spot and a loopback HTTP server.

The server (http.server in a thread, 127.0.0.1, a free port) serves routes the
test declares: a path maps to one response, a list of responses served in
turn (the last one repeats), or a function of the request. It records every
request's path and user agent.
"""
from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    """One HTTP response: status, content type, body, and how slowly to send it."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the headers
    chunked: bool = False  # no Content-Length; body sent in chunks
    chunk_bytes: int = 65536


Route = Reply | list[Reply] | Callable[[BaseHTTPRequestHandler], Reply]


class LoopbackServer:
    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[tuple[str, str]] = []  # (path, user agent)
        self._served: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                reply = server._reply_for(self)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        for i in range(0, len(reply.body), reply.chunk_bytes):
                            part = reply.body[i:i + reply.chunk_bytes]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a size cap or a timeout): that is the test

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _reply_for(self, handler) -> Reply:
        route = self.routes.get(handler.path)
        if route is None:
            return Reply(b"not found", status=404, content_type="text/plain")
        if callable(route) and not isinstance(route, Reply):
            return route(handler)
        if isinstance(route, list):
            n = self._served.get(handler.path, 0)
            self._served[handler.path] = n + 1
            return route[min(n, len(route) - 1)]
        return route

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def article_html(title: str, paragraphs: list[str], *, canonical: str | None = None,
                 og_url: str | None = None, published: str | None = None,
                 charset: str = "utf-8") -> str:
    """A news page with a menu, a sidebar and a footer around the article."""
    head = [f'<meta charset="{charset}">', f"<title>{title} | The Daily Example</title>"]
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    if og_url:
        head.append(f'<meta property="og:url" content="{og_url}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}T08:00:00+00:00">')
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>{''.join(head)}</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li>
<li><a href="/sport">Sport section menu</a></li><li><a href="/subscribe">Subscribe menu item</a></li></ul></nav></header>
<main><article><h1>{title}</h1>
{paras}
</article>
<aside><h3>Most read</h3><ul><li><a href="/x">Celebrity sidebar gossip headline</a></li>
<li><a href="/y">Weather sidebar teaser</a></li></ul></aside></main>
<footer><p>Copyright The Daily Example footer. All rights reserved. Cookie policy footer.</p></footer>
</body></html>"""


def make_pdf(path: Path, pages: list[str], *, title: str | None = None) -> Path:
    """A PDF with one text per page (reportlab, invariant so the bytes are reproducible)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        c.setTitle(title)
    for text in pages:
        y = 780
        for line in text.split("\n"):
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def make_warc(path: Path, records: list[dict], *, gz: bool) -> list[int]:
    """A WARC of response records ({uri, body, content_type?, status?, date?}); returns
    each record's byte offset."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for rec in records:
            offsets.append(f.tell())
            body = rec["body"]
            http = StatusAndHeaders(rec.get("status", "200 OK"),
                                    [("Content-Type", rec.get("content_type", "text/html; charset=utf-8"))],
                                    protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": rec.get("date", "2022-03-01T10:00:00Z")}
            if rec.get("type") == "resource":  # a stored file: no HTTP headers
                record = writer.create_warc_record(rec["uri"], "resource", payload=io.BytesIO(body),
                                                   length=len(body), warc_headers_dict=warc_headers,
                                                   warc_content_type=rec.get("content_type", "text/html"))
            else:
                record = writer.create_warc_record(rec["uri"], rec.get("type", "response"),
                                                   payload=io.BytesIO(body), length=len(body),
                                                   http_headers=http, warc_headers_dict=warc_headers)
            writer.write_record(record)
    return offsets


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def split_items(items):
    """(documents, errors) from what iter_documents yielded."""
    from custodes.model import Document, IngestError

    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors
