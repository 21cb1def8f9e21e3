"""URLs (being written)."""
from __future__ import annotations

from custodes.ingest.common import IngestOptions
from custodes.model import IngestError


class Fetcher:
    def __init__(self, opts: IngestOptions):
        self.opts = opts

    def read_url(self, url: str):
        yield IngestError(url, "URL reader not implemented yet")

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
