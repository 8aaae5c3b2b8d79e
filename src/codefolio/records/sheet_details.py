"""Detail sheets: rows keyed by `code` and an item key that fill in the items of one list of
a code's record, for fields a `;`-separated cell of the codes sheet has no room for (a
payer's coverage, a package's amount and NDC unit).

Each kind is one `DetailSheet` description; reading its rows, merging them into the codes
row's list and pointing a problem back at the detail row work the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codefolio.billing.ndc import normalize_ndc
from codefolio.errors import Problem
from codefolio.records.fields import short_repr
from codefolio.records.sheet_cells import Place, SheetFailure, Table, cell_text, scalar
from codefolio.records.source import FieldPath


@dataclass(frozen=True)
class DetailSheet:
    """One kind of detail sheet. It is the XLSX worksheet `name`, or the CSV companion
    `<stem>.<name>.csv`; its rows add `columns` (named as the item's fields) to the item of
    the record list at `target` whose `key_field` matches the row's `key_column`."""

    name: str
    noun: str
    """What one row describes, as messages say it."""
    target: tuple[str, ...]
    key_column: str
    key_field: str
    match: Callable[[str], str]
    """The key as compared (`Aetna` and `aetna` are one payer); raises ValueError, with the
    reason, for text that is not a key."""
    columns: tuple[str, ...]
    yes_no: tuple[str, ...] = ()
    """Columns that may hold true/false/yes/no (the word or a spreadsheet boolean)."""

    @property
    def header(self) -> tuple[str, ...]:
        return ("code", self.key_column, *self.columns)


PAYERS = DetailSheet(
    name="payers",
    noun="payer",
    target=("payers",),
    key_column="payer",
    key_field="name",
    match=str.casefold,
    columns=("prior_authorization", "policy", "site_of_care", "notes"),
    yes_no=("prior_authorization",),
)
PACKAGES = DetailSheet(
    name="packages",
    noun="package",
    target=("drug", "packages"),
    key_column="ndc",
    key_field="ndc",
    # Claims carry the 11-digit form, so 50242-145-01 and 50242-0145-01 are one package.
    match=normalize_ndc,
    columns=("description", "amount", "unit", "single_dose", "ndc_unit", "ndc_quantity"),
    yes_no=("single_dose",),
)
DETAIL_SHEETS = (PAYERS, PACKAGES)


@dataclass(frozen=True)
class DetailRow:
    """One good detail row: where it is, its key as compared, and the item fields it gives."""

    place: Place
    key: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DetailPlace:
    """Where a list item's details came from, and whether that row added the item (so its
    key, too, comes from the detail sheet)."""

    place: Place
    added: bool


DetailRows = dict[str, list[DetailRow]]
"""Good detail rows by code."""
DetailPlaces = dict[str, dict[int, DetailPlace]]
"""Detail sheet name -> list index -> where that item's details came from."""


def read_details(kind: DetailSheet, table: Table) -> tuple[DetailRows, list[SheetFailure]]:
    """The good rows of a detail sheet by code, and the rows that are bad on their own."""
    found: DetailRows = {}
    failures: list[SheetFailure] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        place = Place(table.display, number, table.letters)
        code = cell_text(cells.get("code")).upper()
        row = _detail_row(kind, place, code, cells)
        if isinstance(row, DetailRow) and (code, row.key) in seen:
            typed = row.fields[kind.key_field]
            again = seen[code, row.key]
            message = f"{kind.noun} {short_repr(typed)} of {code} is also in row {again}; keep one"
            row = [place.problem(kind.key_column, message)]
        if isinstance(row, list):
            failures.append(SheetFailure(place.origin, code or None, row))
            continue
        seen[code, row.key] = number
        found.setdefault(code, []).append(row)
    return found, failures


def _detail_row(
    kind: DetailSheet, place: Place, code: str, cells: dict[str, Any]
) -> DetailRow | list[Problem]:
    """One row's key and item fields, or the problems that keep it from having them."""
    if "" in cells:
        return [place.problem("", cells[""])]
    typed = cell_text(cells.get(kind.key_column))
    missing = [column for column, value in (("code", code), (kind.key_column, typed)) if not value]
    if missing:
        return [
            place.problem(column, f"is empty; a {kind.noun} row needs it") for column in missing
        ]
    try:
        key = kind.match(typed)
    except ValueError as exc:
        return [place.problem(kind.key_column, str(exc))]
    fields: dict[str, Any] = {kind.key_field: typed}
    for column in kind.columns:
        value = cells.get(column)
        if cell_text(value):
            fields[column] = _value(kind, column, value)
    return DetailRow(place, key, fields)


def _value(kind: DetailSheet, column: str, value: Any) -> Any:
    if column in kind.yes_no:
        word = cell_text(value).casefold()
        if word in ("true", "yes"):
            return True
        if word in ("false", "no"):
            return False
    return scalar(value)


def merge_details(
    kind: DetailSheet, data: dict[str, Any], rows: list[DetailRow]
) -> dict[int, DetailPlace]:
    """Add each detail row's fields to the item of `data`'s list with the same key (appending
    an item the codes row does not list); returns where each item's details came from."""
    parents = [data]
    for part in kind.target[:-1]:
        parents.append(parents[-1].setdefault(part, {}))
    listed: list[dict[str, Any]] = parents[-1].setdefault(kind.target[-1], [])
    places: dict[int, DetailPlace] = {}
    for row in rows:
        index = next((i for i, item in enumerate(listed) if _key(kind, item) == row.key), None)
        if index is None:
            listed.append(row.fields)
            places[len(listed) - 1] = DetailPlace(row.place, added=True)
            continue
        kept = listed[index][kind.key_field]
        listed[index] = {**listed[index], **row.fields, kind.key_field: kept}
        places[index] = DetailPlace(row.place, added=False)
    # Leave out what stayed empty, so a code without details reads as it did without them.
    for parent, part in reversed(list(zip(parents, kind.target, strict=True))):
        if parent[part]:
            break
        del parent[part]
    return places


def _key(kind: DetailSheet, item: dict[str, Any]) -> str | None:
    """An item's key as compared; None for a key the record model will report."""
    try:
        return kind.match(str(item[kind.key_field]))
    except ValueError:
        return None


def detail_problem(
    places: DetailPlaces, path: FieldPath, message: str, shown: str | None
) -> Problem | None:
    """A problem with `path` located at the detail row and column its value came from, or
    None when the value came from the codes sheet."""
    for kind in DETAIL_SHEETS:
        size = len(kind.target)
        if len(path) <= size + 1 or path[:size] != kind.target:
            continue
        index, name = path[size], path[size + 1]
        source = places.get(kind.name, {}).get(index) if isinstance(index, int) else None
        if source is None:
            return None
        if name in kind.columns:
            return source.place.problem(str(name), message, shown)
        if name == kind.key_field and source.added:
            return source.place.problem(kind.key_column, message, shown)
    return None
