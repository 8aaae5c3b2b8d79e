"""`codefolio claims check`: the billing rules over claim lines, on DuckDB or Spark."""

import contextlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from codefolio.cli.output import err, fail, open_store, out, warn
from codefolio.errors import ClaimFileError, CodefolioError

if TYPE_CHECKING:
    from codefolio.records.model import CodeRecord

claims_app = typer.Typer(
    help="Check claim lines (837P/837I, CSV or Parquet) against the billing rules.\n\n"
    "Example: `codefolio claims check claims/*.837 --records examples -o findings`",
    no_args_is_help=True,
)

_STEPS = (
    "reading 837 files",
    "exporting reference tables",
    "reading claim lines",
    "running the checks",
)
_SHOWN = 50
_RANK = {"deny": 0, "return": 1, "review": 2}


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


class Severity(StrEnum):
    deny = "deny"
    return_ = "return"
    review = "review"


def _records(folder: Path | None) -> list["CodeRecord"]:
    if folder is None:
        return []
    if not folder.is_dir():
        raise ClaimFileError(f"--records {folder}: not a folder of records")
    from codefolio.records.load import load_records

    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    return [loaded.record for loaded in load_records(paths)]


@contextlib.contextmanager
def _engine(
    name: EngineName, master: str, memory_limit: str, driver_memory: str | None
) -> Iterator[Any]:
    from codefolio.claims.engines import DuckDBEngine, SparkEngine, spark_session

    if name is EngineName.spark:
        with spark_session(master, driver_memory) as session:
            yield SparkEngine(session)
        return
    engine = DuckDBEngine(memory_limit=memory_limit)
    try:
        yield engine
    finally:
        engine.close()


@claims_app.command("check")
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="837P/837I files, CSV or Parquet claim-line extracts, or folders of "
            "partitioned Parquet.",
            show_default=False,
        ),
    ],
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Where the checks run.")
    ] = EngineName.duckdb,
    master: Annotated[
        str,
        typer.Option(
            "--master",
            metavar="URL",
            help="Spark master: local[*], spark://host:7077, yarn or k8s://… (--engine spark).",
        ),
    ] = "local[*]",
    records: Annotated[
        Path | None,
        typer.Option(
            "--records",
            metavar="DIR",
            help="The team's codefolio records: which drugs come in single-dose containers, "
            "and their NDC units.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="DIR", help="Folder for findings.<format>."),
    ] = None,
    formats: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FORMATS", help="Comma-separated: csv, json, parquet, html."
        ),
    ] = "csv,html",
    fail_on: Annotated[
        Severity | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding is this severe or more (deny > return > review).",
            show_default=False,
        ),
    ] = None,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", metavar="SIZE", help="DuckDB's memory limit.")
    ] = "2GB",
    driver_memory: Annotated[
        str | None,
        typer.Option(
            "--driver-memory",
            metavar="SIZE",
            help="The Spark driver's memory, such as 8g (--engine spark; default "
            "$CODEFOLIO_SPARK_DRIVER_MEMORY, else 4g).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check claim lines against the billing rules the publications state.

    Prints the findings (claim id, line, rule, severity, message, fix) and their counts per
    rule; with --output writes them as CSV, JSON, Parquet and an HTML report. Files and
    rows that cannot be read are reported and the others still run.

    Example: `codefolio claims check lines.parquet --fail-on deny -o findings -f csv,html`
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from codefolio.claims.output import parse_output_formats, rule_counts, write_outputs
    from codefolio.claims.run import check_claims, require_clean_inputs

    try:
        chosen = parse_output_formats(formats) if output else []
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise ClaimFileError(f"no such file or folder: {', '.join(missing)}")
        team = _records(records)
        open_store()
        with (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
                disable=not err.is_terminal,
            ) as progress,
            _engine(engine, master, memory_limit, driver_memory) as runner,
        ):
            task = progress.add_task("checking claims", total=len(_STEPS))

            def step(name: str) -> None:
                progress.update(task, completed=_STEPS.index(name), description=name)

            result = check_claims(paths, runner, team, step=step)
            progress.update(task, completed=len(_STEPS))
        require_clean_inputs(result)
        written = write_outputs(result, output, chosen) if output else []
    except CodefolioError as error:
        raise fail(error) from None
    for problem in result.problems:
        warn(problem)
    _print(result, rule_counts)
    for path in written:
        out.print(f"wrote {path}", markup=False)
    if fail_on and any(_RANK[f.severity] <= _RANK[fail_on.value] for f in result.findings):
        raise typer.Exit(1)


def _print(result: Any, rule_counts: Any) -> None:
    findings = result.findings
    table = Table(
        "Claim",
        "Line",
        "Rule",
        "Severity",
        "Message",
        "Fix",
        title=f"{len(findings)} findings in {result.lines} claim lines"
        + (f" (first {_SHOWN})" if len(findings) > _SHOWN else ""),
    )
    for finding in findings[:_SHOWN]:
        table.add_row(
            finding.claim_id,
            str(finding.line),
            finding.rule_id,
            finding.severity,
            finding.message,
            finding.fix,
        )
    out.print(table)
    if findings:
        counts = Table("Rule", "Severity", "Findings", "Source", title="Findings per rule")
        for count in rule_counts(findings):
            counts.add_row(count.rule_id, count.severity, str(count.findings), count.citation)
        out.print(counts)
