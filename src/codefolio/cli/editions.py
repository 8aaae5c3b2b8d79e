"""`codefolio refdata import`, `refdata info` and `refdata diff`: the editions of the data
sets, shipped and imported, and what changed between them."""

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from codefolio.cli.output import err, fail, open_store, out
from codefolio.errors import CodefolioError, ReferenceDataError
from codefolio.fileio import write_atomic
from codefolio.refdata import ReferenceData, default_store_dir, forget_reference_data

if TYPE_CHECKING:  # the diff and import modules load with the command that uses them
    from codefolio.refdata.diff import EditionDiff


def refdata_import(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CMS or NUCC release files (csv, xlsx, xls, txt, xml) or the zips CMS ships.",
            show_default=False,
        ),
    ],
) -> None:
    """Add data set editions from release files as CMS and NUCC publish them.

    Reads the HCPCS alpha-numeric file, the ASP payment limit file and NDC-HCPCS
    crosswalk, the three MUE files of an edition, OPPS Addendum B, the NUCC taxonomy csv
    and the POS code system, a zip opened in place. The data set and edition are read
    from the file; a file that is cut off, not a known release or dated against its
    name is refused and the store stays as it was. Importing a file again changes
    nothing.

    Example: `codefolio refdata import HCPC2026_JAN_ANWEB.xlsx MCR_MUE_2026_Q3.zip`
    """
    from codefolio.refdata.importing import import_files

    try:
        with err.status("Reading the release files and rebuilding the store…"):
            result = import_files(files, default_store_dir())
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    forget_reference_data()
    table = Table("File", "Data set", "Edition", "Rows", "sha256", title="Release files read")
    for file in result.files:
        table.add_row(file.name, file.dataset, file.edition, f"{file.rows:,}", file.sha256[:16])
    out.print(table, markup=False)
    for label in result.added:
        out.print(f"added {label}", markup=False)
    for label in result.unchanged:
        out.print(f"unchanged {label}: the store already holds these rows", markup=False)


def refdata_info() -> None:
    """List every edition of every data set, shipped or imported.

    Each with its effective dates and its files with their sha256.

    Example: `codefolio refdata info`
    """
    try:
        ref = open_store()
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    table = Table("Data set", "Edition", "Effective", "Origin", "File, sha256", title=str(ref.path))
    table.columns[4].overflow = "fold"
    for dataset in ref.datasets():
        for release in dataset.releases:
            start = release.effective_start.isoformat() if release.effective_start else ""
            end = release.effective_end.isoformat() if release.effective_end else ""
            files = [
                f"{file.derived_from if release.origin == 'imported' else file.path}\n{file.sha256}"
                for file in release.files
            ] or [f"{release.source.package or ''} {release.source.path}".strip()]
            table.add_row(
                dataset.id,
                release.edition,
                f"{start}–{end}" if end else start,
                release.origin,
                "\n".join(files),
            )
    out.print(table, markup=False)


def _edition(ref: ReferenceData, text: str) -> tuple[str, str]:
    """`asp@2026q1` (an edition) or `asp@2026-02-15` (the edition in force on that date)."""
    dataset_id, sep, edition = text.partition("@")
    if not sep or not edition:
        raise ReferenceDataError(
            f"{text!r}: name an edition as DATASET@EDITION or DATASET@YYYY-MM-DD, "
            "e.g. asp@2026q1 or hcpcs@2026-01-01"
        )
    dataset = ref.dataset(dataset_id)
    if edition in dataset.editions:
        return dataset_id, edition
    try:
        day = datetime.strptime(edition, "%Y-%m-%d").date()
    except ValueError:
        dataset.release(edition)  # raises naming the editions held
        raise
    return dataset_id, dataset.in_force(day).edition


def refdata_diff(
    editions: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FROM TO]",
            help="Two editions of one data set: asp@2025q4 asp@2026q1, or by date: "
            "hcpcs@2025-01-01 hcpcs@2026-01-01.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        list[datetime] | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="Twice: compare every data set's editions in force on the two dates.",
            show_default=False,
        ),
    ] = None,
    codes: Annotated[
        str | None,
        typer.Option("--codes", metavar="CODES", help="Only these codes: J9306,J9355."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Also write an HTML page.")
    ] = None,
) -> None:
    """Show per code what changed between two editions of a data set.

    Codes added, terminated or re-described, MUE values and MAIs, ASP payment limits
    (amount and %), NDC packages added or removed, OPPS status indicator, APC and rate.

    Example: `codefolio refdata diff asp@2025q4 asp@2026q1 --codes J9306`
    """
    from codefolio.refdata.diff import diff_dates, diff_editions

    wanted = [c.strip() for c in codes.split(",") if c.strip()] if codes else None
    try:
        ref = open_store()
        diffs: list[EditionDiff]
        if as_of:
            if editions or len(as_of) != 2:
                raise ReferenceDataError("give --as-of twice (two dates), or FROM and TO")
            diffs = diff_dates(ref, as_of[0].date(), as_of[1].date(), wanted)
            title = f"Changes from {as_of[0].date()} to {as_of[1].date()}"
        else:
            if not editions or len(editions) != 2:
                raise ReferenceDataError("give FROM and TO editions, or --as-of twice")
            (first_id, first), (second_id, second) = (_edition(ref, e) for e in editions)
            if first_id != second_id:
                raise ReferenceDataError(
                    f"FROM and TO are editions of different data sets ({first_id}, {second_id})"
                )
            diffs = [diff_editions(ref, first_id, first, second, wanted)]
            title = f"Changes in {first_id} from {first} to {second}"
        if html is not None:
            from codefolio.render.diff import render_diff_html

            write_atomic(html, render_diff_html(diffs, title))
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    if as_json:
        out.print_json(data=[diff.model_dump() for diff in diffs])
        return
    if not diffs:
        out.print("The same editions are in force on both dates: nothing changed.")
    for diff in diffs:
        table = Table(
            "Code",
            "Change",
            title=f"{diff.dataset}: {diff.from_edition} → {diff.to_edition} "
            f"({len(diff.changes)} changes)",
        )
        for change in diff.changes:
            table.add_row(change.code, change.describe())
        out.print(table, markup=False)
