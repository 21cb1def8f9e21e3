"""HTML pages: main text (trafilatura), title, canonical URL and publication date."""
from __future__ import annotations

import re
from collections.abc import Iterator
from copy import copy
from functools import lru_cache
from typing import BinaryIO
from urllib.parse import urljoin

from custodes.ingest.common import IngestOptions, ReadError, iso_date, make_document
from custodes.ingest.sniff import is_binary
from custodes.ingest.text import decode_bytes, read_limited
from custodes.model import Document

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# date extraction from the page's own metadata and URL, not guesses from running text
DATE_PARAMS = {"extensive_search": False, "original_date": True}
# a main text shorter than this is checked against a recall-oriented second reading
SHORT_TEXT_CHARS = 300


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (<meta charset> or http-equiv)."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def read_html(stream: BinaryIO, source: str, opts: IngestOptions, *, url: str | None = None,
              size: int | None = None, charset: str | None = None,
              source_type: str = "html", meta: dict | None = None) -> Iterator[Document]:
    """One Document from an HTML stream (a file, an HTTP body, a WARC record)."""
    if size is not None and size > opts.max_doc_bytes:
        raise ReadError(f"document larger than max_doc_bytes ({size} > {opts.max_doc_bytes} bytes)")
    data = read_limited(stream, opts)
    yield html_to_document(data, source, url=url, charset=charset, source_type=source_type, meta=meta)


def html_to_document(data: bytes | str, source: str, *, url: str | None = None,
                     charset: str | None = None, source_type: str = "html",
                     meta: dict | None = None, fallback_date: str | None = None) -> Document:
    """A Document from the bytes (or text) of one HTML page, or a ReadError.

    url: where the page was read from (HTTP, WARC); it stays the document's URL.
    Without one (a local file) the page's canonical URL becomes the document's URL.
    """
    from lxml import etree
    from lxml import html as lxml_html

    meta = dict(meta or {})
    if isinstance(data, bytes):
        if is_binary(data[:8192]):
            raise ReadError("not HTML: binary content")
        text, notes = decode_bytes(data, declared=charset or declared_charset(data))
    else:
        text, notes = data, {}
    meta.update(notes)
    if not text.strip():
        raise ReadError("empty document: no HTML")
    # lxml refuses str input that carries an XML encoding declaration
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"not HTML: {exc}") from None

    canonical = _canonical_url(tree, url)
    head_title = _head_title(tree)
    # the page's own title and date first, on the parsed page: trafilatura's rules for
    # the fields custodes keeps (author, site name, tags, licence are not read)
    page = _page_metadata(tree, url or canonical)
    # fast + favor_precision: about 3x quicker than the defaults on news pages, and
    # deterministic; a page where it finds little is read again with the defaults
    extracted = _bare_extraction(tree, url or canonical or page.url, recall=False)
    body = extracted.text if extracted is not None else None
    if not body or len(body) < SHORT_TEXT_CHARS:
        again = _bare_extraction(lxml_html.document_fromstring(text), url or canonical or page.url, recall=True)
        if again is not None and again.text and len(again.text) > len(body or ""):
            body = again.text
            extracted = again if extracted is None else extracted
        if not body or not body.strip():
            body = _plain_text(lxml_html.document_fromstring(text))
    if not body or not body.strip():
        raise ReadError("no text found in HTML")

    # the page's title and date go with a text trafilatura found, as its metadata would
    title = (page.title if extracted is not None else None) or head_title
    published = iso_date(page.date) if extracted is not None else None
    if canonical:
        meta["canonical_url"] = canonical
    doc_url = url or canonical
    if published is None and fallback_date:
        published = fallback_date
        meta["date_from"] = "archive"
    return make_document(
        body, source_type=source_type, source_name=source, url=doc_url,
        title=title, published=published, meta=meta,
    )


@lru_cache(maxsize=2)
def _extraction_options(recall: bool):
    """trafilatura's settings, built once (parsing its configuration costs as much as a small page)."""
    from trafilatura.settings import Extractor

    if recall:
        return Extractor(output_format="python", comments=False, recall=True, date_params=DATE_PARAMS)
    return Extractor(output_format="python", comments=False, tables=True, fast=True, precision=True,
                     date_params=DATE_PARAMS)


def _bare_extraction(tree, url: str | None, *, recall: bool):
    """trafilatura's main text of a parsed page (the tree is left as it was), or None."""
    import trafilatura

    options = copy(_extraction_options(recall))
    options.url = url
    options.source = url
    return trafilatura.bare_extraction(tree, options=options)


def _page_metadata(tree, url: str | None):
    """Title, URL and publication date as trafilatura's extract_metadata finds them: the page's
    meta tags, then JSON-LD, then its headings; the date from htmldate with DATE_PARAMS."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url

    page = examine_meta(tree)
    try:
        page = extract_meta_json(tree, page)
    except Exception:  # trafilatura's own guard: bugs in its JSON-LD reader
        pass
    if not page.title:
        page.title = extract_title(tree)
    if not page.url:
        page.url = extract_url(tree, url)
    page.date = find_date(tree, **DATE_PARAMS, url=page.url)
    return page


def _canonical_url(tree, base: str | None) -> str | None:
    """<link rel=canonical>, else og:url; made absolute against the page's address."""
    for xpath in ('//head/link[@rel="canonical"]/@href', '//link[@rel="canonical"]/@href',
                  '//meta[@property="og:url"]/@content'):
        for href in tree.xpath(xpath):
            href = str(href).strip()
            if href:
                absolute = urljoin(base, href) if base else href
                if absolute.lower().startswith(("http://", "https://")):
                    return absolute
    return None


def _head_title(tree) -> str | None:
    titles = tree.xpath("//title/text()")
    return " ".join(str(titles[0]).split()) if titles else None


_DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template")


def _plain_text(tree) -> str:
    """All visible text outside navigation, one block per line: the last resort for tiny pages."""
    for el in tree.xpath("|".join(f"//{t}" for t in _DROP)):
        el.drop_tree()
    body = tree.find("body")
    root = body if body is not None else tree
    lines = [" ".join(t.split()) for t in root.itertext()]
    return "\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """Plain text from an HTML fragment (a feed entry's summary), paragraphs on their own lines."""
    from lxml import etree
    from lxml import html as lxml_html

    if "<" not in fragment:
        import html as html_entities

        return " ".join(html_entities.unescape(fragment).split())
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())
    for el in root.xpath(".//script|.//style"):
        el.drop_tree()
    for el in root.xpath(".//p|.//div|.//br|.//li|.//h1|.//h2|.//h3|.//h4|.//tr"):
        el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
