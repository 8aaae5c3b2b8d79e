"""codefolio: billing-code reference publications from one input record per code."""

from __future__ import annotations

import functools


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed package only when asked for: reading
    package metadata takes a sizeable share of a quick command's start-up."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'codefolio' has no attribute {name!r}")


@functools.cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codefolio")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
