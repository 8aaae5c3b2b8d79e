"""Command line: thin Typer commands over the library's service functions."""

from __future__ import annotations

import gc

# A command's start-up builds some 100,000 long-lived objects (modules, classes, validators)
# and frees few cycles, so Python's default first collection, every 700 new objects, walks
# live objects some 130 times over a quick command (a tenth of its time). Collections still
# run in long commands, each after this many new objects.
START_UP_OBJECTS = 100_000


def main() -> None:
    """The `codefolio` console script."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(START_UP_OBJECTS, middle, oldest)

    from codefolio.cli.app import app

    try:
        app()
    finally:
        # At exit the interpreter collects every generation, walking each object once more
        # only to free memory that the process hands back whole: leave them out.
        gc.freeze()
