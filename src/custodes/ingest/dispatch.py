"""Route each source (file, directory, URL, "-") to the reader its content needs."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError
from custodes.ingest.sniff import HEAD_BYTES, choose_format, format_from_name, inner_name, sniff_content
from custodes.model import Document, IngestError

Item = Document | IngestError
_OTHER_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class LazyFetcher:
    """One Fetcher (HTTP client and robots.txt cache) for a whole batch, made on first use."""

    def __init__(self, opts: IngestOptions):
        self.opts = opts
        self._fetcher = None

    def get(self):
        if self._fetcher is None:
            from custodes.ingest.fetch import Fetcher

            self._fetcher = Fetcher(self.opts)
        return self._fetcher

    def read_url(self, url: str):
        return self.get().read_url(url)

    def fetch_document(self, url: str):
        return self.get().fetch_document(url)

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None


@dataclass(frozen=True, slots=True)
class _File:
    """One file to read; explicit when the user named it (not found in a directory walk)."""

    path: Path
    explicit: bool


@dataclass(frozen=True, slots=True)
class PendingFile:
    """A file holding one document, left for the caller to read where it likes (another process).

    `iter_sources(..., defer_files=True)` yields these instead of reading the files.
    """

    path: Path
    explicit: bool

    def read(self, opts: IngestOptions) -> list[Item]:
        """Its Document (or IngestError), exactly as `iter_sources` would have yielded them."""
        return list(_guarded(read_file(self.path, opts, explicit=self.explicit), str(self.path)))


Step = _File | IngestError | Iterator[Item]


def iter_sources(sources: Iterable[str], opts: IngestOptions, *,
                 defer_files: bool = False) -> Iterator[Item | PendingFile]:
    """Every document of every source, in the order given; one HTTP client for the batch.

    With opts.workers > 1, HTML and PDF files are read in a
    process pool; the output is the same, in the same order, as with one worker.
    With defer_files, each file that holds one document (text, HTML, PDF) comes
    as a PendingFile for the caller to read, so reading can go with the rest of
    a document's work in the caller's own processes.
    """
    fetcher = LazyFetcher(opts)
    try:
        plan = _plan(sources, opts, fetcher)
        if defer_files:
            for step in plan:
                if _single_document(step, opts):
                    yield PendingFile(step.path, step.explicit)
                else:
                    yield from _run(step, opts, fetcher)
        elif opts.workers > 1:
            yield from _run_parallel(plan, opts, fetcher)
        else:
            for step in plan:
                yield from _run(step, opts, fetcher)
    finally:
        fetcher.close()


def read_path(path: Path, opts: IngestOptions, *, fetcher=None) -> Iterator[Item]:
    """Every document in a file, or in a directory's files (recursively, sorted by path)."""
    for step in _plan_path(path):
        yield from _run(step, opts, fetcher)


def _plan(sources: Iterable[str], opts: IngestOptions, fetcher) -> Iterator[Step]:
    """What to read, source by source and file by file, in order."""
    for source in sources:
        source = str(source)
        if source == "-":
            import sys

            from custodes.ingest.jsonl import read_jsonl

            yield _guarded(read_jsonl(sys.stdin.buffer, "-", opts), "-")
        elif source.lower().startswith(("http://", "https://")):
            yield _guarded(fetcher.read_url(source), source)
        elif _OTHER_URL.match(source):
            scheme = source.split(":", 1)[0]
            yield IngestError(source, f"unsupported URL scheme: {scheme} (only http and https are fetched)")
        else:
            yield from _plan_path(Path(source))


def _plan_path(path: Path) -> Iterator[Step]:
    source = str(path)
    try:
        if path.is_dir():
            yield from _plan_dir(path)
        elif not path.exists():
            yield IngestError(source, "no such file or directory")
        else:
            yield _File(path, explicit=True)
    except OSError as exc:
        yield IngestError(source, f"cannot read: {exc.strerror or exc}")


