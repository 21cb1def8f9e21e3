"""feed reader (being written)."""
from __future__ import annotations

from custodes.ingest.common import ReadError


def read_feed(stream, source, opts, **kwargs):
    raise ReadError("feed reader not implemented yet")
    yield  # pragma: no cover
