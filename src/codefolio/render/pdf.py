"""Publication -> PDF: WeasyPrint typesets the HTML page with its paged-media CSS
(the code in a running header, `Page n of N`), on US Letter unless A4 is asked for."""

from __future__ import annotations

from typing import NoReturn

from codefolio.compose.model import Publication
from codefolio.errors import RenderError
from codefolio.render.html import Paper, render_html_page


def render_pdf(publication: Publication, paper: Paper = "letter") -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only PDF output needs.
    from weasyprint import HTML

    document = HTML(string=render_html_page(publication, paper), url_fetcher=_refuse_fetch)
    data: bytes = document.write_pdf()
    return data


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> NoReturn:
    """The page is self-contained; any URL it would load is refused, never fetched."""
    raise RenderError(f"the PDF page may not load {url!r}; publications are self-contained")
