"""Read a catalogue sheet (CSV or XLSX, one row per code) into records.

Scalar fields are columns (`drug.generic_name` for a drug field); list fields are cells
of `;`-separated items (`JW: usage text; 59: usage text`). Details of payers and packages
come from detail sheets keyed by `code` + `payer` or `code` + `ndc` (`sheet_details.py`):
the XLSX worksheets named `payers` and `packages`, or for a CSV the companion files
`<name>.payers.csv` and `<name>.packages.csv` beside it. A bad row is reported with file,
sheet, row and column and does not stop the other rows; a bad header or file stops the sheet.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from codefolio.errors import Problem, RecordError
from codefolio.fileio import UnreadableFile, read_limited
from codefolio.records.fields import short_repr
from codefolio.records.load import validate_record_data
from codefolio.records.model import CodeRecord
from codefolio.records.sheet_cells import Place, SheetFailure, Table, cell_text, letter, scalar
from codefolio.records.sheet_details import (
    DETAIL_SHEETS,
    DetailPlaces,
    DetailRows,
    DetailSheet,
    detail_problem,
    merge_details,
    read_details,
)
from codefolio.records.source import Document, FieldPath, format_path

SHEET_SUFFIXES = (".csv", ".xlsx")
# A catalogue of every J code with full vignettes is a few megabytes; far more is a wrong file.
MAX_SHEET_BYTES = 64 * 1024 * 1024
# An XLSX is a ZIP: refuse one that would inflate beyond this (a decompression bomb).
MAX_XLSX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_ROWS = 100_000
# Far more columns than a catalogue sheet has (every field is one column).
MAX_COLUMNS = 256
CODES_SHEET = "codes"

SCALAR_COLUMNS = (
    "format",
    "code",
    "code_system",
    "descriptor",
    "service_type",
    "clinical_context",
    "audience",
    "drug.generic_name",
    "drug.category",
    "drug.route",
    "drug.billing_unit",
    "drug.concentration",
)
# List columns: each `;`-separated item is `key` or `key: text`, split at the first colon
# (codes hold no colon) or, for label/value pairs, at the last one (labels may hold one).
ITEM_COLUMNS: dict[str, tuple[str, str | None, str]] = {
    "sites_of_service": ("pos", "name", "first"),
    "diagnoses": ("code", "description", "first"),
    "modifiers": ("code", "usage", "first"),
    "provider_taxonomies": ("code", "name", "first"),
    "administration_codes": ("code", "note", "first"),
    "related_codes": ("code", "relation", "first"),
    "payers": ("name", None, "first"),
    "benchmarks": ("label", "value", "last"),
    "drug.packages": ("ndc", "description", "first"),
    "drug.doses": ("label", "amount", "last"),
}
TEXT_LIST_COLUMNS = ("documentation", "drug.brand_names")
COLUMNS = (*SCALAR_COLUMNS, *ITEM_COLUMNS, *TEXT_LIST_COLUMNS)

_SEPARATOR = re.compile(r"(?<!\\);")


@dataclass(frozen=True)
class RowPlaces:
    """Where one record's values sit: its codes-sheet row and its detail-sheet rows."""

    place: Place
    details: DetailPlaces = field(default_factory=dict)

    def problem(self, path: FieldPath, message: str) -> Problem:
        """A problem with `path` of this record, located at its sheet, row and column."""
        shown = format_path(path) or None
        located = detail_problem(self.details, path, message, shown)
        return located or self.place.problem(column_of(path), message, shown)


@dataclass(frozen=True)
class SheetRow:
    """A valid record read from one sheet row (and its detail rows)."""

    record: CodeRecord
    places: RowPlaces

    @property
    def origin(self) -> str:
        return f"{self.places.place.display}:{self.places.place.row}"

    def problem(self, path: FieldPath, message: str) -> Problem:
        return self.places.problem(path, message)


@dataclass
class Sheet:
    """Everything read from a catalogue sheet: the good rows and the bad ones."""

    rows: list[SheetRow] = field(default_factory=list)
    failures: list[SheetFailure] = field(default_factory=list)
    note: str | None = None
    """Which worksheet was read as the codes, when a workbook has more than one."""


def column_of(path: FieldPath) -> str:
    """The column a record field path comes from: `drug.packages[0].ndc` -> `drug.packages`."""
    if not path:
        return "code"
    if path[0] == "drug" and len(path) > 1:
        return f"drug.{path[1]}"
    return str(path[0])


