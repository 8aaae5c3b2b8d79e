"""A catalogue's SOURCE: a folder of record files or one catalogue sheet, read into records.

A record that cannot be read is kept as a failure with its location; the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from codefolio.errors import CatalogError, Problem, RecordError, shown_problems
from codefolio.records import read_record
from codefolio.records.model import CodeRecord
from codefolio.records.sheet import SHEET_SUFFIXES, read_sheet
from codefolio.records.source import FieldPath


class Located(Protocol):
    """A record and where it came from (a file, or a sheet row), able to locate a field."""

    @property
    def record(self) -> CodeRecord: ...

    @property
    def origin(self) -> str: ...

    def problem(self, path: FieldPath, message: str, /) -> Problem: ...


@dataclass(frozen=True)
class Failure:
    """A record that was not published: where it is, its code when known, what is wrong."""

    origin: str
    code: str | None
    problems: list[str]


@dataclass
class Source:
    records: list[Located]
    failures: list[Failure]
    notes: list[str] = field(default_factory=list)
    """What a user should know about how SOURCE was read (the worksheet of codes)."""


def read_source(source: Path) -> Source:
    """Every record of a folder (`.yaml`, `.yml`, `.json`) or a `.csv`/`.xlsx` sheet.

    A file or sheet that cannot be read at all raises; a bad record or row is a Failure.
    A second record for a code already seen is a Failure too: it would overwrite the first.
    """
    from codefolio.catalog.site import find_records

    if source.is_dir():
        records: list[Located] = []
        failures: list[Failure] = []
        for path in find_records(source):
            try:
                records.append(read_record(path))
            except RecordError as error:
                failures.append(Failure(str(path), None, shown_problems(error.problems)))
        return _unique(Source(records, failures))
    if source.suffix.lower() in SHEET_SUFFIXES:
        sheet = read_sheet(source)
        return _unique(
            Source(
                list(sheet.rows),
                [Failure(f.origin, f.code, shown_problems(f.problems)) for f in sheet.failures],
                [sheet.note] if sheet.note else [],
            )
        )
    if not source.exists():
        raise CatalogError(f"{source}: no such folder or sheet")
    raise CatalogError(f"{source}: not a folder of records or a catalogue sheet (.csv or .xlsx)")


def _unique(source: Source) -> Source:
    first: dict[str, str] = {}
    kept: list[Located] = []
    for item in source.records:
        code = item.record.code
        if code in first:
            message = f"code {code} is also the code of {first[code]}; keep one record per code"
            source.failures.append(
                Failure(item.origin, code, [str(item.problem(("code",), message))])
            )
        else:
            first[code] = item.origin
            kept.append(item)
    return Source(kept, source.failures, source.notes)
