"""Render: pure functions Publication -> bytes, one per output format.

Each renderer is imported when first used: a command that only checks format names (or
finds nothing to publish) loads no renderer, template engine or PDF library.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from codefolio.errors import RenderError

if TYPE_CHECKING:
    from codefolio.compose.model import Publication
    from codefolio.render.html import Paper

    Renderer = Callable[[Publication], bytes]

FORMATS = ("md", "txt", "html", "pdf", "json")
"""Format names, also the output file extensions: the keys of `RENDERERS`."""


def __getattr__(name: str) -> Any:
    if name == "RENDERERS":
        return _renderers()
    raise AttributeError(f"module 'codefolio.render' has no attribute {name!r}")


@functools.cache
def _renderers() -> dict[str, Renderer]:
    """Format name -> renderer (`RENDERERS`)."""
    from codefolio.render.html import render_html
    from codefolio.render.json import render_json
    from codefolio.render.markdown import render_markdown
    from codefolio.render.pdf import render_pdf
    from codefolio.render.text import render_text

    return {
        "md": render_markdown,
        "txt": render_text,
        "html": render_html,
        "pdf": render_pdf,
        "json": render_json,
    }


def parse_formats(spec: str) -> list[str]:
    """`"md, txt"` -> `["md", "txt"]`; an unknown name is an error listing the known ones."""
    names = list(dict.fromkeys(part.strip().lower() for part in spec.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        shown = ", ".join(repr(n) for n in unknown) or "none given"
        raise RenderError(f"unknown output format {shown}; choose from {', '.join(FORMATS)}")
    return names


def render(publication: Publication, fmt: str, paper: Paper = "letter") -> bytes:
    """`paper` sizes the PDF's pages; the other formats have none."""
    if fmt == "pdf":
        from codefolio.render.pdf import render_pdf

        return render_pdf(publication, paper)
    return _renderers()[fmt](publication)
