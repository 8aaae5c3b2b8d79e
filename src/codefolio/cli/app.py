"""`codefolio` command: build publications, the catalogue site and the schema; validate records."""

from __future__ import annotations

from datetime import date, datetime
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
from codefolio.refdata import (
    KINDS,
    ReferenceData,
    open_reference_data,
    rebuild_reference_data,
    store_needs_build,
)
from codefolio.refdata.report import CodeReport, report_code
from codefolio.render import RENDERERS, parse_formats
from codefolio.validation import validate_files
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
    """
    reports = validate_files(
        records, open_reference_data(), as_of.date() if as_of else date.today()
    )
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


refdata_app = typer.Typer(
    name="refdata",
    help="Manage the embedded reference data store (HCPCS, POS, NUCC, MUE, ASP, OPPS).",
    no_args_is_help=True,
)
app.add_typer(refdata_app, name="refdata")


def _open_reference_data() -> ReferenceData:
    """Open the store, with a spinner when the first use has to build it."""
    if store_needs_build():
        with err.status("Building the reference data store (first use)…"):
            return open_reference_data()
    return open_reference_data()


def _report_rows(report: CodeReport) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    if report.record is not None:
        cited = f"{report.record.dataset}@{report.record.edition}"
        for name, value in report.record.model_dump(exclude={"dataset", "edition"}).items():
            shown = ", ".join(value) if isinstance(value, list) else value
            rows.append((name, "" if shown is None else str(shown), cited))
    for mue in report.mue:
        value = f"{mue.value} (MAI {mue.mai} {mue.mai_description}; {mue.rationale})"
        rows.append((f"MUE {mue.setting}", value, f"{mue.dataset}@{mue.edition}"))
    if report.asp is not None:
        asp = report.asp
        limit = "N/A" if asp.payment_limit is None else f"${asp.payment_limit} per {asp.dosage}"
        rows.append(("ASP payment limit", limit, f"{asp.dataset}@{asp.edition}"))
    if report.opps is not None:
        opps = report.opps
        rate = "" if opps.payment_rate is None else f", rate ${opps.payment_rate}"
        value = f"SI {opps.status_indicator}, APC {opps.apc or '-'}{rate}"
        rows.append(("OPPS", value, f"{opps.dataset}@{opps.edition}"))
    for package in report.ndc_packages:
        value = (
            f"{package.hcpcs_code} {package.ndc} {package.drug_name} ({package.labeler}): "
            f"{package.billing_units_per_package} billing units per package"
        )
        rows.append(("NDC package", value, f"{package.dataset}@{package.edition}"))
    return rows


@app.command()
def lookup(
    code: Annotated[str, typer.Argument(help="The code to look up, e.g. J9306, JW, 11, C50.011.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", "-k", metavar="KIND", help=f"One of {', '.join(KINDS)}; inferred if omitted."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show what the shipped reference data sets hold for one code, with their editions.

    A HCPCS or CPT code also shows its MUE per setting, latest ASP payment limit, OPPS
    rate and NDC packages. Exits 1 for an unknown code, naming the nearest known ones.
    """
    try:
        report = report_code(_open_reference_data(), code, kind)
    except CodefolioError as error:
        raise _fail(error) from None
    if as_json:
        out.print_json(report.model_dump_json())
        return
    table = Table("Field", "Value", "Data set", title=f"{report.kind} {report.code}")
    for row in _report_rows(report):
        table.add_row(*row)
    out.print(table, markup=False)
    for note in report.notes:
        out.print(f"note: {note}", markup=False)


@refdata_app.command("build")
def refdata_build() -> None:
    """Rebuild the reference data store now; print its path, row counts and build time."""
    try:
        with err.status("Building the reference data store…"):
            report = rebuild_reference_data()
    except CodefolioError as error:
        raise _fail(error) from None
    table = Table("Table", "Rows", title=f"Built {report.path} in {report.seconds:.2f} s")
    for name, count in report.rows.items():
        table.add_row(name, f"{count:,}")
    out.print(table, markup=False)


@refdata_app.command("info")
def refdata_info() -> None:
    """List the shipped data sets: publisher, edition(s), effective date and files."""
    try:
        ref = _open_reference_data()
    except CodefolioError as error:
        raise _fail(error) from None
    table = Table("Id", "Name", "Publisher", "Edition", "Effective", "Files", title=str(ref.path))
    for dataset in ref.datasets():
        editions = dataset.edition
        if len(dataset.editions) > 1:
            editions = f"{dataset.editions[0]}…{dataset.edition} ({len(dataset.editions)})"
        effective = "" if dataset.effective is None else dataset.effective.isoformat()
        table.add_row(
            dataset.id,
            dataset.name,
            dataset.publisher,
            editions,
            effective,
            str(len(dataset.files)),
        )
    out.print(table, markup=False)


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
