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
) -> None:
    """Extract surveillance deployment claims from a JSONL file, statelessly.

    Example: custodes extract examples/articles.jsonl -o claims.jsonl
    """
    from custodes.extract.batch import run_extract_jsonl

    failed = run_extract_jsonl(input, output, strict=strict, stderr=sys.stderr)
    raise typer.Exit(1 if failed else 0)


# -- database commands (ingest, query, profile, vendor, export) are registered below --

# -- web commands (serve, demo) are registered below --


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
