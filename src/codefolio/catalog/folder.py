"""Output folders are codefolio's own: a build writes into a folder only when it is new, empty
or marked as made by codefolio, and never reaches outside it through a name or a link."""

from __future__ import annotations

from pathlib import Path

from codefolio.errors import CatalogError


def check_own_folder(folder: Path, marker: str, noun: str, *also: str) -> None:
    """Refuse a path that is a file, or a non-empty folder holding neither `marker` nor any
    of `also` (files an earlier codefolio left as its mark): it is somebody else's."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise CatalogError(f"{folder}: exists and is not a folder; choose another {noun} folder")
    if any(folder.iterdir()) and not any((folder / name).is_file() for name in (marker, *also)):
        raise CatalogError(
            f"{folder}: folder is not empty and is not a codefolio {noun} (no {marker}); "
            "choose a new or empty folder"
        )


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, when that stays in `folder`: `name` is relative, has no `..`, and no
    folder on the way is a link to elsewhere. The last part may itself be a link: a file is
    replaced or removed by renaming or unlinking it, which never touches a link's target.

    Raises CatalogError otherwise, naming the path.
    """
    relative = Path(name)
    path = folder / relative
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise CatalogError(f"{path}: not a path inside {folder}; refusing to touch it")
    root = folder.resolve()
    if not path.parent.resolve().is_relative_to(root):
        raise CatalogError(
            f"{path.parent}: is a link to a place outside {folder}; codefolio writes only "
            "inside its own folder: remove the link"
        )
    return path
