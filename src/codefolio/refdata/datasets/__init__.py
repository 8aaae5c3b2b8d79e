"""The data set registry: each data set declares, in its own module, its tables, how its
shipped files and its release files are read, and what a change between editions is.

The store, `refdata import`, `refdata diff` and `lookup --history` work from this registry
only, so a new data set (NCCI procedure-to-procedure edits are next) is one new module here
(and its shipped files in the manifest).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codefolio.errors import ReferenceDataError
from codefolio.refdata.release import ReleaseData, ReleaseFile, Row


@dataclass(frozen=True)
class Table:
    """A store table. `key` names its primary key columns; an editioned table also has an
    `edition` column first, and a view of its own name shows the newest edition (so SQL
    readers of the store see one edition)."""

    name: str
    columns: str
    key: str
    editioned: bool = True

    @property
    def column_names(self) -> list[str]:
        return [part.split()[0] for part in _split_columns(self.columns)]

    @property
    def stored(self) -> str:
        """The table that holds every edition's rows."""
        return f"{self.name}_editions" if self.editioned else self.name


def _split_columns(columns: str) -> list[str]:
    return [part.strip() for part in columns.split(",") if part.strip()]


@dataclass(frozen=True)
class Reader:
    """One release-file layout: what it is called, whether a file is one, how to read it."""

    layout: str
    recognizes: Callable[[ReleaseFile], bool]
    read: Callable[[ReleaseFile], ReleaseData]


@dataclass(frozen=True)
class Compared:
    """A field whose change between editions is reported, and how it is named."""

    column: str
    label: str
    change: str = "changed"
    percent: bool = False


@dataclass(frozen=True)
class Diffed:
    """How to compare two editions of one table: per code (`code_column`), keyed by
    `key` within it, reporting `compared` fields; `item` names a keyed row (an NDC package)."""

    table: str
    code_column: str
    key: tuple[str, ...]
    compared: tuple[Compared, ...]
    item: str = "code"


@dataclass(frozen=True)
class DataSetSpec:
    """A data set: its tables, its shipped-file reader, its release readers, its diff."""

    id: str
    tables: tuple[Table, ...]
    load_shipped: Callable[[list[Path], str], dict[str, list[Row]]]
    readers: tuple[Reader, ...] = ()
    diffs: tuple[Diffed, ...] = ()
    complete: Callable[[list[ReleaseData]], None] | None = None
    """Checks that the files of one imported edition make a whole edition (MUE: three)."""
    read_apart: bool = False
    """Its shipped reader is slow (seconds): a store build runs it in a child process."""

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)


def _registry() -> dict[str, DataSetSpec]:
    """Every module of this package declares its data set as `SPEC` (or several as
    `SPECS`); a new module is found without being listed anywhere."""
    found: dict[str, DataSetSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for entry in getattr(module, "SPECS", (getattr(module, "SPEC", None),)):
            if isinstance(entry, DataSetSpec):
                found[entry.id] = entry
    return found


_SPECS: dict[str, DataSetSpec] = {}


def specs() -> dict[str, DataSetSpec]:
    """Every data set, by id."""
    if not _SPECS:
        _SPECS.update(_registry())
    return _SPECS


def spec(dataset_id: str) -> DataSetSpec:
    try:
        return specs()[dataset_id]
    except KeyError:
        known = ", ".join(specs())
        raise ReferenceDataError(
            f"unknown reference data set {dataset_id!r} (known: {known})"
        ) from None


def layouts() -> list[str]:
    """Every release-file layout an import reads, for the message refusing another file."""
    return [reader.layout for entry in specs().values() for reader in entry.readers]


def recognize(file: ReleaseFile) -> Reader | None:
    """The reader of the first layout that recognizes the file, or None."""
    for entry in specs().values():
        for reader in entry.readers:
            if reader.recognizes(file):
                return reader
    return None
