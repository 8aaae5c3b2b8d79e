"""`codefolio` command: build publications, the catalogue site and the schema; validate records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from codefolio import __version__
from codefolio.build import build_publications
from codefolio.catalog import build_site
from codefolio.errors import CodefolioError, RecordError
from codefolio.records import load_record, missing_elements
from codefolio.render import RENDERERS, parse_formats
from codefolio.render.json import publication_schema

app = typer.Typer(
    name="codefolio",
    help="Publish billing-code reference guides from one input record per code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

RecordsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Record files (.yaml, .yml or .json), one billing code each.", show_default=False
    ),
]


def _fail(error: CodefolioError) -> typer.Exit:
    err.print(f"error: {error}", markup=False)
    return typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        out.print(f"codefolio {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Publish billing-code reference guides from one input record per code."""


@app.command()
def build(
    records: RecordsArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the publications.")
    ] = Path("out"),
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMATS",
            help=f"Comma-separated formats: {', '.join(RENDERERS)}.",
        ),
    ] = "md,txt",
) -> None:
    """Build one publication per record: OUTPUT/<code>.<format>.

    Every record is checked first; if any is invalid nothing is written.
    """
    try:
        built = build_publications(records, output, parse_formats(formats))
    except CodefolioError as error:
        raise _fail(error) from None
    table = Table("Code", "Format", "File", "Bytes", title=f"{len(built)} files written")
    for item in built:
        table.add_row(item.code, item.fmt, str(item.path), f"{item.size:,}")
    out.print(table)


@app.command()
def validate(records: RecordsArg) -> None:
    """Check records: print every problem and the missing required elements of each.

    Exits 1 when any record has an error; missing elements alone are not errors.
    """
    invalid = 0
    for path in records:
        try:
            record = load_record(path)
        except RecordError as error:
            invalid += 1
            err.print(f"✗ {error}", markup=False)
            continue
        gaps = missing_elements(record)
        status = f"✓ {path}: {record.code} is valid"
        if not gaps:
            out.print(f"{status}; no required element is missing", markup=False)
            continue
        out.print(f"{status}; {len(gaps)} required element(s) missing:", markup=False)
        for gap in gaps:
            out.print(f"  - {gap.field}: {gap.label}", markup=False)
    if len(records) > 1:
        out.print(
            f"{len(records)} records checked: {len(records) - invalid} valid, {invalid} invalid",
            markup=False,
        )
    if invalid:
        raise typer.Exit(1)


@app.command()
def site(
    records_dir: Annotated[
        Path,
        typer.Argument(
            metavar="RECORDS_DIR",
            help="Folder of record files (.yaml, .yml or .json).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="SITE_DIR", help="Folder for the site.")
    ] = Path("site"),
) -> None:
    """Build the static catalogue site: SITE_DIR/index.html and one page per code.

    The site is built in a temporary folder and swapped in, so a failed build leaves the
    previous site as it was.
    """
    try:
        report = build_site(records_dir, output)
    except CodefolioError as error:
        raise _fail(error) from None
    out.print(
        f"site written: {report.pages} publications, {report.files} files, "
        f"{report.size:,} bytes in {report.site_dir}; open {report.site_dir / 'index.html'}",
        markup=False,
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema that every JSON publication (--format json) validates against."""
    typer.echo(json.dumps(publication_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    app()
