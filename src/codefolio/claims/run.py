"""One run of the checks: read the claim files, export the reference tables, run every
check on the chosen engine and return the findings sorted by claim and line."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from codefolio.claims.checks import FINDING_COLUMNS, MATERIALISED, VIEWS, findings_sql
from codefolio.claims.columns import EXTRACT_COLUMNS, REQUIRED_COLUMNS, canonical_sql
from codefolio.claims.engines import Engine
from codefolio.claims.reference import export_reference, ndc_forms, write_table
from codefolio.claims.x12 import is_x12, read_837_file
from codefolio.errors import ClaimFileError, Problem
from codefolio.records.model import CodeRecord

Step = Callable[[str], None]
"""Called with the name of each step as it starts, for a progress display."""


@dataclass(frozen=True, order=True)
class Finding:
    claim_id: str
    line: int
    rule_id: str
    code: str
    severity: str
    message: str
    fix: str


@dataclass
class CheckResult:
    findings: list[Finding]
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0
    files: int = 0


def _stage_837(paths: Sequence[Path], folder: Path, problems: list[Problem]) -> Path | None:
    """The 837 files' lines as one CSV of extract columns; files pyx12 rejects are left out
    with their problems."""
    rows: list[dict[str, object]] = []
    for path in paths:
        lines, found = read_837_file(path, str(path))
        rows += lines
        problems += found
    if not rows:
        return None
    staged = folder / "x12_lines.csv"
    with staged.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXTRACT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return staged


def _kind(path: Path) -> str:
    return "parquet" if path.suffix.lower() in (".parquet", ".pq") or path.is_dir() else "csv"


def check_claims(
    paths: Sequence[Path],
    engine: Engine,
    records: Sequence[CodeRecord] = (),
    cache_dir: Path | None = None,
    step: Step | None = None,
    reference: Mapping[str, Path] | None = None,
) -> CheckResult:
    """Check every claim line of `paths` (837 files, CSV or Parquet extracts, or folders of
    Parquet) on `engine`; bad files and rows become problems, never a stopped run.
    `reference` reuses tables an earlier `export_reference` wrote."""
    announce = step or (lambda _name: None)
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="codefolio-claims-") as scratch:
        folder = Path(scratch)
        announce("reading 837 files")
        x12 = [p for p in paths if p.is_file() and is_x12(p)]
        extracts: list[tuple[str, Path, str]] = [
            (str(p), p, _kind(p)) for p in paths if p not in x12
        ]
        staged = _stage_837(x12, folder, problems)
        if staged is not None:
            extracts.append(("837 files", staged, "csv"))
        announce("exporting reference tables")
        tables = reference or export_reference(folder / "ref", list(records), cache_dir)
        for name, table in tables.items():
            engine.register_parquet(name, table)
        announce("reading claim lines")
        parts = []
        for index, (display, path, kind) in enumerate(extracts):
            view = f"raw_{index}"
            try:
                extract = engine.read_extract(view, path, kind)
            except Exception as error:  # each engine raises its own reader errors
                problems.append(Problem(display, f"cannot read the {kind} file: {_first(error)}"))
                continue
            present = set(extract.columns)
            missing = [c for c in REQUIRED_COLUMNS if c not in present]
            if missing:
                problems.append(Problem(display, f"missing columns: {', '.join(missing)}"))
                continue
            select = canonical_sql(present, extract.typed).replace(
                "FROM raw AS r", f"FROM {view} AS r"
            )
            parts.append(f"SELECT {index} AS _source, c.* FROM ({select}) AS c")
        if not parts:
            return CheckResult([], problems, 0, len(paths))
        engine.create("all_lines", " UNION ALL ".join(parts), materialise=True)
        for index, row, claim, line, problem in engine.query(
            "SELECT _source, _row, claim_id, line, problem FROM all_lines "
            "WHERE problem IS NOT NULL ORDER BY _source, _row, claim_id, line"
        ):
            where = f"row {row}" if row is not None else f"claim {claim} line {line}"
            problems.append(Problem(extracts[index][0], f"{where}: {problem}; row skipped"))
        engine.create("lines", "SELECT * FROM all_lines WHERE problem IS NULL")
        (count,) = engine.query("SELECT COUNT(*) FROM lines")[0]
        ndcs = [
            raw for (raw,) in engine.query("SELECT DISTINCT ndc FROM lines WHERE ndc IS NOT NULL")
        ]
        with duckdb.connect() as conn:
            engine.register_parquet(
                "ndc_forms", write_table(conn, "ndc_forms", ndc_forms(ndcs), folder)
            )
        for name, sql in VIEWS.items():
            engine.create(name, sql, materialise=name in MATERIALISED)
        announce("running the checks")
        rows = engine.query(findings_sql())
    by_name = [dict(zip(FINDING_COLUMNS, row, strict=True)) for row in rows]
    findings = sorted(Finding(**values) for values in by_name)
    return CheckResult(findings, problems, int(count), len(paths))


def _first(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def require_clean_inputs(result: CheckResult) -> None:
    """Raise when no claim line could be read at all."""
    if result.lines == 0 and result.problems:
        raise ClaimFileError(
            "no claim line could be read:\n" + "\n".join(f"  {p}" for p in result.problems)
        )
