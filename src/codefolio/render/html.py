"""Publication -> one self-contained HTML page: inline CSS, no scripts, no network requests.

Each statement carries one source marker pointing to the numbered References (input
record, data set editions, rules); a table names its sources in one line under it, and the
precise field-level sources wait in a collapsed details element. A table with a chart also
gets an inline SVG bar chart. The template only lays out what the Publication says.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from markupsafe import Markup

from codefolio.compose.citations import Citations, edition_name
from codefolio.compose.common import long_date
from codefolio.compose.model import Chart, Publication, Table
from codefolio.render.html_sections import (
    SectionWriter,
    bar_chart,
    contents_html,
    field_sources_html,
)
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


def render_html_page(publication: Publication, paper: Paper = "letter") -> str:
    """The page as text; the PDF renderer typesets the same page on `paper`."""
    citations = Citations.of(publication)
    # Markers link to the References section; a page without one shows no markers.
    has_references = any(section.id == "references" for section in publication.sections)
    return render_template(
        "publication.html.j2",
        publication=publication,
        contents=contents_html(publication.sections),
        section_html=SectionWriter(citations, has_references, _chart),
        field_sources=field_sources_html(citations.grouped(citations.sources), has_references),
        edition_name=edition_name,
        long_date=long_date,
        paper=PAPER_SIZES[paper],
    )


def _chart(table: Table, chart_id: str) -> Markup:
    assert table.chart is not None
    return bar_chart(chart_view(table.chart), chart_id, table.caption)


def render_html(publication: Publication) -> bytes:
    return render_html_page(publication).encode("utf-8")
