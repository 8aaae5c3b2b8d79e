"""Every edition the store holds: the shipped manifest's, and those the user imported.

Imported release files are kept, byte for byte, in `<cache>/imports/` under their sha256,
and listed in `<cache>/imports/imports.json` as manifest releases (origin `imported`), so
the store, which is disposable, is rebuilt from shipped and imported files alike.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codefolio.errors import ReferenceDataError
from codefolio.fileio import write_atomic
from codefolio.refdata.manifest import DATA_DIR, STRICT_CONFIG, Manifest, Release, load_manifest

if TYPE_CHECKING:
    from pydantic import TypeAdapter

IMPORTS_DIR = "imports"
IMPORTS_NAME = "imports.json"
IMPORTS_FORMAT = "codefolio-imports/1"


@dataclass(frozen=True)
class ImportedRelease:
    __pydantic_config__ = STRICT_CONFIG

    dataset: str
    release: Release


@dataclass(frozen=True)
class Imports:
    """The imported editions, in the order they were imported (read and written by pydantic,
    loaded only when a folder holds imports)."""

    __pydantic_config__ = STRICT_CONFIG

    format: str = IMPORTS_FORMAT
    releases: list[ImportedRelease] = field(default_factory=list)


@functools.cache
def _adapter() -> TypeAdapter[Imports]:
    from pydantic import TypeAdapter

    return TypeAdapter(Imports)


def imports_path(cache_dir: Path) -> Path:
    return cache_dir / IMPORTS_DIR / IMPORTS_NAME


def load_imports(cache_dir: Path) -> Imports:
    """The imported editions; none when nothing was imported. A damaged list is an error
    (it is the user's data, not a cache): it names the file to repair or remove."""
    path = imports_path(cache_dir)
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # nothing imported into this folder
        return Imports()
    except OSError as error:
        raise ReferenceDataError(f"cannot read the imported editions {path}: {error}") from None
    try:
        imports = _adapter().validate_json(raw)
    except ValueError as error:  # a pydantic ValidationError is a ValueError
        raise ReferenceDataError(
            f"the list of imported editions {path} is damaged ({error}); remove it and "
            "import the release files again"
        ) from None
    if imports.format != IMPORTS_FORMAT:
        raise ReferenceDataError(f"{path}: unknown format {imports.format!r}")
    return imports


def save_imports(cache_dir: Path, imports: Imports) -> None:
    write_atomic(imports_path(cache_dir), _adapter().dump_json(imports, indent=2))


def merge(manifest: Manifest, imports: Imports) -> Manifest:
    """The shipped manifest with the imported releases added to their data sets, every data
    set's releases ordered by effective date (undated first); its sha256 covers both, so
    the store is rebuilt when either changes (and is the shipped one's with no imports)."""
    if not imports.releases:
        return manifest
    added: dict[str, list[Release]] = {}
    for entry in imports.releases:
        added.setdefault(entry.dataset, []).append(entry.release)
    datasets = []
    for dataset in manifest.datasets:
        releases = [*dataset.releases, *added.pop(dataset.id, [])]
        releases.sort(key=lambda r: (r.effective_start is not None, r.effective_start))
        datasets.append(dataclasses.replace(dataset, releases=releases))
    if added:
        raise ReferenceDataError(f"imported editions of unknown data sets: {', '.join(added)}")
    digest = hashlib.sha256(manifest.sha256.encode("utf-8") + _adapter().dump_json(imports))
    return dataclasses.replace(manifest, datasets=datasets, sha256=digest.hexdigest())


def load_editions(cache_dir: Path, data_dir: Path = DATA_DIR) -> Manifest:
    """Shipped and imported editions of every data set."""
    return merge(load_manifest(data_dir), load_imports(cache_dir))


def release_path(cache_dir: Path, data_dir: Path, release: Release, file_path: str) -> Path:
    """Where a release's file is: in the package's data folder, or among the imports."""
    return (cache_dir if release.origin == "imported" else data_dir) / file_path
