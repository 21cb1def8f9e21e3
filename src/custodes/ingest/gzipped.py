"""gzip: decompressed as a stream, with a cap that catches gzip bombs and a clear truncation error."""
from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from custodes.ingest.common import IngestOptions, ReadError
from custodes.ingest.sniff import HEAD_BYTES, choose_format


CHUNK_BYTES = 1 << 16


class BoundedGzip(io.RawIOBase):
    """A gzip stream (any number of members) that raises ReadError when it
    decompresses too much or ends early, after handing out every byte before the damage.

    Too much: past max_source_bytes when that is set, or past max_doc_bytes at a
    decompressed/compressed ratio above max_gzip_ratio (a bomb: real text rarely
    passes 20).
    """

    def __init__(self, raw: BinaryIO, opts: IngestOptions):
        self.raw = raw
        self.start = raw.tell()
        self.opts = opts
        self._reset()

    def _reset(self) -> None:
        self.out_bytes = 0
        self._d = None  # the current member's decompressor
        self._pending = b""  # compressed input not yet fed
        self._buf = b""
        self._done = False
        self._consumed = 0  # compressed bytes the decompressor has used
        self._failure: ReadError | None = None  # raised once the bytes before it are handed out

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("BoundedGzip only rewinds to the start")
        self.raw.seek(self.start)
        self._reset()
        return 0

    def tell(self) -> int:
        return self.out_bytes

    def readinto(self, b) -> int:
        while not self._buf and not self._done:
            if self._failure is not None:
                self._done = True
                raise self._failure
            self._buf = self._decompress_some()
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def _decompress_some(self) -> bytes:
        d = self._d
        if self._pending:
            data, self._pending = self._pending, b""
        elif d is not None and d.unconsumed_tail:
            data = d.unconsumed_tail
        else:
            data = self.raw.read(CHUNK_BYTES)
            if not data:
                self._done = True
                if d is not None:
                    raise ReadError(f"truncated gzip: the compressed stream ends early "
                                    f"(after {self.out_bytes} decompressed bytes)")
                return b""
        if d is None:
            if not data.strip(b"\x00"):
                return b""  # zero padding after the last member
            d = self._d = zlib.decompressobj(wbits=31)
        try:
            out = d.decompress(data, CHUNK_BYTES)
        except zlib.error as exc:
            self._done = True
            raise ReadError(f"corrupt gzip: {exc}", f"decompressed byte {self.out_bytes}") from None
        self._consumed += len(data) - len(d.unconsumed_tail)
        if d.eof:
            self._pending = d.unused_data
            self._consumed -= len(d.unused_data)
            self._d = None
        cap = self.opts.max_source_bytes
        if cap is not None and self.out_bytes + len(out) > cap:
            out = out[: max(0, cap - self.out_bytes)]
            self._failure = ReadError(f"decompressed size passed max_source_bytes ({cap} bytes)")
        self.out_bytes += len(out)
        self._check()
        return out

    def _check(self) -> None:
        if self.out_bytes > self.opts.max_doc_bytes:
            consumed = max(1, self._consumed)
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
    if fmt == "pdf":
        # pypdf seeks all over the file: give it a real (spooled) file of the decompressed bytes
        import tempfile

        with tempfile.SpooledTemporaryFile(max_size=4_000_000) as spool:
            copied = 0
            while chunk := buffered.read(1 << 20):
                copied += len(chunk)
                if copied > opts.max_doc_bytes:
                    raise ReadError(f"document larger than max_doc_bytes ({opts.max_doc_bytes} bytes)")
                spool.write(chunk)
            spool.seek(0)
            yield from read_stream(spool, source, opts, name=name, fmt=fmt, url=url, fetcher=fetcher)
        return
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
