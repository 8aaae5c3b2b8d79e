"""The manifest of shipped reference data: who published each set, which edition, which bytes.

The manifest is the single statement of provenance; the store is rebuilt whenever its
bytes change, and every shipped file is checked against its sha256 before it is loaded.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from codefolio.errors import ReferenceDataError

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_NAME = "manifest.json"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """Where an edition came from: a repository path at a commit, or a package."""

    path: str
    repo: str | None = None
    commit: str | None = None
    package: str | None = None


class DataFile(_Frozen):
    """One shipped file: its path under the data folder, checksum and data row count."""

    path: str
    sha256: str
    rows: int
    kind: str
    derived_from: str | None = None


class Release(_Frozen):
    """One edition of a data set (a quarter for the ASP series): shipped with codefolio, or
    imported by the user from a release file (`refdata import`)."""

    edition: str
    effective_start: date | None
    effective_end: date | None
    note: str
    source: Source
    files: list[DataFile]
    origin: Literal["shipped", "imported"] = "shipped"


class DataSet(_Frozen):
    """A reference data set as the manifest describes it; `edition` is the latest release."""

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


class Manifest(_Frozen):
    """Every shipped data set, in a fixed order."""

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
    """Read and validate `manifest.json`; its sha256 identifies the shipped data."""
    path = data_dir / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ReferenceDataError(
            f"cannot read the reference data manifest {path}: {error}"
        ) from None
    try:
        data = json.loads(raw)
        data["sha256"] = hashlib.sha256(raw).hexdigest()
        return Manifest.model_validate(data)
    except (ValueError, TypeError, ValidationError) as error:
        raise ReferenceDataError(f"invalid reference data manifest {path}: {error}") from None


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
