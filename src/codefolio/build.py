"""Build publications from record files: load all, compose, render all, then write.

Nothing is written until every record has loaded and rendered, so one bad record leaves
the output folder as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from codefolio.compose import compose_publication
from codefolio.compose.model import Publication
from codefolio.errors import Problem, RecordError, RenderError
from codefolio.fileio import write_atomic
from codefolio.records import load_records
from codefolio.refdata import open_reference_data
from codefolio.render import render
from codefolio.validation import check_record

if TYPE_CHECKING:
    from codefolio.render.html import Paper


@dataclass(frozen=True)
class BuiltFile:
    code: str
    fmt: str
    path: Path
    size: int


def build_publications(
    record_paths: Sequence[Path],
    out_dir: Path,
    formats: Sequence[str],
    as_of: date | None = None,
    report: Callable[[Problem], None] | None = None,
    paper: Paper = "letter",
) -> list[BuiltFile]:
    """Write `out_dir/<code>.<fmt>` for every record and format; return what was written.

    Each record is composed once, as of `as_of` (default today), and that one Publication is
    rendered in every format (PDF pages on `paper`); `report` is handed every warning, located.
    """
    outputs: list[tuple[str, str, Path, bytes]] = []
    for publication in compose_records(record_paths, as_of, report):
        code = publication.code
        for fmt in formats:
            outputs.append((code, fmt, out_dir / f"{code}.{fmt}", render(publication, fmt, paper)))
    if out_dir.exists() and not out_dir.is_dir():
        raise RenderError(f"{out_dir}: output path exists and is not a directory")
    built: list[BuiltFile] = []
    for code, fmt, path, data in outputs:
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise RenderError(_partly_written(path, exc, built, outputs)) from None
        built.append(BuiltFile(code, fmt, path, len(data)))
    return built


def _partly_written(
    path: Path, error: OSError, built: list[BuiltFile], outputs: list[tuple[str, str, Path, bytes]]
) -> str:
    """Which files a write that failed half-way (a full disk) did and did not leave."""
    head = f"{path}: cannot write: {error.strerror or error}"
    if not built:
        return f"{head}; nothing was written"
    written = ", ".join(str(item.path) for item in built)
    missing = ", ".join(str(item[2]) for item in outputs[len(built) :])
    return f"{head}; written: {written}; not written: {missing}"


def compose_records(
    record_paths: Iterable[Path],
    as_of: date | None = None,
    report: Callable[[Problem], None] | None = None,
) -> list[Publication]:
    """Load every record (one error holding all problems), refuse two records for one code
    and codes the official sets do not know, then compose each with its findings as of
    `as_of` (default today). Every warning is handed to `report`, located like `validate`
    prints it, so no contradiction passes silently."""
    loaded = load_records(record_paths)
    _reject_duplicate_codes([(item.record.code, item.path) for item in loaded])
    refdata = open_reference_data()
    as_of = as_of or date.today()
    findings = [check_record(item.record, refdata, as_of) for item in loaded]
    # A code the official sets do not know is an error: a publication must not present it.
    problems = [
        item.problem(finding.field, finding.message)
        for item, found in zip(loaded, findings, strict=True)
        for finding in found
        if finding.severity == "error"
    ]
    if problems:
        raise RecordError(problems)
    if report:
        for item, found in zip(loaded, findings, strict=True):
            for finding in found:
                report(item.problem(finding.field, finding.message))
    return [
        compose_publication(item.record, refdata, found, as_of)
        for item, found in zip(loaded, findings, strict=True)
    ]


def _reject_duplicate_codes(codes: list[tuple[str, Path]]) -> None:
    """Two records for one code would overwrite each other's publication."""
    first: dict[str, Path] = {}
    problems = []
    for code, path in codes:
        if code in first:
            message = f"code {code} is also the code of {first[code]}; keep one record per code"
            problems.append(Problem(str(path), message, field="code"))
        else:
            first[code] = path
    if problems:
        raise RecordError(problems)