def _plan_dir(root: Path) -> Iterator[Step]:
    """Files under root in sorted path order ("a/9.txt" before "b/2.txt" before "z.txt"),
    so the same tree always yields the same documents in the same order.
    Hidden files and directories (".git", ".DS_Store") are skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        yield IngestError(str(root), f"cannot list directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)  # no symlink loops
        except OSError:
            is_dir = False
        if is_dir:
            yield from _plan_dir(path)
        else:
            yield _File(path, explicit=False)


def _run(step: Step, opts: IngestOptions, fetcher) -> Iterator[Item]:
    if isinstance(step, IngestError):
        yield step
    elif isinstance(step, _File):
        yield from _guarded(read_file(step.path, opts, explicit=step.explicit, fetcher=fetcher), str(step.path))
    else:
        yield from step


# formats whose files hold one document each and cost milliseconds to read: worth
# sending to another process (plain text reads faster than it pickles back)
_POOL_FORMATS = {"html", "pdf"}
_SINGLE_DOCUMENT_FORMATS = {"html", "pdf", "text"}


def _poolable(step: Step, opts: IngestOptions, formats: set[str] = _POOL_FORMATS) -> bool:
    if not isinstance(step, _File) or format_from_name(step.path.name) not in formats:
        return False
    try:
        return step.path.stat().st_size <= opts.max_doc_bytes
    except OSError:
        return False


def _single_document(step: Step, opts: IngestOptions) -> bool:
    """A file whose name and first bytes both promise one document (not, say, JSONL named .txt)."""
    if not _poolable(step, opts, _SINGLE_DOCUMENT_FORMATS):
        return False
    try:
        with open(step.path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return False
    return choose_format(step.path.name, head) in _SINGLE_DOCUMENT_FORMATS


def _read_file_items(path: Path, opts: IngestOptions, explicit: bool) -> list[Item]:
    """Runs in a worker process: every item of one single-document file."""
    return list(_guarded(read_file(path, opts, explicit=explicit), str(path)))


def _run_parallel(plan: Iterator[Step], opts: IngestOptions, fetcher) -> Iterator[Item]:
    """Single-document files go to a process pool, a bounded window ahead; everything
    else is read here once the files before it are done, so the order never changes."""
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    window = 4 * opts.workers
    pending: deque = deque()
    pool: ProcessPoolExecutor | None = ProcessPoolExecutor(max_workers=opts.workers)

    def drain(keep: int) -> Iterator[Item]:
        while len(pending) > keep:
            step, future = pending.popleft()
            try:
                items = future.result()
            except BrokenProcessPool:
                items = list(_run(step, opts, fetcher))  # a worker died: read this file here
            except Exception as exc:
                items = [IngestError(str(step.path), f"reader process failed: {type(exc).__name__}: {exc}")]
            yield from items

    try:
        for step in plan:
            if pool is not None and _poolable(step, opts):
                try:
                    pending.append((step, pool.submit(_read_file_items, step.path, opts, step.explicit)))
                except (BrokenProcessPool, RuntimeError):
                    pool = None
                    yield from drain(0)
                    yield from _run(step, opts, fetcher)
                    continue
                yield from drain(window)
            else:
                yield from drain(0)
                yield from _run(step, opts, fetcher)
        yield from drain(0)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def read_file(path: Path, opts: IngestOptions, *, explicit: bool = True, fetcher=None) -> Iterator[Item]:
    """Every document in one file. In a directory walk (explicit=False), files that
    are neither a known extension nor a recognisable format are skipped quietly."""
    source = str(path)
    size = path.stat().st_size
    if opts.max_source_bytes is not None and size > opts.max_source_bytes:
        yield IngestError(source, f"file is {size} bytes, over max_source_bytes ({opts.max_source_bytes})")
        return
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
        f.seek(0)
        fmt = choose_format(path.name, head)
        if not explicit and format_from_name(path.name) is None and sniff_content(head) in (None, "binary"):
            return  # not a document format: images, scripts, notes without an extension
        yield from read_stream(f, source, opts, name=path.name, fmt=fmt, size=size, fetcher=fetcher)


def read_stream(stream: BinaryIO, source: str, opts: IngestOptions, *, name: str,
                fmt: str | None = None, url: str | None = None, size: int | None = None,
                fetcher=None) -> Iterator[Item]:
    """Every document in a binary stream of a known (or sniffed) format.

    The stream must be seekable; `name` (a file name or URL path) helps choose the reader.
    """
    if fmt is None:
        head = stream.read(HEAD_BYTES)
        stream.seek(0)
        fmt = choose_format(name, head)
    if fmt == "gzip":
        from custodes.ingest.gzipped import read_gzip

        yield from read_gzip(stream, source, opts, name=inner_name(name), url=url, fetcher=fetcher)
        return
    if fmt == "binary":
        expected = format_from_name(name)
        what = {"html": "HTML", "feed": "a feed", "json": "JSON", "jsonl": "JSONL"}.get(expected or "", "text")
        raise ReadError(f"not {what}: binary content")
    if fmt == "text":
        from custodes.ingest.text import read_text

        yield from read_text(stream, source, opts, url=url, size=size)
    elif fmt == "html":
        from custodes.ingest.html import read_html

        yield from read_html(stream, source, opts, url=url, size=size)
    elif fmt == "pdf":
        from custodes.ingest.pdf import read_pdf

        yield from read_pdf(stream, source, opts, url=url)
    elif fmt in ("json", "jsonl"):
        from custodes.ingest.jsonl import read_json, read_jsonl

        yield from (read_jsonl if fmt == "jsonl" else read_json)(stream, source, opts)
    elif fmt == "feed":
        from custodes.ingest.feed import read_feed

        yield from read_feed(stream, source, opts, url=url, fetcher=fetcher)
    elif fmt == "warc":
        from custodes.ingest.warc import read_warc

        yield from read_warc(stream, source, opts)
    else:  # pragma: no cover - choose_format only returns the formats above
        raise ReadError(f"unsupported format: {fmt}")


def _guarded(items: Iterator[Item], source: str) -> Iterator[Item]:
    """Turn a reader's ReadError (or an unexpected crash) into an IngestError; the batch goes on."""
    try:
        yield from items
    except ReadError as exc:
        yield exc.to_error(source)
    except MemoryError:
        yield IngestError(source, "out of memory while reading (lower max_doc_bytes)")
    except OSError as exc:
        yield IngestError(source, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a reader bug must not stop the batch; name it plainly
        yield IngestError(source, f"unexpected {type(exc).__name__}: {exc}")
