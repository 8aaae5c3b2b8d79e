"""The findings of a run as CSV, JSON, Parquet and an HTML report, each written atomically,
with counts per rule and per code."""

from __future__ import annotations

import csv
import json
from collections import Counter
from contextlib import closing
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import duckdb

from codefolio import __version__
from codefolio.billing.rules import require_rule
from codefolio.claims.checks import SEVERITIES
from codefolio.claims.run import CheckResult, Finding
from codefolio.compose.model import Chart, ChartPoint
from codefolio.errors import ClaimFileError
from codefolio.fileio import replacing, write_atomic
from codefolio.render.html import chart_view
from codefolio.render.templating import render_template

FORMAT: Final = "codefolio-claim-findings/1"
OUTPUT_FORMATS: Final = ("csv", "json", "parquet", "html")
COLUMNS: Final = ("claim_id", "line", "rule_id", "severity", "code", "message", "fix")


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    title: str
    citation: str
    severity: str
    findings: int


def rule_counts(findings: list[Finding]) -> list[RuleCount]:
    """Findings per rule and severity, most first."""
    counts = Counter((f.rule_id, f.severity) for f in findings)
    rows = [
        RuleCount(rule_id, require_rule(rule_id).title, require_rule(rule_id).citation, sev, n)
        for (rule_id, sev), n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.findings, r.rule_id, r.severity))


def code_counts(findings: list[Finding]) -> list[tuple[str, int]]:
    return sorted(Counter(f.code for f in findings).items(), key=lambda item: (-item[1], item[0]))


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {severity: counts.get(severity, 0) for severity in SEVERITIES}


def parse_output_formats(text: str) -> list[str]:
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in OUTPUT_FORMATS]
    if unknown or not chosen:
        raise ClaimFileError(
            f"unknown findings format {', '.join(unknown) or repr(text)} "
            f"(choose from {', '.join(OUTPUT_FORMATS)})"
        )
    return list(dict.fromkeys(chosen))


def _row(finding: Finding) -> dict[str, Any]:
    values = asdict(finding)
    return {column: values[column] for column in COLUMNS}


def _write_csv(path: Path, findings: list[Finding]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(_row(finding) for finding in findings)


def to_json(result: CheckResult) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "codefolio": __version__,
        "files": result.files,
        "lines": result.lines,
        "severities": severity_counts(result.findings),
        "rules": [asdict(count) for count in rule_counts(result.findings)],
        "codes": dict(code_counts(result.findings)),
        "problems": [str(problem) for problem in result.problems],
        "findings": [_row(finding) for finding in result.findings],
    }


def render_html(result: CheckResult) -> str:
    rules = rule_counts(result.findings)
    codes = code_counts(result.findings)

    def chart(unit: str, points: list[tuple[str, int]]) -> Any:
        return chart_view(
            Chart(unit=unit, points=[ChartPoint(label=k, value=Decimal(v)) for k, v in points])
        )

    return render_template(
        "claims_report.html.j2",
        result=result,
        severities=severity_counts(result.findings),
        rules=rules,
        codes=codes[:50],
        rule_chart=chart("findings", [(r.rule_id, r.findings) for r in rules]),
        code_chart=chart("findings", codes[:20]),
        edition=f"codefolio {__version__}",
    )


def write_outputs(result: CheckResult, folder: Path, formats: list[str]) -> list[Path]:
    """FOLDER/findings.<format> for each format; each file appears whole or not at all."""
    written: list[Path] = []
    for fmt in formats:
        target = folder / f"findings.{fmt}"
        match fmt:
            case "csv":
                with replacing(target) as tmp:
                    _write_csv(tmp, result.findings)
            case "json":
                text = json.dumps(to_json(result), indent=1, ensure_ascii=False) + "\n"
                write_atomic(target, text.encode("utf-8"))
            case "parquet":
                with replacing(target) as tmp:
                    staged = tmp.with_suffix(".csv")
                    try:
                        _write_csv(staged, result.findings)
                        types = ", ".join(
                            f"'{c}': '{'INTEGER' if c == 'line' else 'VARCHAR'}'" for c in COLUMNS
                        )
                        with closing(duckdb.connect()) as conn:
                            conn.execute(
                                f"COPY (SELECT * FROM read_csv('{staged}', header = true, "
                                f"columns = {{{types}}})) TO '{tmp}' (FORMAT parquet)"
                            )
                    finally:
                        staged.unlink(missing_ok=True)
            case "html":
                write_atomic(target, render_html(result).encode("utf-8"))
        written.append(target)
    return written
