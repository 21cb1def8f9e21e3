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
    workers: int = typer.Option(None, "--workers", min=1, help="Processes that read, extract and sign documents (default: the number of CPUs)."),
    commit_every: int = typer.Option(None, "--commit-every", min=1, help="Documents written per transaction (default 1000; the last takes what is left): a kill loses at most those not yet committed; more is faster."),
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
            summary = run_ingest(sources, db=db, workers=workers, progress=progress, on_error=report,
                                 commit_every=commit_every)
    except StoreError as exc:
        report(exc)
        raise typer.Exit(1)
    if not quiet:
        print(summary.describe())
    raise typer.Exit(0 if summary.ok else 1)

# -- questions and exports (custodes.query, custodes.export) ---------------------------


def _choice(value: str, choices: tuple[str, ...], flag: str) -> str:
    if value not in choices:
        raise typer.BadParameter(f"{value!r}; choose one of: {', '.join(choices)}", param_hint=flag)
    return value


def _fail(exc: Exception) -> None:
    """Bad input (an unknown country, a missing database) as one line, exit status 2."""
    print(f"error: {exc}", file=sys.stderr, flush=True)
    raise typer.Exit(2)


_COUNTRY_HELP = "Country using it: ISO code (KP) or name (North Korea)."
_SUPPLIER_HELP = "Country the supplier comes from: ISO code or name."


@app.command()
def query(
    country: str = typer.Option(None, "--country", help=_COUNTRY_HELP),
    technology: str = typer.Option(None, "--technology", help="Taxonomy technology ID, e.g. facial_recognition."),
    vendor: str = typer.Option(None, "--vendor", help="Vendor name or alias, any case."),
    supplier_country: str = typer.Option(None, "--supplier-country", help=_SUPPLIER_HELP),
    status: str = typer.Option(None, "--status", help="deployed, planned, trial, development, halted or alleged."),
    since: str = typer.Option(None, "--since", help="Keep deployments with a claim published on or after YYYY[-MM[-DD]]."),
    until: str = typer.Option(None, "--until", help="... and on or before YYYY[-MM[-DD]]."),
    min_sources: int = typer.Option(None, "--min-sources", min=0, help="Least number of independent story clusters."),
    limit: int = typer.Option(None, "--limit", min=1, help="At most this many deployments."),
    format: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help=DB_HELP),
) -> None:
    """Deployments matching the filters, most independently sourced first.

    Example: custodes query --country "North Korea" --supplier-country China --since 2024 --format json
    """
    from custodes.query import query as run_query

    _choice(format, ("table", "json", "csv"), "--format")
    try:
        rows = run_query(db, country=country, technology=technology, vendor=vendor,
                         supplier_country=supplier_country, status=status, since=since,
                         until=until, min_sources=min_sources, limit=limit)
    except (ValueError, OSError) as exc:
        _fail(exc)
    if format == "json":
        from custodes.render import dump_json

        dump_json(rows)
    elif format == "csv":
        from custodes.export import csv as csv_export

        csv_export.write(rows, sys.stdout)
    else:
        from custodes.render import console, print_deployments

        print_deployments(rows, console())


@app.command()
def profile(
    country: str = typer.Argument(..., help="ISO code (KP) or name (North Korea)."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help=DB_HELP),
) -> None:
    """One country: technologies by status, suppliers, settings, timeline, strongest evidence.

    Example: custodes profile "North Korea" --format json
    """
    from custodes.query import country_profile

    _choice(format, ("text", "json"), "--format")
    try:
        result = country_profile(db, country)
    except (ValueError, OSError) as exc:
        _fail(exc)
    from custodes.render import console, dump_json, print_country_profile

    dump_json(result) if format == "json" else print_country_profile(result, console())


@app.command()
def vendor(
    name: str = typer.Argument(..., help="Vendor name or alias, any case (hikvision, Hangzhou Hikvision)."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help=DB_HELP),
) -> None:
    """One vendor: countries supplied (technologies, statuses), technologies, evidence.

    Example: custodes vendor Hikvision --format json
    """
    from custodes.query import vendor_profile

    _choice(format, ("text", "json"), "--format")
    try:
        result = vendor_profile(db, name)
    except (ValueError, OSError) as exc:
        _fail(exc)
    from custodes.render import console, dump_json, print_vendor_profile

    dump_json(result) if format == "json" else print_vendor_profile(result, console())


@app.command()
def export(
    format: str = typer.Option(..., "--format", "-f", help="csv, jsonl, geojson (QGIS) or ftm (FollowTheMoney, for Aleph)."),
    output: str = typer.Option("-", "--output", "-o", help="File to write; - for standard output."),
    what: str = typer.Option("deployments", "--what", help="deployments, or claims (csv and jsonl: one row per claim with its evidence)."),
    country: str = typer.Option(None, "--country", help=_COUNTRY_HELP),
    technology: str = typer.Option(None, "--technology", help="Taxonomy technology ID."),
    vendor: str = typer.Option(None, "--vendor", help="Vendor name or alias."),
    supplier_country: str = typer.Option(None, "--supplier-country", help=_SUPPLIER_HELP),
    status: str = typer.Option(None, "--status", help="Status ID."),
    since: str = typer.Option(None, "--since", help="YYYY[-MM[-DD]]"),
    until: str = typer.Option(None, "--until", help="YYYY[-MM[-DD]]"),
    min_sources: int = typer.Option(None, "--min-sources", min=0, help="Least number of independent story clusters."),
    limit: int = typer.Option(None, "--limit", min=1, help="At most this many rows."),
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help=DB_HELP),
) -> None:
    """Write deployments (or claims) as CSV, JSONL, GeoJSON or FollowTheMoney entities.

    Takes the same filters as `custodes query`.

    Example: custodes export --format geojson -o deployments.geojson --supplier-country CN
    """
    from custodes.export import FORMATS, export as run_export

    _choice(format, FORMATS, "--format")
    try:
        counts = run_export(db, format=format, output=output, what=what, country=country,
                            technology=technology, vendor=vendor, supplier_country=supplier_country,
                            status=status, since=since, until=until, min_sources=min_sources,
                            limit=limit)
    except (ValueError, OSError) as exc:
        _fail(exc)
    note = f"{counts['written']} {'entities' if format == 'ftm' else what} written"
    if counts["skipped"]:
        note += f"; {counts['skipped']} left out (their country has no coordinates)"
    if output != "-" or counts["skipped"]:
        print(note + (f" to {output}" if output != "-" else ""), file=sys.stderr)


@app.command("datasette-metadata")
def datasette_metadata(
    output: str = typer.Option("-", "--output", "-o", help="File to write; - for standard output."),
    db: str = typer.Option(None, "--db", envvar="CUSTODES_DB", help="The SQLite file Datasette will serve (default: $CUSTODES_DB, else custodes.db)."),
) -> None:
    """Write Datasette metadata (table and column descriptions, facets) for a custodes SQLite file.

    Example: custodes datasette-metadata --db custodes.db -o metadata.json && datasette serve custodes.db --metadata metadata.json
    """
    import json

    from custodes.export.datasette import metadata
    from custodes.query import resolve_db

    text = json.dumps(metadata(resolve_db(db)), indent=2, ensure_ascii=False) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


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
