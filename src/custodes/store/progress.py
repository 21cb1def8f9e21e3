"""A progress bar for long ingest runs: documents, documents/s, claims, errors (rich, on stderr)."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

from custodes.store.ingest import IngestSummary, ProgressCallback

REFRESH_EVERY_S = 0.2


@contextmanager
def progress_display(enabled: bool = True, stream: TextIO | None = None) -> Iterator[ProgressCallback | None]:
    """A `progress` callback for `ingest` that draws a live line, or None when disabled.

    Only draws on a terminal: a pipe or a log file gets the summary alone.
    """
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=stream)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        last = [0.0]

        def update(summary: IngestSummary) -> None:
            now = time.monotonic()
            if now - last[0] < REFRESH_EVERY_S:
                return
            last[0] = now
            bar.update(task, description=(
                f"{summary.documents} documents ({summary.documents_new} new) "
                f"{summary.documents_per_s:,.0f}/s  {summary.claims} claims  {summary.errors} errors"))

        yield update
