"""`codefolio catalog build` (a whole catalogue from a folder of records or a sheet) and
`codefolio scaffold` (starter records for code ranges)."""

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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
from codefolio.errors import CodefolioError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

catalog_app = typer.Typer(
    help="Build whole catalogues: many records into publications, an index and a report.\n\n"
    "Example: `codefolio catalog build examples -o catalog`",
    no_args_is_help=True,
)


class _Bar:
    """A Rich progress bar on stderr, shown only when there is something to build."""

    def __init__(self) -> None:
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        if total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
            self.progress = Progress(*columns, TimeRemainingColumn(), console=err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("Publishing", total=total)

    def advance(self) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@catalog_app.command("build")
def build_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="SOURCE",
            help="A folder of record files (.yaml, .yml, .json) or a catalogue sheet "
            "(.csv or .xlsx, one row per code).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the catalogue.")
    ] = Path("catalog"),
    formats: FormatsOption = "md,html,json",
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes (default: one per CPU).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    paper: PaperOption = "letter",
) -> None:
    """Build every record of SOURCE into DIR: publications, an index and a report.

    DIR receives each record's publications in every format, index.html and report.html.

    Unchanged publications are skipped; a failing record does not stop the others, and
    all failures are listed at the end (exit 1).

    Example: `codefolio catalog build examples -o catalog --format md,html,pdf`
    """
    from codefolio.catalog.build import build_catalog
    from codefolio.render import parse_formats

    try:
        names = parse_formats(formats)
        open_store()  # shows a spinner when the first use builds the store
        bar = _Bar()
        try:
            result = build_catalog(
                source,
                output,
                names,
                strict=strict,
                workers=jobs,
                as_of=as_of_date(as_of),
                paper=paper,
                progress=bar,
            )
        finally:
            bar.stop()
        for row in result.rows:
            for finding in row.findings:
                if finding.severity == "warning":
                    warn(finding.where)
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    for note in result.notes:
        out.print(note, markup=False)
    for row in result.rows:
        if row.status == "built" and row.changes:
            out.print(f"republished {row.code}: {'; '.join(row.changes)}", markup=False)
    out.print(
        f"{len(result.built)} built, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed, {len(result.failures)} failed in {output}; "
        f"report: {output / 'report.html'}",
        markup=False,
    )
    if result.failures:
        err.print(f"{len(result.failures)} record(s) failed:", markup=False)
        for failure in result.failures:
            for number, problem in enumerate(failure.problems):
                err.print(f"{'  ' if number else '✗ '}{problem}", markup=False)
    for problem in result.errors:
        err.print(f"error: {problem}", markup=False)
    if not result.ok:
        raise typer.Exit(1)


def scaffold(
    codes: Annotated[
        str,
        typer.Option(
            "--codes",
            "-c",
            metavar="CODES",
            help="HCPCS Level II codes: ranges and lists, e.g. J9000-J9999 or J9306,J9355.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder for the records.")
    ] = Path("records"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite records that already exist.")
    ] = False,
) -> None:
    """Write starter records (DIR/CODE.yaml) prefilled from the reference data.

    Fills the HCPCS descriptor, the drug name it plainly states, its billing unit and the
    NDC packages of the latest ASP crosswalk; an existing record is kept unless --force.

    Example: `codefolio scaffold --codes J9000-J9999 -o records`
    """
    from codefolio.catalog.scaffold import scaffold_records

    try:
        result = scaffold_records(codes, output, open_store(), force=force)
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    out.print(f"{len(result.written)} starter record(s) written to {output}", markup=False)
    if result.existing:
        out.print(
            f"{len(result.existing)} skipped: the record exists (use --force to overwrite): "
            + _some(str(path) for path in result.existing),
            markup=False,
        )
    if result.terminated:
        out.print(
            f"{len(result.terminated)} skipped: terminated in the HCPCS file: "
            + _some(f"{code} ({end.isoformat()})" for code, end in result.terminated),
            markup=False,
        )
    if result.unknown:
        err.print(
            f"{len(result.unknown)} skipped: not in the shipped HCPCS file: "
            + _some(result.unknown),
            markup=False,
        )
    if not result.written and not result.existing:
        raise typer.Exit(1)


def _some(items: Iterable[str], limit: int = 10) -> str:
    """The first few of a long list, and how many more."""
    shown = list(items)
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" and {more} more" if more > 0 else "")
