"""Publication -> one self-contained HTML page: inline CSS, no scripts, no network requests.

Each statement carries one source marker pointing to the numbered References (input
record, data set editions, rules); a table names its sources in one line under it, and the
precise field-level sources wait in a collapsed details element. A table with a chart also
gets an inline SVG bar chart. The template only lays out what the Publication says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from markupsafe import Markup

from codefolio.compose.citations import Citations, edition_name
from codefolio.compose.common import long_date
from codefolio.compose.model import Chart, Publication, SourceRef
from codefolio.render.inline import is_segment, is_token, repeats_heading
from codefolio.render.templating import render_template

Paper = Literal["letter", "a4"]
PAPER_SIZES: Final[dict[str, str]] = {"letter": "letter", "a4": "A4"}
"""Paper name (the `--paper` choice) -> CSS `@page` size; US Letter unless asked."""

# Chart layout in px: each point is a label line with its bar below, so long labels never clip.
_LABEL_HEIGHT = 18
_BAR_HEIGHT = 18
_ROW_GAP = 10
_PLOT_WIDTH = 420
_VALUE_WIDTH = 160


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    label_y: int
    bar_y: int
    width: int


@dataclass(frozen=True)
class ChartView:
    """Geometry of a horizontal bar chart: one bar per point, scaled to the largest value."""

    unit: str
    bars: list[Bar]
    width: int
    height: int
    bar_height: int


def chart_view(chart: Chart) -> ChartView:
    largest = max((point.value for point in chart.points), default=Decimal(0))
    row = _LABEL_HEIGHT + _BAR_HEIGHT + _ROW_GAP
    bars = []
    for index, point in enumerate(chart.points):
        share = point.value / largest if largest > 0 and point.value > 0 else Decimal(0)
        bars.append(
            Bar(
                label=point.label,
                value=format(point.value, "f"),
                label_y=index * row + _LABEL_HEIGHT - 5,
                bar_y=index * row + _LABEL_HEIGHT,
                width=round(share * _PLOT_WIDTH),
            )
        )
    return ChartView(
        unit=chart.unit,
        bars=bars,
        width=_PLOT_WIDTH + _VALUE_WIDTH,
        height=max(len(bars) * row, row),
        bar_height=_BAR_HEIGHT,
    )


def _source_marks(citations: Citations, shown: bool) -> Callable[[Iterable[SourceRef]], Markup]:
    """The superscript reference numbers of one statement or table, linked to References
    (nothing when `shown` is false). Made here, not by a template macro: a page has hundreds."""

    def source_mark(sources: Iterable[SourceRef]) -> Markup:
        numbers = citations.numbers(sources)
        if not numbers or not shown:
            return Markup("")
        links = ",".join(_MARK.format(number) for number in numbers)
        return Markup(f'<sup class="src" title="Sources: see References">{links}</sup>')

    return source_mark


_MARK = '<a href="#ref-{0}" aria-label="Reference {0}">{0}</a>'


def render_html_page(publication: Publication, paper: Paper = "letter") -> str:
    """The page as text; the PDF renderer typesets the same page on `paper`."""
    citations = Citations(publication)
    # Markers link to the References section; a page without one shows no markers.
    has_references = any(section.id == "references" for section in publication.sections)
    return render_template(
        "publication.html.j2",
        publication=publication,
        has_references=has_references,
        source_mark=_source_marks(citations, has_references),
        source_line=citations.source_line,
        field_sources=citations.grouped(citations.sources),
        edition_name=edition_name,
        long_date=long_date,
        is_segment=is_segment,
        is_token=is_token,
        repeats_heading=repeats_heading,
        chart_view=chart_view,
        paper=PAPER_SIZES[paper],
    )


def render_html(publication: Publication) -> bytes:
    return render_html_page(publication).encode("utf-8")
