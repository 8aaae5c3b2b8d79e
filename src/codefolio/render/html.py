"""Publication -> one self-contained HTML page: inline CSS, no scripts, no network requests.

Sources become numbered footnotes in order of first use; a table with a chart also gets an
inline SVG bar chart. The template only lays out what the Publication says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from codefolio.compose.model import Chart, Publication, Section, SourceRef
from codefolio.compose.publication import section_sources
from codefolio.render.templating import render_template

# Chart layout in px: each point is a label line with its bar below, so long labels never clip.
_LABEL_HEIGHT = 18
_BAR_HEIGHT = 18
_ROW_GAP = 10
_PLOT_WIDTH = 420
_VALUE_WIDTH = 160


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


class Footnotes:
    """Each distinct source gets a number, in the order the page first cites it."""

    def __init__(self, sections: Iterable[Section]) -> None:
        self._numbers: dict[SourceRef, int] = {}
        for ref in (ref for section in sections for ref in section_sources(section)):
            self._numbers.setdefault(ref, len(self._numbers) + 1)

    def marks(self, sources: Iterable[SourceRef]) -> list[int]:
        """The footnote numbers of one statement's sources, each once, ascending."""
        return sorted({self._numbers[ref] for ref in sources})

    @property
    def notes(self) -> list[Footnote]:
        return [Footnote(number, str(ref)) for ref, number in self._numbers.items()]


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


def render_html_page(publication: Publication) -> str:
    """The page as text; the PDF renderer typesets the same page."""
    footnotes = Footnotes(publication.sections)
    return render_template(
        "publication.html.j2",
        publication=publication,
        marks=footnotes.marks,
        footnotes=footnotes.notes,
        chart_view=chart_view,
    )


def render_html(publication: Publication) -> bytes:
    return render_html_page(publication).encode("utf-8")
