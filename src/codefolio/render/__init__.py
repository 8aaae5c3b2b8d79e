"""Render: pure functions Publication -> bytes, one per output format."""

from __future__ import annotations

from collections.abc import Callable

from codefolio.compose.model import Publication
from codefolio.errors import RenderError
from codefolio.render.html import Paper, render_html
from codefolio.render.json import render_json
from codefolio.render.markdown import render_markdown
from codefolio.render.pdf import render_pdf
from codefolio.render.text import render_text

Renderer = Callable[[Publication], bytes]

RENDERERS: dict[str, Renderer] = {
    "md": render_markdown,
    "txt": render_text,
    "html": render_html,
    "pdf": render_pdf,
    "json": render_json,
}
"""Format name (also the output file extension) -> renderer."""


def parse_formats(spec: str) -> list[str]:
    """`"md, txt"` -> `["md", "txt"]`; an unknown name is an error listing the known ones."""
    names = list(dict.fromkeys(part.strip().lower() for part in spec.split(",") if part.strip()))
    unknown = [name for name in names if name not in RENDERERS]
    if unknown or not names:
        shown = ", ".join(repr(n) for n in unknown) or "none given"
        raise RenderError(f"unknown output format {shown}; choose from {', '.join(RENDERERS)}")
    return names


def render(publication: Publication, fmt: str, paper: Paper = "letter") -> bytes:
    """`paper` sizes the PDF's pages; the other formats have none."""
    if fmt == "pdf":
        return render_pdf(publication, paper)
    return RENDERERS[fmt](publication)
