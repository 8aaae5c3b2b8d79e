"""The static catalogue site: index.html (sortable, searchable), one page per code, assets.

Everything is built in a temporary folder beside the site and swapped in at the end, so a
failed build leaves the previous site as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from codefolio import __version__
from codefolio.build import compose_records
from codefolio.catalog.folder import check_own_folder
from codefolio.catalog.index import IndexRow, index_row, page_name
from codefolio.catalog.sources import find_records
from codefolio.errors import CatalogError, Problem
from codefolio.render.html import render_html
from codefolio.render.templating import render_template, stream_template

MARKER = ".codefolio-site"
"""Written into every site; only a folder holding it (or an empty one) is ever replaced."""


@dataclass(frozen=True)
class SiteReport:
    site_dir: Path
    pages: int
    files: int
    size: int


def build_site(
    records_dir: Path,
    site_dir: Path,
    as_of: date | None = None,
    report: Callable[[Problem], None] | None = None,
) -> SiteReport:
    """Compose every record in `records_dir` as of `as_of` (default today) and write the
    site to `site_dir`; `report` is handed every warning, located."""
    publications = compose_records(find_records(records_dir), as_of, report)
    rows = sorted((index_row(p) for p in publications), key=lambda row: row.code)
    outputs = {page_name(p): render_html(p) for p in publications}
    outputs["index.html"] = render_index(rows).encode("utf-8")
    outputs.update(site_assets())
    outputs[MARKER] = f"codefolio {__version__}\n".encode()
    check_own_folder(site_dir, MARKER, "site")
    _swap_in(outputs, site_dir)
    return SiteReport(site_dir, len(publications), len(outputs), sum(map(len, outputs.values())))


def render_index(rows: list[IndexRow]) -> str:
    return "".join(stream_index(rows))


def stream_index(rows: list[IndexRow]) -> Iterator[str]:
    return stream_template("site_index.html.j2", rows=rows, edition=f"codefolio {__version__}")


def site_assets() -> dict[str, bytes]:
    """The index page's stylesheet and script, by their path in the site."""
    return {
        "assets/site.css": render_template("site.css.j2").encode("utf-8"),
        "assets/site.js": files("codefolio.catalog").joinpath("assets/site.js").read_bytes(),
    }


def _swap_in(outputs: dict[str, bytes], site_dir: Path) -> None:
    """Write every file into a new folder beside `site_dir`, then rename it into place."""
    parent = site_dir.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=parent))
    except OSError as exc:
        raise CatalogError(f"{site_dir}: cannot create the site: {exc.strerror or exc}") from None
    old = parent / f"{staging.name.replace('.new-', '.old-', 1)}"
    try:
        for name, data in outputs.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        staging.chmod(0o755)
        if site_dir.exists():
            site_dir.rename(old)
        try:
            staging.rename(site_dir)
        except OSError:
            if old.exists():
                old.rename(site_dir)
            raise
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise CatalogError(f"{site_dir}: cannot write the site: {exc.strerror or exc}") from None
    shutil.rmtree(old, ignore_errors=True)
