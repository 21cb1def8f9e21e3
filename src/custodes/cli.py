"""The `custodes` command line: a thin shell over the library.

Each command is a few lines that call one public function; the flags use the
same words as the Python keyword arguments and the JSON fields.
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(
    help="custodes: a sourced database of state surveillance technology, built from public documents.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command()
def extract(
    input: str = typer.Argument(..., help="JSONL file of {id, text[, url, title, published]}, or - for standard input."),
    output: str = typer.Option("-", "--output", "-o", help="Where to write JSONL results; - for standard output."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first bad input line instead of reporting it and going on."),
    max_doc_bytes: int = typer.Option(10_000_000, "--max-doc-bytes", help="Longest input line accepted, in bytes; longer ones are reported and skipped."),
) -> None:
    """Extract surveillance deployment claims from a JSONL file, statelessly.

    Example: custodes extract examples/articles.jsonl -o claims.jsonl
    """
    from custodes.extract.batch import run_extract_jsonl

    failed = run_extract_jsonl(input, output, strict=strict, max_doc_bytes=max_doc_bytes, stderr=sys.stderr)
    raise typer.Exit(1 if failed else 0)


# -- database commands (ingest, query, profile, vendor, export) are registered below --

DB_HELP = "SQLite file or postgresql:// URL (default: $CUSTODES_DB, else custodes.db)."


@app.command()
def ingest(
    sources: list[str] = typer.Argument(..., help="Files, folders (recursive), http(s) URLs, or - for JSONL on standard input."),
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help=DB_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary; errors are still printed."),
    workers: int = typer.Option(None, "--workers", min=1, help="Extraction processes (default: the number of CPUs)."),
) -> None:
    """Read sources, extract their claims and store everything in the database.

    Running it again on the same sources adds nothing; a run that was killed
    is finished by running the same command again. Exit status 1 when any
    source, record or document failed (each is printed and kept in `errors`).

    Example: custodes ingest examples/ reports/ https://example.org/feed.xml --db custodes.db
    """
    from custodes.store import StoreError, ingest as run_ingest
    from custodes.store.progress import progress_display

    def report(error) -> None:
        print(f"error: {error}", file=sys.stderr, flush=True)

    try:
        with progress_display(enabled=not quiet) as progress:
            summary = run_ingest(sources, db=db, workers=workers, progress=progress, on_error=report)
    except StoreError as exc:
        report(exc)
        raise typer.Exit(1)
    if not quiet:
        print(summary.describe())
    raise typer.Exit(0 if summary.ok else 1)

# -- web commands (serve, demo) are registered below --


@app.command()
def serve(
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help="SQLite file or postgresql:// URL (default: $CUSTODES_DB, else custodes.db)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes."),
    cache_size: int = typer.Option(512, "--cache-size", min=0, help="Rendered responses kept per process (0: none); dropped when the database changes."),
) -> None:
    """Serve the web atlas (map, profiles, search, JSON API), read-only.

    Example: custodes serve --db custodes.db --port 8000
    """
    from custodes.web.app import serve as run_server
    from custodes.web.db import DatabaseError

    try:
        run_server(db or "custodes.db", host=host, port=port, workers=workers, cache_size=cache_size)
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1)


@app.command()
def demo(
    db: str = typer.Option("demo.db", "--db", help="Database to build from examples/ (SQLite file or postgresql:// URL)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    examples: str = typer.Option(None, "--examples", help="Folder of example documents (default: the bundled examples/)."),
) -> None:
    """Ingest the invented examples, print the busiest country's profile, then serve the atlas.

    Example: custodes demo --port 8000
    """
    from custodes.web.demo import EXAMPLES_DIR, run_demo

    raise typer.Exit(run_demo(db, examples=examples or EXAMPLES_DIR, host=host, port=port))


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
