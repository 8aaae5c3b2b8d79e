"""A catalogue's SOURCE: a folder of record files or one catalogue sheet, read into records.

A record that cannot be read is kept as a failure with its location; the others go on. A
record file the caller knows to be unchanged since its last build is not read at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from codefolio.errors import CatalogError, Problem, RecordError, shown_problems

if TYPE_CHECKING:  # the record readers load when a record is read: a rebuild may read none
    from codefolio.records.model import CodeRecord
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


RECORD_SUFFIXES = (".yaml", ".yml", ".json")


def find_records(records_dir: Path) -> list[Path]:
    """The record files directly in `records_dir`, by name."""
    return [Path(path) for path in _record_files(records_dir)]


def _record_files(records_dir: Path) -> list[str]:
    """`find_records` as path strings: a catalogue has thousands, and a Path each (made,
    compared, stat'ed) cost more than the rest of a rebuild with nothing to do."""
    if not records_dir.is_dir():
        raise CatalogError(f"{records_dir}: not a folder of records")
    with os.scandir(records_dir) as entries:  # a listing that knows files without a stat each
        found = sorted(
            (entry.name, entry.path)
            for entry in entries
            if os.path.splitext(entry.name)[1].lower() in RECORD_SUFFIXES  # noqa: PTH122
            and entry.is_file()
        )
    if not found:
        kinds = ", ".join(RECORD_SUFFIXES)
        raise CatalogError(f"{records_dir}: no record files ({kinds}) in this folder")
    return [path for _, path in found]


@dataclass(frozen=True)
class Unread:
    """A record file left unread: unchanged since it was built as the publication of `code`."""

    origin: str
    code: str


Unchanged = Callable[[str, os.stat_result], str | None]
"""Given a record file and its stat, the code it was last built as if it is unchanged since."""


@dataclass
class Source:
    records: list[Located]
    failures: list[Failure]
    unread: list[Unread] = field(default_factory=list)
    stats: dict[str, os.stat_result] = field(default_factory=dict)
    """Each record file read, as it was before reading (a later edit then shows)."""
    notes: list[str] = field(default_factory=list)
    """What a user should know about how SOURCE was read (the worksheet of codes)."""

    @property
    def codes(self) -> set[str]:
        return {item.record.code for item in self.records} | {item.code for item in self.unread}


def read_source(source: Path, unchanged: Unchanged | None = None) -> Source:
    """Every record of a folder (`.yaml`, `.yml`, `.json`) or a `.csv`/`.xlsx` sheet.

    A file or sheet that cannot be read at all raises; a bad record or row is a Failure.
    A second record for a code already seen is a Failure too: it would overwrite the first.
    """
    check_source(source)
    if source.is_dir():
        items: list[Located | Unread] = []
        stats, failures = stat_records(source)
        for path, stat in stats.items():
            try:
                code = unchanged(path, stat) if unchanged else None
                items.append(Unread(path, code) if code else _read_record(path))
            except RecordError as error:
                failures.append(Failure(path, None, shown_problems(error.problems)))
            except OSError as error:
                failures.append(Failure(path, None, [f"{path}: {error.strerror}"]))
        found = _unique(items, failures)
        found.stats = stats
        return found
    from codefolio.records.sheet import read_sheet

    sheet = read_sheet(source)
    found = _unique(
        list(sheet.rows),
        [Failure(f.origin, f.code, shown_problems(f.problems)) for f in sheet.failures],
    )
    found.notes = [sheet.note] if sheet.note else []
    return found


def stat_records(records_dir: Path) -> tuple[dict[str, os.stat_result], list[Failure]]:
    """Each record file of a folder, by name, with its stat before it is read (so a later
    edit shows); a file that cannot be stat'ed is a Failure."""
    stats: dict[str, os.stat_result] = {}
    failures: list[Failure] = []
    for path in _record_files(records_dir):
        try:
            stats[path] = os.stat(path)  # noqa: PTH116 (see `_record_files`)
        except OSError as error:
            failures.append(Failure(path, None, [f"{path}: {error.strerror}"]))
    return stats, failures


def duplicate_code(code: str, first: str) -> str:
    """Why a second record for `code` is refused: it would overwrite the first's files."""
    return f"code {code} is also the code of {first}; keep one record per code"


def check_source(source: Path) -> None:
    """Refuse a SOURCE that is neither a folder nor a catalogue sheet, before reading it."""
    if not source.exists():
        raise CatalogError(f"{source}: no such folder or sheet")
    if source.is_dir():
        return
    from codefolio.records.sheet import SHEET_SUFFIXES

    if source.suffix.lower() not in SHEET_SUFFIXES:
        raise CatalogError(
            f"{source}: not a folder of records or a catalogue sheet (.csv or .xlsx)"
        )


def _read_record(path: str) -> Located:
    """A record file read (the readers load with the first one)."""
    from codefolio.records import read_record

    return read_record(Path(path))


def _unique(items: list[Located | Unread], failures: list[Failure]) -> Source:
    first: dict[str, str] = {}
    found = Source([], failures)
    for item in items:
        code = item.code if isinstance(item, Unread) else item.record.code
        if code not in first:
            first[code] = item.origin
            if isinstance(item, Unread):
                found.unread.append(item)
            else:
                found.records.append(item)
            continue
        message = duplicate_code(code, first[code])
        try:  # an unread file is read to locate its code line
            located = _read_record(item.origin) if isinstance(item, Unread) else item
            problem = str(located.problem(("code",), message))
        except (RecordError, OSError):
            problem = f"{item.origin}: {message}"
        failures.append(Failure(item.origin, code, [problem]))
    return found
