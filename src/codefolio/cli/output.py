"""The consoles every command prints to, and how a command fails."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import typer
from rich.console import Console

from codefolio.errors import CodefolioError
from codefolio.refdata import ReferenceData, open_reference_data
from codefolio.render import FORMATS

PaperName = Literal["letter", "a4"]
"""`codefolio.render.html.Paper`, named here so that a command's help does not load the HTML
renderer (a test keeps the two equal)."""

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

FormatsOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMATS",
        help=f"Comma-separated formats: {', '.join(FORMATS)}.",
    ),
]
"""`--format md,html`: the formats a build command writes (see render.parse_formats)."""

PaperOption = Annotated[
    PaperName, typer.Option("--paper", help="Page size of PDF output: US Letter or A4.")
]
"""`--paper a4`: the page size of PDF output; US Letter by default."""


AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        metavar="DATE",
        help="Date the publications are true for (YYYY-MM-DD): the rules in force and the "
        "data set editions by it; default today.",
        show_default=False,
    ),
]
"""`--as-of 2026-11-27` on every command that publishes."""


def as_of_date(value: datetime | None) -> date:
    return value.date() if value else date.today()


def warn(problem: object) -> None:
    """A finding that does not stop the build, printed located like `validate` prints it."""
    err.print(f"warning: {problem}", markup=False)


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
