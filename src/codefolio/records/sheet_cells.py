"""Cells as read from a sheet, and where each sits: shared by the codes sheet and the detail
sheets, so a problem in either names its file, sheet, row and column the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from codefolio.errors import Problem


@dataclass
class Table:
    """One sheet: its name as shown in messages, its header and its non-blank rows."""

    display: str
    header_row: int
    header: list[str]
    letters: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]
    """(row number, cells by column name); a row with too many cells has only `""`, the
    message saying so."""


@dataclass(frozen=True)
class Place:
    """Where a value sits: the sheet as shown in messages, the row, and column letters."""

    display: str
    row: int
    letters: dict[str, str]

    @property
    def origin(self) -> str:
        return f"{self.display}:{self.row}"

    def problem(self, column: str, message: str, path: str | None = None) -> Problem:
        where = f"{path} " if path and path != column else ""
        letter = self.letters.get(column)
        named = f"{where}(column {letter} {column})" if letter else (path or column)
        return Problem(self.display, message, line=self.row, field=named)


@dataclass(frozen=True)
class SheetFailure:
    """A row that did not make a record: its problems, and its code when it could be read."""

    origin: str
    code: str | None
    problems: list[Problem]


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without `.0` (spreadsheets store 11 as 11.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return str(value).strip()


def scalar(value: Any) -> Any:
    """Text stays text; a number becomes its digits (codes, figures); anything else is
    handed to the record model, which says what it expected."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | datetime | date | time):
        return value
    if isinstance(value, int | float):
        return cell_text(value)
    return value
