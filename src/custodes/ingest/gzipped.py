"""gzip: decompressed as a stream, with a cap that catches gzip bombs and a clear truncation error."""
from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError
from custodes.ingest.sniff import HEAD_BYTES, choose_format


class BoundedGzip(io.RawIOBase):
    """A gzip stream that raises ReadError when it decompresses too much or ends early.

    Too much: past max_source_bytes when that is set, or past max_doc_bytes at a
    decompressed/compressed ratio above max_gzip_ratio (a bomb: real text rarely
    passes 20).
    """

    def __init__(self, raw: BinaryIO, opts: IngestOptions):
        self.raw = raw
        self.start = raw.tell() if raw.seekable() else 0
        self.gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self.opts = opts
        self.out_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("BoundedGzip only rewinds to the start")
        self.gz.seek(0)
        self.out_bytes = 0
        return 0

    def tell(self) -> int:
        return self.out_bytes

    def readinto(self, b) -> int:
        try:
            n = self.gz.readinto(b)
        except EOFError:
            raise ReadError(f"truncated gzip: the compressed stream ends early "
                            f"(after {self.out_bytes} decompressed bytes)") from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise ReadError(f"corrupt gzip: {exc}", f"decompressed byte {self.out_bytes}") from None
        self.out_bytes += n
        self._check()
        return n

    def _check(self) -> None:
        cap = self.opts.max_source_bytes
        if cap is not None and self.out_bytes > cap:
            raise ReadError(f"decompressed size passed max_source_bytes ({cap} bytes)")
        if self.out_bytes > self.opts.max_doc_bytes:
            consumed = max(1, (self.raw.tell() if self.raw.seekable() else 1) - self.start)
            ratio = self.out_bytes / consumed
            if ratio > self.opts.max_gzip_ratio:
                raise ReadError(f"gzip bomb: {self.out_bytes} bytes decompressed from {consumed} "
                                f"(ratio {ratio:.0f}, limit {self.opts.max_gzip_ratio:.0f})")


def read_gzip(stream: BinaryIO, source: str, opts: IngestOptions, *, name: str,
              url: str | None = None, fetcher=None) -> Iterator:
    """Every document inside a gzip file, read by the reader its decompressed content needs."""
    from custodes.ingest.dispatch import read_stream

    start = stream.tell()
    head = _peek(stream, HEAD_BYTES)
    stream.seek(start)
    fmt = choose_format(name, head)
    if fmt == "warc":
        # warcio reads gzip members itself, and reports offsets in the compressed file
        stream.seek(start)
        from custodes.ingest.warc import read_warc

        yield from read_warc(stream, source, opts)
        return
    if fmt == "gzip":
        raise ReadError("gzip inside gzip is not read")
    inner = BoundedGzip(stream, opts)
    buffered = io.BufferedReader(inner, buffer_size=1 << 16)
    yield from read_stream(_Rewindable(buffered, inner), source, opts, name=name, fmt=fmt, url=url, fetcher=fetcher)


def _peek(stream: BinaryIO, n: int) -> bytes:
    """The first n decompressed bytes, without raising on a damaged or truncated stream."""
    d = zlib.decompressobj(wbits=31)
    try:
        return d.decompress(stream.read(65536), n)
    except zlib.error:
        return b""


class _Rewindable(io.BufferedIOBase):
    """A buffered gzip stream that can rewind to its start (readers peek at their head)."""

    def __init__(self, buffered: io.BufferedReader, inner: BoundedGzip):
        self.buffered = buffered
        self.inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self.buffered.read(n)

    def read1(self, n: int = -1) -> bytes:
        return self.buffered.read1(n)

    def readline(self, limit: int = -1) -> bytes:
        return self.buffered.readline(limit)

    def readinto(self, b) -> int:
        return self.buffered.readinto(b)

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("only rewinds to the start")
        self.inner.seek(0)
        self.buffered = io.BufferedReader(self.inner, buffer_size=1 << 16)
        return 0

    def tell(self) -> int:
        raise io.UnsupportedOperation("no tell on a gzip stream")
