"""Render: pure functions Publication -> bytes, one per output format.

Each renderer is imported when first used: a command that only checks format names (or
finds nothing to publish) loads no renderer, template engine or PDF library.
"""

from __future__ import annotations

import functools
import importlib
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


# Format name -> the module and function that render it.
_RENDERER_NAMES = {
    "md": ("markdown", "render_markdown"),
    "txt": ("text", "render_text"),
    "html": ("html", "render_html"),
    "pdf": ("pdf", "render_pdf"),
    "json": ("json", "render_json"),
}


@functools.cache
def _renderer(fmt: str) -> Renderer:
    """The renderer of one format, its module imported now (Markdown loads no template)."""
    module, function = _RENDERER_NAMES[fmt]
    renderer: Renderer = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return renderer


def _renderers() -> dict[str, Renderer]:
    """Format name -> renderer (`RENDERERS`)."""
    return {fmt: _renderer(fmt) for fmt in FORMATS}


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
    return _renderer(fmt)(publication)
