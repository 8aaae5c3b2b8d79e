"""The one Jinja2 environment for HTML output: autoescape on, undefined variables fail loudly."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def template_environment() -> Environment:
    """Templates ship as package data in `codefolio/render/templates`."""
    return Environment(
        loader=PackageLoader("codefolio", "render/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # shipped templates do not change under a running process
    )


def render_template(name: str, **context: Any) -> str:
    return template_environment().get_template(name).render(**context)


def stream_template(name: str, **context: Any) -> Iterator[str]:
    """The rendered template piece by piece, for pages too large to hold whole."""
    return template_environment().get_template(name).generate(**context)
