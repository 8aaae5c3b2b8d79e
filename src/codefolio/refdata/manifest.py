"""The manifest of shipped reference data: who published each set, which edition, which bytes.

The manifest is the single statement of provenance; the store is rebuilt whenever its
bytes change, and every shipped file is checked against its sha256 before it is loaded.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from codefolio.errors import ReferenceDataError

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_NAME = "manifest.json"

# Plain frozen dataclasses, so that opening the store (every `lookup`) reads the manifest
# without loading pydantic; pydantic validates the same classes where a manifest is
# trusted for a build (`validate_manifest`) and where imported editions are read.
STRICT_CONFIG: Any = {"extra": "forbid"}


@dataclass(frozen=True)
class Source:
    """Where an edition came from: a repository path at a commit, or a package."""

    __pydantic_config__ = STRICT_CONFIG

    path: str
    repo: str | None = None
    commit: str | None = None
    package: str | None = None


@dataclass(frozen=True)
class DataFile:
    """One shipped file: its path under the data folder, checksum and data row count."""

    __pydantic_config__ = STRICT_CONFIG

    path: str
    sha256: str
    rows: int
    kind: str
    derived_from: str | None = None


@dataclass(frozen=True)
class Release:
    """One edition of a data set (a quarter for the ASP series): shipped with codefolio, or
    imported by the user from a release file (`refdata import`)."""

    __pydantic_config__ = STRICT_CONFIG

    edition: str
    effective_start: date | None
    effective_end: date | None
    note: str
    source: Source
    files: list[DataFile]
    origin: Literal["shipped", "imported"] = "shipped"


@dataclass(frozen=True)
class DataSet:
    """A reference data set as the manifest describes it; `edition` is the latest release."""

    __pydantic_config__ = STRICT_CONFIG

    id: str
    name: str
    publisher: str
    title: str
    releases: list[Release]

    @property
    def edition(self) -> str:
        return self.releases[-1].edition

    @property
    def editions(self) -> list[str]:
        return [release.edition for release in self.releases]

    @property
    def effective(self) -> date | None:
        """The start of the latest edition's effective period, when the publisher states it."""
        return self.releases[-1].effective_start

    @property
    def source(self) -> Source:
        return self.releases[-1].source

    @property
    def files(self) -> list[DataFile]:
        return [file for release in self.releases for file in release.files]

    def in_force(self, on: date) -> Release:
        """The release in force on a date: the latest whose effective start is on or before
        it (an undated release is always in force), else the earliest release."""
        started = [
            release
            for release in self.releases
            if release.effective_start is None or release.effective_start <= on
        ]
        return started[-1] if started else self.releases[0]

    def release(self, edition: str) -> Release:
        """The release of that edition; raises for an edition the store does not hold."""
        for release in self.releases:
            if release.edition == edition:
                return release
        known = ", ".join(self.editions)
        raise ReferenceDataError(
            f"data set {self.id!r} has no edition {edition!r} (editions: {known})"
        )


@dataclass(frozen=True)
class Manifest:
    """Every shipped data set, in a fixed order."""

    __pydantic_config__ = STRICT_CONFIG

    format: str
    datasets: list[DataSet]
    sha256: str = ""

    @cached_property
    def by_id(self) -> dict[str, DataSet]:
        return {dataset.id: dataset for dataset in self.datasets}

    def dataset(self, dataset_id: str) -> DataSet:
        """The data set with that id; raises ReferenceDataError naming the known ids."""
        try:
            return self.by_id[dataset_id]
        except KeyError:
            known = ", ".join(self.by_id)
            raise ReferenceDataError(
                f"unknown reference data set {dataset_id!r} (known: {known})"
            ) from None


def load_manifest(data_dir: Path = DATA_DIR) -> Manifest:
    """Read `manifest.json`; its sha256 identifies the shipped data. The reading checks the
    layout (every key known, none missing, dates as dates); `validate_manifest` checks the
    rest before a store is built from it."""
    path = data_dir / MANIFEST_NAME
    raw = _read(path)
    try:
        data = json.loads(raw)
        datasets = [_dataset(item) for item in data["datasets"]]
        return Manifest(**{**data, "datasets": datasets, "sha256": hashlib.sha256(raw).hexdigest()})
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ReferenceDataError(f"invalid reference data manifest {path}: {error}") from None


def validate_manifest(data_dir: Path = DATA_DIR) -> None:
    """Raise unless `manifest.json` has every field of the right type and no other: checked
    by pydantic whenever a store is built from it, so a store (whose meta names the
    manifest's sha256) is only ever opened with a manifest that passed."""
    from pydantic import TypeAdapter, ValidationError

    path = data_dir / MANIFEST_NAME
    try:
        TypeAdapter(Manifest).validate_json(_read(path))
    except ValidationError as error:
        raise ReferenceDataError(f"invalid reference data manifest {path}: {error}") from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReferenceDataError(
            f"cannot read the reference data manifest {path}: {error}"
        ) from None


def _dataset(data: dict[str, Any]) -> DataSet:
    return DataSet(**{**data, "releases": [release_from(item) for item in data["releases"]]})


def release_from(data: dict[str, Any]) -> Release:
    """A release from its JSON form (dates as ISO text)."""
    dates = {
        name: None if data.get(name) is None else date.fromisoformat(data[name])
        for name in ("effective_start", "effective_end")
    }
    return Release(
        **{
            **data,
            **dates,
            "source": Source(**data["source"]),
            "files": [DataFile(**item) for item in data["files"]],
        }
    )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_rows(path: Path) -> int:
    """Data rows of a CSV file: records after the header (quoted newlines stay inside a row)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def verify_file(data_dir: Path, file: DataFile) -> None:
    """Raise unless the shipped file has the manifest's sha256, so no altered data is loaded."""
    path = data_dir / file.path
    try:
        actual = file_sha256(path)
    except OSError as error:
        raise ReferenceDataError(f"missing reference data file {path}: {error}") from None
    if actual != file.sha256:
        raise ReferenceDataError(
            f"reference data file {path} does not match the manifest "
            f"(sha256 {actual}, expected {file.sha256}); reinstall codefolio"
        )
