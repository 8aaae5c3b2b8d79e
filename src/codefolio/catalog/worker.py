"""Publish one record inside a pool worker: check, compose once, render and write each format.

Workers write their own files (atomically) so rendered bytes never cross the process
boundary; they hand back only what the manifest and the report need.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from codefolio.catalog.index import index_row
from codefolio.compose import compose_publication
from codefolio.errors import CodefolioError
from codefolio.fileio import write_atomic
from codefolio.records.model import CodeRecord
from codefolio.records.source import FieldPath
from codefolio.refdata import open_reference_data
from codefolio.render import render
from codefolio.render.html import Paper
from codefolio.validation import check_record, unfilled_gaps


@dataclass(frozen=True)
class Task:
    record: CodeRecord
    out_dir: Path
    formats: tuple[str, ...]
    as_of: date
    strict: bool
    link_format: str
    """The format the site index links each code to."""
    paper: Paper = "letter"
    """The page size of PDF output."""


@dataclass
class Outcome:
    code: str
    findings: list[tuple[str, FieldPath, str]] = field(default_factory=list)
    gaps: list[tuple[str, str]] = field(default_factory=list)
    outputs: dict[str, tuple[str, int]] = field(default_factory=dict)
    index: dict[str, object] = field(default_factory=dict)
    error: str | None = None
    """Why nothing was published: findings that are errors (or warnings, when strict), or
    what went wrong composing, rendering or writing."""


def publish(task: Task) -> Outcome:
    """Check, compose and write one record; never raises for a problem of the record."""
    record = task.record
    outcome = Outcome(record.code)
    try:
        refdata = open_reference_data()  # opened once per worker process, then shared
        findings = check_record(record, refdata, task.as_of)
        outcome.findings = [(f.severity, f.field, f.message) for f in findings]
        outcome.gaps = [(gap.field, gap.label) for gap in unfilled_gaps(record, refdata)]
        fatal = {"error", "warning"} if task.strict else {"error"}
        stopping = [f for f in findings if f.severity in fatal]
        if stopping:
            kinds = " and ".join(sorted({f.severity + "s" for f in stopping}))
            outcome.error = f"not published: the record has {kinds}"
            return outcome
        publication = compose_publication(record, refdata, findings, task.as_of)
        for fmt in task.formats:
            data = render(publication, fmt, task.paper)
            write_atomic(task.out_dir / f"{record.code}.{fmt}", data)
            outcome.outputs[fmt] = (hashlib.sha256(data).hexdigest(), len(data))
        row = index_row(publication)
        outcome.index = {**asdict(row), "href": f"{record.code}.{task.link_format}"}
    except CodefolioError as error:
        outcome.error = str(error)
    except OSError as error:
        outcome.error = f"cannot write: {error.strerror or error}"
    except Exception as error:  # a bug must not stop the other records; it is reported
        outcome.error = f"cannot be published: {type(error).__name__}: {error}"
    return outcome
