"""Exports of the deployment database: CSV, JSONL, GeoJSON and FollowTheMoney entities.

One module per format, each with `write(rows, fp)` over the plain dicts that
`custodes.query` yields; `export()` picks the rows and the writer.

    >>> from custodes.export import export
    >>> export("custodes.db", format="geojson", output="deployments.geojson", country="KE")
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import IO, Any, Iterator

FORMATS = ("csv", "jsonl", "geojson", "ftm")
WHATS = ("deployments", "claims")
# Which formats can write which rows: maps and entity graphs are made of deployments.
SUPPORTED = {"csv": WHATS, "jsonl": WHATS, "geojson": ("deployments",), "ftm": ("deployments",)}


@contextmanager
def _open_output(output: Any) -> Iterator[IO[str]]:
    if output is None or output == "-":
        yield sys.stdout
    elif hasattr(output, "write"):
        yield output
    else:
        with open(output, "w", encoding="utf-8", newline="") as fp:
            yield fp


def export(db: Any = None, *, format: str, output: Any = None, what: str = "deployments",
           **filters: Any) -> dict[str, int]:
    """Write the deployments (or claims) matching `filters` to `output` in `format`.

    `output` is a path, an open text file, or None/"-" for standard output;
    `filters` are the keywords of `custodes.query.query`. Returns counts:
    {"written": rows or entities written, "skipped": rows the format could not hold}.
    """
    from custodes.query import connect, iter_claims, iter_deployments

    if format not in FORMATS:
        raise ValueError(f"format: unknown export format {format!r}; choose one of: {', '.join(FORMATS)}")
    if what not in WHATS:
        raise ValueError(f"what: {what!r}; choose one of: {', '.join(WHATS)}")
    if what not in SUPPORTED[format]:
        raise ValueError(f"what: {format} exports hold {' or '.join(SUPPORTED[format])}, not {what}")
    writer = _writer(format)
    with connect(db) as reader:
        # Resolve filters before opening the output so a bad filter leaves no empty file.
        if what == "claims":
            rows = iter_claims(reader, **filters)
        else:
            rows = iter_deployments(reader, keep_geo=(format == "geojson"), **filters)
        first = next(rows, None)
        rows = _chain(first, rows)
        with _open_output(output) as fp:
            if format == "ftm":
                return writer.write(rows, fp, reader=reader)
            return writer.write(rows, fp, what=what) if format in ("csv", "jsonl") else writer.write(rows, fp)


def _chain(first: dict | None, rest: Iterator[dict]) -> Iterator[dict]:
    if first is not None:
        yield first
        yield from rest


def _writer(format: str):
    import importlib

    return importlib.import_module(f"custodes.export.{format}")


__all__ = ["FORMATS", "export"]
