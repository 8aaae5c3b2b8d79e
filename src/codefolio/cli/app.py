"""`codefolio` command: build publications, the catalogue site and the schema; validate records."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from codefolio.cli.catalog import catalog_app, scaffold
from codefolio.cli.claims import claims_app
from codefolio.cli.help import readable_help
from codefolio.cli.output import (
    AsOfOption,
    FormatsOption,
    PaperOption,
    as_of_date,
    err,
    fail,
    open_store,
    out,
    warn,
)
from codefolio.cli.reference import lookup, refdata_app
from codefolio.errors import CodefolioError, RecordError

# Each command imports what it uses when it runs: `lookup` never loads compose or render.

app = typer.Typer(
    name="codefolio",
    help="Publish billing-code reference guides from one input record per code.\n\n"
    "Example: `codefolio build examples/J9306.yaml -o out --format md,html,pdf`",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(refdata_app, name="refdata")
app.add_typer(catalog_app, name="catalog")
app.add_typer(claims_app, name="claims")
app.command()(lookup)
app.command()(scaffold)

RecordsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Record files (.yaml, .yml or .json), one billing code each.", show_default=False
    ),
]


def _version(value: bool) -> None:
    if value:
        from codefolio import __version__

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
    formats: FormatsOption = "md,txt",
    as_of: AsOfOption = None,
    paper: PaperOption = "letter",
) -> None:
    """Build one publication per record: OUTPUT/CODE.FORMAT for each format.

    Every record is checked first; if any is invalid nothing is written. Warnings are
    printed with their file and line, and shown in each publication's Review notes. PDF
    pages are US Letter unless --paper a4.

    Example: `codefolio build examples/J9306.yaml -o out --format md,html,pdf`
    """
    from rich.table import Table

    from codefolio.build import build_publications
    from codefolio.render import parse_formats

    try:
        open_store()  # shows a spinner when the first use builds the store
        built = build_publications(
            records, output, parse_formats(formats), as_of_date(as_of), report=warn, paper=paper
        )
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    table = Table("Code", "Format", "File", "Bytes", title=f"{len(built)} files written")
    for item in built:
        table.add_row(item.code, item.fmt, str(item.path), f"{item.size:,}")
    out.print(table)


@app.command()
def validate(
    records: RecordsArg,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="Date for termination checks (YYYY-MM-DD); default today.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check records against the record format and the official code sets.

    Prints every error (unknown codes, bad fields), every warning (terminated codes, input
    that differs from a data set) and the required elements missing from each record.
    Exits 1 when any record has an error; warnings and missing elements are not errors.

    Example: `codefolio validate examples/*.yaml --as-of 2026-01-01`
    """
    from codefolio.validation import validate_files

    try:
        reports = validate_files(records, open_store(), as_of.date() if as_of else date.today())
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    for report in reports:
        if not report.valid:
            err.print(f"✗ {RecordError(report.errors)}", markup=False)
            continue
        gaps = report.gaps
        status = f"✓ {report.path}: {report.code} is valid"
        if report.warnings:
            status += f" with {len(report.warnings)} warning(s)"
        if gaps:
            out.print(f"{status}; {len(gaps)} required element(s) missing:", markup=False)
        else:
            out.print(f"{status}; no required element is missing", markup=False)
        for warning in report.warnings:
            out.print(f"  warning: {warning}", markup=False)
        for gap in gaps:
            out.print(f"  - {gap.field}: {gap.label}", markup=False)
    invalid = sum(not report.valid for report in reports)
    if len(reports) > 1:
        out.print(
            f"{len(reports)} records checked: {len(reports) - invalid} valid, {invalid} invalid",
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
    as_of: AsOfOption = None,
) -> None:
    """Build the static catalogue site: SITE_DIR/index.html and one page per code.

    The site is built in a temporary folder and swapped in, so a failed build leaves the
    previous site as it was.

    Example: `codefolio site examples -o site`
    """
    from codefolio.catalog import build_site

    try:
        open_store()  # shows a spinner when the first use builds the store
        report = build_site(records_dir, output, as_of_date(as_of), report=warn)
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    out.print(
        f"site written: {report.pages} publications, {report.files} files, "
        f"{report.size:,} bytes in {report.site_dir}; open {report.site_dir / 'index.html'}",
        markup=False,
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema that JSON publications (--format json) validate against.

    Example: `codefolio schema > publication.schema.json`
    """
    from codefolio.render.json import publication_schema

    typer.echo(json.dumps(publication_schema(), indent=2, ensure_ascii=False))


readable_help(app)


def main() -> None:
    """The console script as installs made before `codefolio.cli.main` name it."""
    from codefolio.cli import main as console_script

    console_script()
