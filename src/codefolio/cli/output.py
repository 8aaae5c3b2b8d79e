"""The consoles every command prints to, and how a command fails."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from codefolio.errors import CodefolioError
from codefolio.refdata import ReferenceData, open_reference_data
from codefolio.render import RENDERERS

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

FormatsOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMATS",
        help=f"Comma-separated formats: {', '.join(RENDERERS)}.",
    ),
]
"""`--format md,html`: the formats a build command writes (see render.parse_formats)."""


def fail(error: CodefolioError | OSError) -> typer.Exit:
    """Print the error without a traceback; the command exits 1. An OSError is the
    system refusing a file (a name too long, a full disk, no permission): say which."""
    if isinstance(error, OSError) and error.filename is not None:
        message = f"{error.filename}: {error.strerror or error}"
    else:
        message = str(error)
    err.print(f"error: {message}", markup=False)
    return typer.Exit(1)


def open_store() -> ReferenceData:
    """Open the reference data store, with a spinner when the first use has to build it."""
    return open_reference_data(
        building=lambda: err.status("Building the reference data store (first use)…")
    )
