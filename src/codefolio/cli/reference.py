"""`codefolio lookup` and `codefolio refdata`: the shipped reference data sets."""

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from codefolio.cli.editions import refdata_diff, refdata_import, refdata_info
from codefolio.cli.output import AsOfOption, as_of_date, err, fail, open_store, out
from codefolio.errors import CodefolioError
from codefolio.refdata import KINDS, ReferenceData, rebuild_reference_data

if TYPE_CHECKING:  # the report module loads with `lookup`, the one command using it
    from codefolio.refdata.report import CodeReport

refdata_app = typer.Typer(
    name="refdata",
    help="Manage the embedded reference data store (HCPCS, POS, NUCC, MUE, ASP, OPPS).\n\n"
    "Example: `codefolio refdata info`",
    no_args_is_help=True,
)


def _report_rows(report: "CodeReport") -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    if report.record is not None:
        cited = f"{report.record.dataset}@{report.record.edition}"
        for name, value in dataclasses.asdict(report.record).items():
            if name in ("dataset", "edition"):
                continue
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


def lookup(
    code: Annotated[str, typer.Argument(help="The code to look up, e.g. J9306, JW, 11, C50.011.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", "-k", metavar="KIND", help=f"One of {', '.join(KINDS)}; inferred if omitted."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    history: Annotated[
        bool, typer.Option("--history", help="Show the code's facts in every edition held.")
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Show what the reference data sets hold for one code.

    The facts come from the editions in force on the as-of date (default today).

    Each fact comes with its data set edition. A HCPCS or CPT code also shows its MUE per
    setting, latest ASP payment limit, OPPS rate and NDC packages. Exits 1 for an unknown
    code, naming the nearest known ones.

    Example: `codefolio lookup J9306`
    """
    from codefolio.refdata.report import report_code

    try:
        ref = open_store().at(as_of_date(as_of))
        report = report_code(ref, code, kind)
        if history:
            _print_history(ref, report.code, as_json)
            return
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    if as_json:
        out.print_json(report.to_json().decode("utf-8"))
        return
    rows = _report_rows(report)
    if rows:
        table = Table("Field", "Value", "Data set", title=f"{report.kind} {report.code}")
        for row in rows:
            table.add_row(*row)
        out.print(table, markup=False)
    else:  # a code the data sets know by number only (a CPT modifier)
        out.print(f"{report.kind} {report.code}", markup=False)
    for note in report.notes:
        out.print(f"note: {note}", markup=False)


def _print_history(ref: ReferenceData, code: str, as_json: bool) -> None:
    from codefolio.refdata.diff import code_history

    entries = code_history(ref, code)
    if as_json:
        out.print_json(data=[entry.model_dump(mode="json") for entry in entries])
        return
    table = Table(
        "Data set",
        "Edition",
        "Facts",
        "Changed from the edition before",
        title=f"{code} across editions",
    )
    for entry in entries:
        table.add_row(
            entry.dataset, entry.edition, "\n".join(entry.facts), "\n".join(entry.changes)
        )
    out.print(table, markup=False)


@refdata_app.command("build")
def refdata_build() -> None:
    """Rebuild the reference data store now; print its path, row counts and time.

    Example: `codefolio refdata build`
    """
    try:
        with err.status("Building the reference data store…"):
            report = rebuild_reference_data()
    except (CodefolioError, OSError) as error:
        raise fail(error) from None
    table = Table("Table", "Rows", title=f"Built {report.path} in {report.seconds:.2f} s")
    for name, count in report.rows.items():
        table.add_row(name, f"{count:,}")
    out.print(table, markup=False)


refdata_app.command("info")(refdata_info)
refdata_app.command("import")(refdata_import)
refdata_app.command("diff")(refdata_diff)
