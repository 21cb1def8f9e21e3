"""warc reader (being written)."""
from __future__ import annotations

from custodes.ingest.common import ReadError


def read_warc(stream, source, opts, **kwargs):
    raise ReadError("warc reader not implemented yet")
    yield  # pragma: no cover
