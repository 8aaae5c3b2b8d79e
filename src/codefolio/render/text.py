"""Publication -> plain text that reads like a typed document: a title block, numbered and
underlined headings, paragraphs wrapped at 80 columns and tables as aligned text columns.

Only a token that cannot be broken (an X12 segment, a long code) may run past column 80.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from codefolio.compose.citations import Citations, edition_name
from codefolio.compose.model import Block, Publication, Section, Table
from codefolio.render.inline import repeats_heading

WIDTH = 80
_GAP = "  "
_UNDERLINES = {1: "=", 2: "-"}


def render_text(publication: Publication) -> bytes:
    citations = Citations(publication.code, publication.sources, publication.datasets)
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
    lines += _field("Code", f"{publication.code} ({publication.code_system})")
    if publication.descriptor:
        lines += _field("Descriptor", publication.descriptor)
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
    """Natural widths when they fit; else each column's longest word plus a share of the
    room left, in proportion to how much more it would use; None when even the longest
    words do not fit side by side."""
    columns = list(zip(*grid, strict=True))
    room = WIDTH - len(_GAP) * (len(columns) - 1)
    natural = [max(len(" ".join(cell.split())) for cell in column) for column in columns]
    least = [
        max((len(word) for cell in column for word in cell.split()), default=1)
        for column in columns
    ]
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    spare = room - sum(least)
    wants = [n - m for n, m in zip(natural, least, strict=True)]
    widths = [m + spare * want // sum(wants) for m, want in zip(least, wants, strict=True)]
    # Whole columns left over by rounding down go to the columns that want the most.
    for index in sorted(range(len(widths)), key=lambda i: wants[i], reverse=True)[
        : room - sum(widths)
    ]:
        widths[index] += 1
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
        )
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
