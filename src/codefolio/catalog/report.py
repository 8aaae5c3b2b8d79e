"""The completeness report: per code, the required elements its input lacks and the
findings of checking it; across the catalogue, how often each element is missing, so an
editor sees at a glance what to fill in. Written as `report.json` and `report.html`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codefolio import __version__
from codefolio.catalog.manifest import Gap, StoredFinding
from codefolio.fileio import write_atomic_text

if TYPE_CHECKING:
    from markupsafe import Markup

REPORT_FORMAT = "codefolio-catalog-report/1"
REPORT_FILES = ("report.json", "report.html")
PAYER_COVERAGE = Gap("payers[].coverage", "Payer coverage details")
"""All payers' coverage gaps count as one element: a code lacks it when any payer does."""


@dataclass(frozen=True)
class ReportRow:
    """One record of SOURCE as the report shows it."""

    code: str | None
    source: str
    status: str
    """`built`, `unchanged` or `failed`."""
    missing: list[Gap] | None
    """None when the record could not be read, so its gaps are unknown."""
    findings: list[StoredFinding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """For a republished record: what the data set editions in force changed for its code
    since the editions before them."""


@dataclass(frozen=True)
class ElementCount:
    field: str
    label: str
    codes: int


@dataclass(frozen=True)
class Report:
    as_of: str
    rows: list[ReportRow]
    removed: list[str]

    @property
    def checked(self) -> list[ReportRow]:
        """Rows whose gaps are known (every record that could be read)."""
        return [row for row in self.rows if row.missing is not None]

    def counts(self) -> list[ElementCount]:
        """Codes lacking each required element, in the order the record format lists them."""
        per_code = Counter(name for row in self.checked for name in _elements(row))
        from codefolio.records.required import REQUIRED_ELEMENTS

        known = [Gap(e.field, e.label) for e in REQUIRED_ELEMENTS] + [PAYER_COVERAGE]
        return [ElementCount(e.field, e.label, per_code[e.field]) for e in known]

    def summary(self) -> dict[str, int]:
        statuses = Counter(row.status for row in self.rows)
        return {
            "records": len(self.rows),
            "built": statuses["built"],
            "unchanged": statuses["unchanged"],
            "failed": statuses["failed"],
            "removed": len(self.removed),
            "unreadable": len(self.rows) - len(self.checked),
            "complete": sum(1 for row in self.checked if not row.missing),
            "errors": sum(1 for row in self.rows for f in row.findings if f.severity == "error"),
            "warnings": sum(
                1 for row in self.rows for f in row.findings if f.severity == "warning"
            ),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "codefolio": __version__,
            "as_of": self.as_of,
            "summary": self.summary(),
            "missing": [asdict(count) for count in self.counts()],
            "removed": self.removed,
            "codes": [_row_json(row) for row in self.rows],
        }


def _row_json(row: ReportRow) -> dict[str, Any]:
    """The row as `dataclasses.asdict` has it, built directly (asdict deep-copies: slow
    for a catalogue of thousands of codes)."""
    return {
        "code": row.code,
        "source": row.source,
        "status": row.status,
        "missing": None if row.missing is None else [gap.__dict__ for gap in row.missing],
        "findings": [finding.__dict__ for finding in row.findings],
        "problems": row.problems,
    }


def _elements(row: ReportRow) -> set[str]:
    """The distinct elements a row lacks, every payer's coverage gap as one."""
    return {
        PAYER_COVERAGE.field if gap.field.startswith("payers[") else gap.field
        for gap in row.missing or []
    }


def write_report(out_dir: Path, report: Report) -> None:
    write_atomic_text(out_dir / "report.json", [*indented_json(report.to_json()), "\n"])
    write_atomic_text(out_dir / "report.html", stream_report(report))


def indented_json(value: object) -> list[str]:
    """`value` as `json.dumps(value, indent=1, ensure_ascii=False)` writes it, in pieces.

    The json module indents in pure Python, a few microseconds a value: the report of a
    whole catalogue took a large part of a second. Here only the layout is Python; every
    string, number and key is still encoded by the json module. Keys must be text."""
    pieces: list[str] = []
    _indent_into(pieces, value, "\n")
    return pieces


_SCALAR = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
_STRING = json.encoder.encode_basestring  # the C encoder's, when the json module has it


def _indent_into(pieces: list[str], value: object, newline: str) -> None:
    if type(value) is str:
        pieces.append(_STRING(value))
    elif isinstance(value, dict) and value:
        inner = newline + " "
        pieces.append("{")
        separator = inner
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"a report key must be text, not {key!r}")
            pieces.append(f"{separator}{_STRING(key)}: ")
            _indent_into(pieces, item, inner)
            separator = "," + inner
        pieces.append(newline + "}")
    elif isinstance(value, list | tuple) and value:
        inner = newline + " "
        pieces.append("[")
        separator = inner
        for item in value:
            pieces.append(separator)
            _indent_into(pieces, item, inner)
            separator = "," + inner
        pieces.append(newline + "]")
    else:
        pieces.append(_SCALAR(value))


def stream_report(report: Report) -> Iterator[str]:
    from codefolio.compose.model import Chart, ChartPoint
    from codefolio.render.html import chart_view
    from codefolio.render.templating import stream_template

    counts = report.counts()
    chart = Chart(
        unit="codes",
        points=[ChartPoint(label=count.label, value=Decimal(count.codes)) for count in counts],
    )
    return stream_template(
        "catalog_report.html.j2",
        report=report,
        summary=report.summary(),
        counts=counts,
        chart=chart_view(chart),
        edition=f"codefolio {__version__}",
        code_rows=_code_rows(report.rows),
    )


def _code_rows(rows: list[ReportRow]) -> Iterator[Markup]:
    """The per-code table's rows, written here rather than by the template: a catalogue has
    thousands, each with a few gaps and findings."""
    from markupsafe import Markup

    from codefolio.render.html_sections import text_html as h

    for number, row in enumerate(rows, start=1):
        code = h(row.code) if row.code else "(unreadable)"
        if row.missing is None:
            missing = "unknown: the record could not be read"
        elif row.missing:
            gaps = "".join(f"<li>{h(g.label)} <code>{h(g.field)}</code></li>" for g in row.missing)
            missing = f"<ul>{gaps}</ul>"
        else:
            missing = "none"
        notes = [f'<li class="problem">{h(problem)}</li>' for problem in row.problems]
        notes += [
            f'<li class="{h(f.severity)}">{h(f.severity)}: {h(f.where)}</li>' for f in row.findings
        ]
        found = f"<ul>{''.join(notes)}</ul>" if notes else "none"
        yield Markup(
            f'<tr id="code-{h(row.code or str(number))}" class="status-{h(row.status)}">\n'
            f'<td>{code}<span class="source">{h(row.source)}</span></td>\n'
            f"<td>{h(row.status)}</td>\n<td>{missing}</td>\n<td>{found}</td>\n</tr>"
        )