def read_sheet(path: Path) -> Sheet:
    """Read every row of the sheet at `path`; raise RecordError when the file or its header
    cannot be read, and report each bad row in `Sheet.failures`."""
    suffix = path.suffix.lower()
    note = None
    if suffix == ".csv":
        codes = _read_csv(path, str(path))
        details = {}
        for kind in DETAIL_SHEETS:
            companion = path.with_name(f"{path.stem}.{kind.name}.csv")
            if companion.is_file():
                details[kind.name] = _read_csv(companion, str(companion))
    elif suffix == ".xlsx":
        codes, details, note = _read_xlsx(path)
    else:
        _fail(str(path), f"unsupported sheet type {path.suffix or '(none)'!r}; use .csv or .xlsx")
    sheet = _records(codes, details)
    sheet.note = note
    return sheet


# Reading cells


def _fail(
    display: str, message: str, line: int | None = None, where: str | None = None
) -> NoReturn:
    raise RecordError([Problem(display, message, line=line, field=where)])


def _check_size(path: Path, display: str) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        _fail(display, "file not found")
    except OSError as exc:
        _fail(display, f"cannot be read: {exc.strerror}")
    if stat.S_ISDIR(info.st_mode):
        _fail(display, "is a directory, not a sheet")
    if not stat.S_ISREG(info.st_mode):
        _fail(display, "is not a regular file (a device, FIFO or socket); a sheet is a plain file")
    size = info.st_size
    if size > MAX_SHEET_BYTES:
        _fail(display, f"file is {size:,} bytes; a sheet may be at most {MAX_SHEET_BYTES:,} bytes")
    if size == 0:
        _fail(display, "file is empty; a sheet needs a header row naming its columns")


