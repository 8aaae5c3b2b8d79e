"""Every edition the store holds: the shipped manifest's, and those the user imported.

Imported release files are kept, byte for byte, in `<cache>/imports/` under their sha256,
and listed in `<cache>/imports/imports.json` as manifest releases (origin `imported`), so
the store, which is disposable, is rebuilt from shipped and imported files alike.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from codefolio.errors import ReferenceDataError
from codefolio.fileio import write_atomic
from codefolio.refdata.manifest import DATA_DIR, Manifest, Release, load_manifest

IMPORTS_DIR = "imports"
IMPORTS_NAME = "imports.json"
IMPORTS_FORMAT = "codefolio-imports/1"


class ImportedRelease(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: str
    release: Release


class Imports(BaseModel):
    """The imported editions, in the order they were imported."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = IMPORTS_FORMAT
    releases: list[ImportedRelease] = []


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
        imports = Imports.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as error:
        raise ReferenceDataError(
            f"the list of imported editions {path} is damaged ({error}); remove it and "
            "import the release files again"
        ) from None
    if imports.format != IMPORTS_FORMAT:
        raise ReferenceDataError(f"{path}: unknown format {imports.format!r}")
    return imports


def save_imports(cache_dir: Path, imports: Imports) -> None:
    write_atomic(imports_path(cache_dir), imports.model_dump_json(indent=2).encode("utf-8"))


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
        datasets.append(dataset.model_copy(update={"releases": releases}))
    if added:
        raise ReferenceDataError(f"imported editions of unknown data sets: {', '.join(added)}")
    digest = hashlib.sha256(
        (manifest.sha256 + imports.model_dump_json()).encode("utf-8")
    ).hexdigest()
    return manifest.model_copy(update={"datasets": datasets, "sha256": digest})


def load_editions(cache_dir: Path, data_dir: Path = DATA_DIR) -> Manifest:
    """Shipped and imported editions of every data set."""
    return merge(load_manifest(data_dir), load_imports(cache_dir))


def release_path(cache_dir: Path, data_dir: Path, release: Release, file_path: str) -> Path:
    """Where a release's file is: in the package's data folder, or among the imports."""
    return (cache_dir if release.origin == "imported" else data_dir) / file_path
