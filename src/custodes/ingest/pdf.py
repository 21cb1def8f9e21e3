"""pdf reader (being written)."""
from __future__ import annotations

from custodes.ingest.common import ReadError


def read_pdf(stream, source, opts, **kwargs):
    raise ReadError("pdf reader not implemented yet")
    yield  # pragma: no cover
