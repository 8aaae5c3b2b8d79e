"""Publication -> plain text that reads like a typed document: a title block, numbered and
underlined headings, paragraphs wrapped at 80 columns and tables as aligned text columns.

Only a token that cannot be broken (an X12 segment, a long code) may run past column 80.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from codefolio.compose.citations import Citations, edition_name
from codefolio.compose.common import long_date
from codefolio.compose.model import Block, Publication, Section, Table
from codefolio.render.inline import repeats_heading

WIDTH = 80
_GAP = "  "
_UNDERLINES = {1: "=", 2: "-"}


def render_text(publication: Publication) -> bytes:
    citations = Citations.of(publication)
    lines = _title_block(publication)
    for number, section in enumerate(publication.sections, start=1):
        lines += _section(section, [number], citations)
    return ("\n".join(line.rstrip() for line in lines).strip("\n") + "\n").encode("utf-8")


def wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """Fill `text` to WIDTH after the prefix `first` (`rest` on later lines); words are never
    split, so a longer word stands alone on its line."""
    return textwrap.wrap(
        " ".join(text.split()) or " ",
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _title_block(publication: Publication) -> list[str]:
    lines = [*wrap(publication.title), "=" * WIDTH]
    # The title already reads `<code>: <descriptor>`; the block adds what it does not say.
    lines += _field("Code", f"{publication.code} ({publication.code_system})")
    if publication.as_of:
        lines += _field("As of", long_date(publication.as_of))
    editions = [edition_name(d, d.edition) for d in publication.datasets]
    lines += _field("Data sets", "; ".join(editions) if editions else "none")
    lines += _field("Edition", publication.edition)
    return [*lines, "=" * WIDTH]


def _field(label: str, text: str) -> list[str]:
    return wrap(text, f"{label + ':':<12}", " " * 12)


def _section(section: Section, number: list[int], citations: Citations) -> list[str]:
    heading = f"{'.'.join(map(str, number))}{'.' if len(number) == 1 else ''} {section.title}"
    lines = ["", "", *wrap(heading)]
    if underline := _UNDERLINES.get(len(number)):
        lines.append(underline * min(len(heading), WIDTH))
    for block in section.blocks:
        lines += ["", *_block(block, section, citations)]
    for index, sub in enumerate(section.subsections, start=1):
        lines += _section(sub, [*number, index], citations)
    return lines


def _labelled(label: str | None, text: str) -> str:
    return f"{label}: {text}" if label else text


def _block(block: Block, section: Section, citations: Citations) -> list[str]:
    if block.type == "paragraph":
        return wrap(_labelled(block.label, block.text))
    if block.type == "list":
        lines = []
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}. " if block.ordered else "- "
            lines += wrap(_labelled(item.label, item.text), marker, " " * len(marker))
        return lines
    if block.type == "table":
        caption = [] if repeats_heading(block, section) else [*wrap(block.caption), ""]
        source = citations.source_line(block)
        return [*caption, *table_lines(block), *(["", *wrap(source)] if source else [])]
    if block.type == "callout":
        return wrap(block.text, f"{block.tone.capitalize()}: ", " " * (len(block.tone) + 2))
    return wrap(_labelled(block.label, block.text))


def table_lines(table: Table) -> list[str]:
    """Aligned columns with wrapped cells when every column fits beside the others in
    WIDTH; otherwise one `Column: value` entry per cell, a row at a time."""
    grid = [table.columns, *(row.cells for row in table.rows)]
    widths = _column_widths(grid)
    if widths is None:
        return _as_entries(table)
    wrapped = [
        [_wrap_cell(cell, width) for cell, width in zip(row, widths, strict=True)] for row in grid
    ]
    spaced = any(len(cell) > 1 for row in wrapped[1:] for cell in row)
    lines = _row_lines(wrapped[0], widths)
    lines.append(_GAP.join("-" * width for width in widths))
    for index, row in enumerate(wrapped[1:]):
        if spaced and index:
            lines.append("")
        lines += _row_lines(row, widths)
    return lines


def _column_widths(grid: Sequence[Sequence[str]]) -> list[int] | None:
    """Widths that put every value on one line when they fit (headings wrap first); else
    the widest columns give up room first, one column at a time, down to their longest
    word, so short columns never wrap; None when even the longest words do not fit."""
    columns = list(zip(*grid, strict=True))
    room = WIDTH - len(_GAP) * (len(columns) - 1)
    least = [
        max((len(w) for cell in column for w in cell.split()), default=1) for column in columns
    ]
    widths = [
        max(low, *(len(" ".join(cell.split())) for cell in column[1:]))
        for low, column in zip(least, columns, strict=True)
    ]
    if sum(least) > room:
        return None
    while sum(widths) > room:
        widest = max(
            (i for i in range(len(widths)) if widths[i] > least[i]), key=lambda i: widths[i]
        )
        widths[widest] -= 1
    # Room left over lets headings unwrap, left to right.
    for index, heading in enumerate(grid[0]):
        spare = room - sum(widths)
        widths[index] += max(0, min(spare, len(" ".join(heading.split())) - widths[index]))
    return widths


def _wrap_cell(cell: str, width: int) -> list[str]:
    return textwrap.wrap(
        " ".join(cell.split()) or "", width, break_long_words=False, break_on_hyphens=False
    ) or [""]


def _row_lines(cells: list[list[str]], widths: list[int]) -> list[str]:
    height = max(len(cell) for cell in cells)
    return [
        _GAP.join(
            f"{cell[line] if line < len(cell) else '':<{width}}"
            for cell, width in zip(cells, widths, strict=True)
        ).rstrip()
        for line in range(height)
    ]


def _as_entries(table: Table) -> list[str]:
    lines: list[str] = []
    for index, row in enumerate(table.rows):
        if index:
            lines.append("")
        pairs = list(zip(table.columns, row.cells, strict=True))
        (first_label, first), *rest = pairs
        lines += wrap(f"{first_label}: {first}", "- ", "  ")
        for label, cell in rest:
            lines += wrap(f"{label}: {cell}", "  ", "      ")
    return lines
