"""`codefolio refdata import`: add editions from CMS and NUCC release files to the store.

An import is all or nothing: every file is read and checked first (layout, edition, codes,
amounts, a whole last row), then the store is rebuilt with the new editions into a temp
file and swapped in, and only then is the list of imported editions replaced. A refused
import leaves the store, the list and the kept files as they were.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codefolio.errors import ReferenceDataError
from codefolio.fileio import write_atomic
from codefolio.refdata import datasets
from codefolio.refdata.editions import (
    IMPORTS_DIR,
    ImportedRelease,
    Imports,
    load_imports,
    merge,
    save_imports,
)
from codefolio.refdata.manifest import DATA_DIR, DataFile, Manifest, Release, Source, load_manifest
from codefolio.refdata.release import ReleaseData, ReleaseFile, Row, read_release_files
from codefolio.refdata.store import build_store, read_import, release_tables

# Files a CMS release zip carries beside its data: read-me, change lists, notes.
_PREFERRED = (".xlsx", ".xls", ".csv", ".txt")
_SKIPPED = ("readme", "changes_by", "proc_notes", "trans_alpha", ".prn", ".pdf", ".doc")


@dataclass(frozen=True)
class ImportedFile:
    """One release file read: which edition it holds and how many rows."""

    name: str
    dataset: str
    edition: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did: each file read, the editions added, those already there."""

    files: list[ImportedFile]
    added: list[str]
    unchanged: list[str]


def _wanted(file: ReleaseFile) -> bool:
    name = file.basename.lower()
    return not any(part in name for part in _SKIPPED)


def _read(paths: Sequence[Path]) -> list[tuple[ReleaseFile, ReleaseData]]:
    found: list[tuple[ReleaseFile, ReleaseData]] = []
    for path in paths:
        members = read_release_files(path)
        candidates = [m for m in members if _wanted(m)] if len(members) > 1 else members
        # A zip may hold one edition in several layouts: the workbook holds whole descriptors.
        candidates.sort(key=lambda m: _PREFERRED.index(m.suffix) if m.suffix in _PREFERRED else 9)
        read_any = False
        layouts: dict[tuple[str, str], str] = {}
        for member in candidates:
            reader = datasets.recognize(member)
            if len(members) > 1 and reader is None:
                continue  # a zip also carries files that are not data
            data = read_import(member)
            layout = layouts.setdefault(
                (data.dataset, data.edition), reader.layout if reader else ""
            )
            if reader is not None and layout != reader.layout:
                continue  # the same edition in another layout (the .txt beside the .xls)
            found.append((member, data))
            read_any = True
        if not read_any:
            raise ReferenceDataError(
                f"{path}: holds no known release file; codefolio reads: "
                + "; ".join(datasets.layouts())
            )
    return found


def _same_rows(a: dict[str, list[Row]], b: dict[str, list[Row]]) -> bool:
    return {k: sorted(map(repr, v)) for k, v in a.items()} == {
        k: sorted(map(repr, v)) for k, v in b.items()
    }


def import_files(paths: Sequence[Path], cache_dir: Path, data_dir: Path = DATA_DIR) -> ImportResult:
    """Read every file (a zip's data files in place), then add the editions they hold."""
    found = _read(paths)
    groups: dict[tuple[str, str], list[tuple[ReleaseFile, ReleaseData]]] = {}
    for member, data in found:
        groups.setdefault((data.dataset, data.edition), []).append((member, data))
    imports = load_imports(cache_dir)
    current = merge(load_manifest(data_dir), imports)
    added: list[ImportedRelease] = []
    unchanged: list[str] = []
    for (dataset_id, edition), parts in groups.items():
        spec = datasets.spec(dataset_id)
        if spec.complete is not None:
            spec.complete([data for _, data in parts])
        label = f"{dataset_id}@{edition}"
        existing = _existing(current, dataset_id, edition)
        if existing is not None:
            tables: dict[str, list[Row]] = {}
            for _, data in parts:
                for name, rows in data.tables.items():
                    tables.setdefault(name, []).extend(rows)
            if not _same_rows(tables, release_tables(dataset_id, existing, data_dir, cache_dir)):
                raise ReferenceDataError(
                    f"{', '.join(m.name for m, _ in parts)}: the store already holds {label} "
                    f"({existing.origin}, from {existing.source.path}) and these rows differ "
                    "from it; an edition is imported once"
                )
            unchanged.append(label)
            continue
        added.append(ImportedRelease(dataset=dataset_id, release=_release(parts)))
    files = [
        ImportedFile(m.name, d.dataset, d.edition, d.rows, hashlib.sha256(m.data).hexdigest())
        for m, d in found
    ]
    if added:
        _add(cache_dir, data_dir, imports, added, [m for m, _ in found])
    return ImportResult(files, [f"{a.dataset}@{a.release.edition}" for a in added], unchanged)


def _existing(manifest: Manifest, dataset_id: str, edition: str) -> Release | None:
    for release in manifest.dataset(dataset_id).releases:
        if release.edition == edition:
            return release
    return None


def _release(parts: list[tuple[ReleaseFile, ReleaseData]]) -> Release:
    first = parts[0][1]
    files = []
    for member, data in parts:
        digest = hashlib.sha256(member.data).hexdigest()
        suffix = member.suffix if member.suffix.isascii() and len(member.suffix) <= 6 else ""
        files.append(
            DataFile(
                path=f"{IMPORTS_DIR}/{digest}{suffix}",
                sha256=digest,
                rows=data.rows,
                kind="imported",
                derived_from=member.basename,
            )
        )
    return Release(
        edition=first.edition,
        effective_start=first.effective_start,
        effective_end=first.effective_end,
        note=first.title,
        source=Source(path="; ".join(member.name for member, _ in parts)),
        files=files,
        origin="imported",
    )


def _add(
    cache_dir: Path,
    data_dir: Path,
    imports: Imports,
    added: list[ImportedRelease],
    members: list[ReleaseFile],
) -> None:
    """Keep the files, build the store with the new editions, then record them."""
    by_digest = {hashlib.sha256(m.data).hexdigest(): m for m in members}
    for entry in added:
        for file in entry.release.files:
            target = cache_dir / file.path
            if not target.exists():
                write_atomic(target, by_digest[file.sha256].data)
    updated = Imports(releases=[*imports.releases, *added])
    build_store(cache_dir, data_dir, merge(load_manifest(data_dir), updated))
    save_imports(cache_dir, updated)
