"""html reader (being written)."""
from __future__ import annotations

from custodes.ingest.common import ReadError


def read_html(stream, source, opts, **kwargs):
    raise ReadError("html reader not implemented yet")
    yield  # pragma: no cover