def _read_csv(path: Path, display: str) -> Table:
    _check_size(path, display)
    try:
        raw = read_limited(path, MAX_SHEET_BYTES, noun="sheet")
    except (OSError, UnreadableFile) as exc:
        _fail(display, f"cannot be read: {getattr(exc, 'strerror', None) or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(display, "is not UTF-8 text; save the sheet as CSV UTF-8", line)
    if "\x00" in text:
        _fail(
            display,
            "holds NUL bytes: not a CSV text file",
            text[: text.index("\x00")].count("\n") + 1,
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    cells: list[tuple[int, list[Any]]] = []
    row = 0
    try:
        for values in reader:
            row += 1
            if row > MAX_ROWS + 1:
                _fail(display, f"has more than {MAX_ROWS:,} rows; split the catalogue")
            cells.append((row, values))
    except csv.Error as exc:
        _fail(display, f"malformed CSV: {exc}", reader.line_num)
    return _table(display, cells)


def _read_xlsx(path: Path) -> tuple[Table, dict[str, Table], str | None]:
    """The codes worksheet, the detail worksheets, and which worksheet was read as the codes
    when the workbook has others."""
    display = str(path)
    _check_size(path, display)
    if not zipfile.is_zipfile(path):
        _fail(display, "is not an XLSX workbook (not a ZIP file); save it as .xlsx or use .csv")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        _fail(display, f"is not a readable XLSX workbook: {exc}")
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        _fail(display, f"would unpack to {unpacked:,} bytes; refusing a sheet that large")
    from openpyxl import load_workbook  # only XLSX input needs it

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        _fail(display, f"is not a readable XLSX workbook: {type(exc).__name__}: {exc}")
    try:
        names = workbook.sheetnames
        kinds = {kind.name for kind in DETAIL_SHEETS}
        codes_name = _codes_sheet_name(workbook, kinds)
        if codes_name is None:
            only = f"a {names[0].casefold()} sheet" if len(names) == 1 else "detail sheets"
            _fail(display, f"has no visible worksheet of codes (only {only})")
        codes = _worksheet_table(workbook[codes_name], f"{display}[{codes_name}]")
        others = [n for n in names if n != codes_name and n.casefold() not in kinds]
        note = f"codes read from worksheet {codes_name!r} of {display}" if others else None
        details = {
            name.casefold(): _worksheet_table(workbook[name], f"{display}[{name}]")
            for name in names
            if name.casefold() in kinds
        }
    except RecordError:
        raise
    except Exception as exc:  # the worksheet XML is read lazily, row by row
        _fail(display, f"is not a readable XLSX workbook: {type(exc).__name__}: {exc}")
    finally:
        workbook.close()
    return codes, details, note


def _codes_sheet_name(workbook: Any, detail_names: set[str]) -> str | None:
    """The worksheet of codes: the one named `Codes`, else the first visible worksheet that
    is not a detail sheet. A hidden sheet is never read as the codes: it is not what the
    author sees."""
    names = [name for name in workbook.sheetnames if name.casefold() not in detail_names]
    named = [name for name in names if name.casefold() == CODES_SHEET]
    visible = [name for name in names if workbook[name].sheet_state == "visible"]
    found: list[str] = named or visible
    return found[0] if found else None


def _worksheet_table(sheet: Any, display: str) -> Table:
    """The sheet's cells. The dimension a sheet declares is not trusted (openpyxl pads every
    row to it, so `A1:XFD10001` costs gigabytes): rows are as wide as the cells they hold,
    and the work is bounded by the rows and columns a catalogue can have."""
    sheet.reset_dimensions()
    cells: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if not row:
            continue
        if len(cells) > MAX_ROWS:
            _fail(display, f"has more than {MAX_ROWS:,} rows; split the catalogue")
        if len(row) > MAX_COLUMNS:
            where = f"column {letter(len(row) - 1)}"
            _fail(display, f"has a cell beyond column {letter(MAX_COLUMNS - 1)}", number, where)
        values = []
        errors = []
        for index, cell in enumerate(row):
            kind = getattr(cell, "data_type", None)
            if kind == "f":
                errors.append(f"column {letter(index)} holds a formula; paste its value instead")
            elif kind == "e":
                errors.append(
                    f"column {letter(index)} holds the spreadsheet error {cell.value}; "
                    "fix or clear the cell"
                )
            values.append(cell.value)
        cells.append((number, [_CellErrors("; ".join(errors))] if errors else values))
    return _table(display, cells)


class _CellErrors(str):
    """A row whose cells hold spreadsheet errors (`#DIV/0!`): the row is refused."""


def _table(display: str, cells: list[tuple[int, list[Any]]]) -> Table:
    """Header and rows; blank rows are skipped, a bad header stops the sheet."""
    cells = [(n, values) for n, values in cells if any(cell_text(v) for v in values)]
    if not cells:
        _fail(display, "sheet is empty; it needs a header row naming its columns")
    header_row, names = cells[0]
    if names and isinstance(names[0], _CellErrors):
        _fail(display, f"the header row: {names[0]}", header_row)
    header = [cell_text(name) for name in names]
    while header and not header[-1]:
        header.pop()
    letters = {name: letter(i) for i, name in enumerate(header) if name}
    rows = []
    for number, values in cells[1:]:
        if values and isinstance(values[0], _CellErrors):
            rows.append((number, {"": str(values[0])}))
            continue
        extra = [v for v in values[len(header) :] if cell_text(v)]
        if extra:
            rows.append((number, {"": f"has {len(values)} cells; the header has {len(header)}"}))
            continue
        rows.append(
            (number, {name: value for name, value in zip(header, values, strict=False) if name})
        )
    return Table(display, header_row, header, letters, rows)


def _check_header(table: Table, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    problems = []
    row = table.header_row
    seen: set[str] = set()
    for index, name in enumerate(table.header):
        where = f"column {letter(index)}"
        if not name:
            problems.append(Problem(table.display, "column has no name in the header", row, where))
        elif name in seen:
            problems.append(
                Problem(table.display, f"column {short_repr(name)} appears twice", row, where)
            )
        elif name not in allowed:
            match = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            hint = f"did you mean {match[0]!r}?" if match else f"allowed: {', '.join(allowed)}"
            problems.append(
                Problem(table.display, f"unknown column {short_repr(name)} ({hint})", row, where)
            )
        seen.add(name)
    problems += [
        Problem(table.display, f"the header has no {name!r} column", row)
        for name in required
        if name not in seen
    ]
    if problems:
        raise RecordError(problems)


# Building records


def _records(codes: Table, tables: dict[str, Table]) -> Sheet:
    _check_header(codes, COLUMNS, ("code",))
    kinds = [kind for kind in DETAIL_SHEETS if kind.name in tables]
    for kind in kinds:
        _check_header(tables[kind.name], kind.header, kind.header[:2])
    sheet = Sheet()
    details: dict[str, DetailRows] = {}
    for kind in kinds:
        details[kind.name], failures = read_details(kind, tables[kind.name])
        sheet.failures += failures
    seen: dict[str, int] = {}
    for number, cells in codes.rows:
        place = Place(codes.display, number, codes.letters)
        code = cell_text(cells.get("code")).upper() or None
        if "" in cells:
            sheet.failures.append(SheetFailure(place.origin, code, [place.problem("", cells[""])]))
            continue
        if code and code in seen:
            message = f"code {code} is also in row {seen[code]}; keep one row per code"
            sheet.failures.append(
                SheetFailure(place.origin, code, [place.problem("code", message)])
            )
            continue
        if code:
            seen[code] = number
        data, problems = _row_data(cells, place)
        places = RowPlaces(place, _merge(kinds, details, data, code or ""))
        if problems:
            sheet.failures.append(SheetFailure(place.origin, code, problems))
            continue
        try:
            record = validate_record_data(Document(data, {(): number}), codes.display)
        except RecordError as error:
            located = [
                places.problem(_parse_path(p.field or ""), p.message) for p in error.problems
            ]
            sheet.failures.append(SheetFailure(place.origin, code, located))
            continue
        sheet.rows.append(SheetRow(record, places))
    sheet.failures += _unknown_codes(details, codes.display)
    return sheet


def _merge(
    kinds: list[DetailSheet], details: dict[str, DetailRows], data: dict[str, Any], code: str
) -> DetailPlaces:
    """Merge the detail rows of `code` into its row's data, taking them out of `details` so
    the rows left over are those of codes the codes sheet lacks."""
    return {
        kind.name: merge_details(kind, data, details[kind.name].pop(code, [])) for kind in kinds
    }


def _unknown_codes(details: dict[str, DetailRows], codes_display: str) -> list[SheetFailure]:
    """The detail rows no codes row took: each names a code the codes sheet lacks."""
    return [
        SheetFailure(
            row.place.origin,
            None,
            [
                row.place.problem(
                    "code", f"code {code} is not a row of the codes sheet ({codes_display})"
                )
            ],
        )
        for rows in details.values()
        for code, entries in rows.items()
        for row in entries
    ]


def _parse_path(text: str) -> FieldPath:
    """`modifiers[1].code` -> `("modifiers", 1, "code")`, the inverse of format_path."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _row_data(cells: dict[str, Any], place: Place) -> tuple[dict[str, Any], list[Problem]]:
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, value in cells.items():
        if cell_text(value) == "":
            continue
        if column in SCALAR_COLUMNS:
            parsed: Any = scalar(value)
        elif column in TEXT_LIST_COLUMNS:
            parsed = list(_items(value))
        else:
            parsed = []
            for item in _items(value):
                entry = _item(column, item)
                if isinstance(entry, str):
                    problems.append(place.problem(column, entry))
                else:
                    parsed.append(entry)
        if column.startswith("drug."):
            data.setdefault("drug", {})[column.removeprefix("drug.")] = parsed
        else:
            data[column] = parsed
    return data, problems


def _items(value: Any) -> Iterator[str]:
    """`a; b\\; c` -> `a`, `b; c`: items are `;`-separated, `\\;` is a literal semicolon."""
    for part in _SEPARATOR.split(cell_text(value)):
        item = part.replace("\\;", ";").strip()
        if item:
            yield item


def _item(column: str, item: str) -> dict[str, Any] | str:
    """One list item as a record mapping, or a message saying what shape was expected."""
    key, text_key, split = ITEM_COLUMNS[column]
    if text_key is None:
        return {key: item}
    head, sep, tail = item.rpartition(":") if split == "last" else item.partition(":")
    if not sep:
        if column in ("benchmarks", "drug.doses"):
            return f"item {short_repr(item)} has no ':'; write '{_EXAMPLES[column]}'"
        return {key: item}
    head, tail = head.strip(), tail.strip()
    if column == "drug.doses":
        amount, _, unit = tail.partition(" ")
        if not unit.strip():
            return (
                f"dose {short_repr(item)} needs an amount and a unit; write '{_EXAMPLES[column]}'"
            )
        return {"label": head, "amount": amount, "unit": unit.strip()}
    return {key: head, text_key: tail} if tail else {key: head}


_EXAMPLES = {"benchmarks": "label: value", "drug.doses": "Loading dose: 840 mg"}
