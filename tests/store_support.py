"""Shared by the storage tests: database backends (SQLite file, PostgreSQL schema) and corpora.

The PostgreSQL backend uses the server on 127.0.0.1:5432 (database `test`,
trust auth; $CUSTODES_TEST_PG overrides the URL) in a schema made for the
test and dropped after it; those tests skip, saying why, only when no server
answers.
"""
from __future__ import annotations

import getpass
import os
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from custodes.model import Claim, Document, Evidence, ExtractResult
from custodes.synthetic import Article

PG_CANDIDATES = [os.environ.get("CUSTODES_TEST_PG", ""), "postgresql://postgres@127.0.0.1:5432/test",
                 f"postgresql://{getpass.getuser()}@127.0.0.1:5432/test"]
_pg_base: list[str | None] = []


def postgres_base_url() -> str | None:
    """The first PostgreSQL URL that answers, or None (cached)."""
    if not _pg_base:
        found = None
        try:
            import psycopg
        except ImportError:
            psycopg = None
        for url in filter(None, PG_CANDIDATES):
            if psycopg is None:
                break
            try:
                with psycopg.connect(url, connect_timeout=3):
                    found = url
                    break
            except psycopg.Error:
                continue
        _pg_base.append(found)
    return _pg_base[0]


class PostgresSchema:
    """A schema of its own on the test server, and a URL whose search_path points at it."""

    def __init__(self) -> None:
        base = postgres_base_url()
        if base is None:
            pytest.skip("PostgreSQL: no server answers at 127.0.0.1:5432 (database test); "
                        "set CUSTODES_TEST_PG to a postgresql:// URL to run these tests")
        import psycopg

        self.base = base
        self.name = f"custodes_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.name}")
        sep = "&" if "?" in base else "?"
        self.url = f"{base}{sep}options={quote(f'-csearch_path={self.name}')}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")


def new_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest, name: str = "custodes.db") -> str:
    """A fresh, empty database of the backend, removed after the test."""
    if backend == "sqlite":
        return str(tmp_path / name)
    schema = PostgresSchema()
    request.addfinalizer(schema.drop)
    return schema.url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database, once per backend."""
    return new_db(request.param, tmp_path, request)


# -- documents and claims the tests write themselves ---------------------------

def document(text: str, *, url: str | None = None, title: str | None = None,
             published: str | None = None, language: str | None = "en",
             source_name: str | None = "test") -> Document:
    return Document(id=Document.make_id(text, url), text=text, url=url, title=title,
                    published=published, language=language, source_type="text",
                    source_name=source_name)


def article_document(article: Article) -> Document:
    return document(article.text, url=article.url, title=article.title, published=article.published)


_CLAIM = re.compile(r"\[(?P<country>[A-Z]{2}) (?P<technology>[a-z_]+)(?: vendor=(?P<vendor>[\w ]+?))?"
                    r"(?: from=(?P<supplier>[A-Z]{2}))?(?: status=(?P<status>[a-z]+))?"
                    r"(?: settings=(?P<settings>[a-z_,]+))?\]")


def bracket_extractor(doc: Document) -> ExtractResult:
    """A stand-in for the extraction engine in storage tests: reads claims the test wrote in brackets.

    `[KE video_surveillance vendor=Huawei from=CN status=planned settings=schools,airports]`
    becomes one claim whose evidence is the bracket. Storage tests check what is
    stored, not what extraction finds; they must not depend on its accuracy.
    """
    if "EXPLODE" in doc.text:
        raise RuntimeError("the extractor choked on this document")
    claims = []
    for m in _CLAIM.finditer(doc.text):
        claims.append(Claim(
            country=m["country"], technology=m["technology"], vendor=m["vendor"],
            supplier_country=m["supplier"], status=m["status"] or "deployed",
            settings=sorted(m["settings"].split(",")) if m["settings"] else [], confidence=0.8,
            evidence=[Evidence(sentence=m[0], start=m.start(), end=m.end(), matched=(m["technology"],))],
            extractor_version="bracket-1"))
    return ExtractResult(id=doc.id, relevant=bool(claims), claims=claims)


# -- corpora on disk, for real `custodes ingest` processes ------------------------

def write_corpus(folder: Path, n_stories: int, *, seed: int, with_bad_file: bool = True) -> int:
    """Invented articles as JSONL files, text files and HTML pages (plus a corrupt file); returns the article count."""
    import gzip
    import json

    from custodes.synthetic import to_html

    folder.mkdir(parents=True, exist_ok=True)
    articles = corpus_articles(n_stories, seed)
    third = len(articles) // 3
    jsonl = articles[:third]
    for part in range(3):
        with open(folder / f"wire-{part}.jsonl", "w", encoding="utf-8") as f:
            for a in jsonl[part::3]:
                f.write(json.dumps({"id": a.url, "text": a.text, "url": a.url, "title": a.title,
                                    "published": a.published}) + "\n")
    (folder / "notes").mkdir(exist_ok=True)
    for i, a in enumerate(articles[third:2 * third]):
        (folder / "notes" / f"note-{i:04d}.txt").write_text(f"{a.title}\n\n{a.text}\n", encoding="utf-8")
    (folder / "pages").mkdir(exist_ok=True)
    for i, a in enumerate(articles[2 * third:]):
        (folder / "pages" / f"page-{i:04d}.html").write_text(to_html(a), encoding="utf-8")
    if with_bad_file:
        whole = gzip.compress(b'{"id": "x", "text": "Police in Lusaka installed cameras."}\n' * 2000)
        (folder / "broken-archive.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    return len(articles)


def corpus_articles(n_stories: int, seed: int):
    from custodes.synthetic import corpus

    return corpus(n_stories, seed=seed, copies=(2, 4), syndicated_share=0.5)
