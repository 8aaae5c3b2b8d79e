"""The sections of a publication's HTML page, its contents list and its field-level sources,
written here rather than by template macros: a page has hundreds of statements, and a macro
call per block, cell, source marker and entry cost more than the tags it writes. The page
around them is `publication.html.j2`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup

from codefolio.compose.citations import Citations
from codefolio.compose.model import Block, Section, SourceRef, Table
from codefolio.render.inline import is_segment, is_token, repeats_heading
from codefolio.render.templating import template_environment

_MARK = '<a href="#ref-{0}" aria-label="Reference {0}">{0}</a>'


class SectionWriter:
    """Writes sections as HTML, each statement with its source marker when `marks` is true
    (a page without a References section shows none), and a table's chart by `chart`."""

    def __init__(
        self, citations: Citations, marks: bool, chart: Callable[[Table, str], Markup]
    ) -> None:
        self.citations, self.marks, self.chart = citations, marks, chart

    def __call__(self, section: Section, level: int) -> Markup:
        out: list[str] = []
        self._section(section, level, out)
        return Markup("".join(out))

    def source_mark(self, sources: Iterable[SourceRef]) -> str:
        """The superscript reference numbers of one statement or table, linked to References."""
        numbers = self.citations.numbers(sources) if self.marks else []
        if not numbers:
            return ""
        links = ",".join(_MARK.format(number) for number in numbers)
        return f'<sup class="src" title="Sources: see References">{links}</sup>'

    def _section(self, section: Section, level: int, out: list[str]) -> None:
        sid = text_html(section.id)
        out.append(f'<section id="sec-{sid}" aria-labelledby="h-{sid}">\n')
        out.append(f'<h{level} id="h-{sid}">{text_html(section.title)}</h{level}>\n')
        for number, block in enumerate(section.blocks, start=1):
            self._block(block, section, f"sec-{section.id}-{number}", out)
            out.append("\n")
        for sub in section.subsections:
            self._section(sub, min(level + 1, 6), out)
            out.append("\n")
        out.append("</section>\n")

    def _block(self, block: Block, section: Section, block_id: str, out: list[str]) -> None:
        mark = self.source_mark
        if block.type == "paragraph":
            out.append(
                f"<p>{_label(block.label)}{text_html(block.text)}{mark(block.sources)}</p>\n"
            )
        elif block.type == "list" and block.ordered and section.id == "references":
            out.append('<ol class="references">\n')
            out.extend(
                f'<li id="ref-{number}">{_label(item.label)}{text_html(item.text)}</li>\n'
                for number, item in enumerate(block.items, start=1)
            )
            out.append("</ol>\n")
        elif block.type == "list":
            tag = "ol" if block.ordered else "ul"
            out.append(f"<{tag}>\n")
            out.extend(
                f"<li>{_label(item.label)}{text_html(item.text)}{mark(item.sources)}</li>\n"
                for item in block.items
            )
            out.append(f"</{tag}>\n")
        elif block.type == "table":
            self._table(block, section, block_id, out)
        elif block.type == "callout":
            tone = text_html(block.tone)
            out.append(
                f'<aside class="callout callout-{tone}"><p><strong>'
                f"{text_html(block.tone.capitalize())}:</strong> {text_html(block.text)}"
                f"{mark(block.sources)}</p></aside>\n"
            )
        else:
            out.append(
                f'<p class="missing" role="note"><strong>{text_html(block.label)}:</strong> '
                f'<span class="missing-text">{text_html(block.text)}</span></p>\n'
            )

    def _table(self, block: Table, section: Section, block_id: str, out: list[str]) -> None:
        hidden = ' class="visually-hidden"' if repeats_heading(block, section) else ""
        out.append('<div class="table-wrap">\n<table>\n')
        out.append(f"<caption{hidden}>{text_html(block.caption)}</caption>\n")
        heads = "".join(f'<th scope="col">{text_html(column)}</th>' for column in block.columns)
        out.append(f"<thead><tr>{heads}</tr></thead>\n<tbody>\n")
        out.extend(f"<tr>{''.join(map(_cell, row.cells))}</tr>\n" for row in block.rows)
        out.append("</tbody>\n</table>\n</div>\n")
        if block.chart:
            out.append(f"{self.chart(block, block_id)}\n")
        line = self.citations.source_line(block)
        if line:
            sources = [ref for row in block.rows for ref in row.sources]
            out.append(
                f'<p class="table-source">{text_html(line)}{self.source_mark(sources)}</p>\n'
            )


def contents_html(sections: Iterable[Section]) -> Markup:
    """The contents list's entries: each section linked by its id, subsections nested."""
    out: list[str] = []
    _contents(sections, out)
    return Markup("".join(out))


def _contents(sections: Iterable[Section], out: list[str]) -> None:
    for section in sections:
        out.append(f'<li><a href="#sec-{text_html(section.id)}">{text_html(section.title)}</a>')
        if section.subsections:
            out.append("<ol>")
            _contents(section.subsections, out)
            out.append("</ol>")
        out.append("</li>\n")


def field_sources_html(groups: dict[int, list[SourceRef]], linked: bool) -> Markup:
    """The field-level sources: each reference number (linked to References when `linked`),
    then the precise input fields and data set rows it stands for."""
    out: list[str] = []
    for number, refs in groups.items():
        name = f"Reference {number}"
        out.append(
            f'<dt><a href="#ref-{number}">{name}</a></dt>\n' if linked else f"<dt>{name}</dt>\n"
        )
        out.extend(f"<dd><code>{text_html(str(ref))}</code></dd>\n" for ref in refs)
    return Markup("".join(out))


def text_html(text: str) -> str:
    """`markupsafe.escape` as plain text: the same five characters replaced, without making
    a Markup object for each of a page's hundreds of strings."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _label(label: str | None) -> str:
    return f"<strong>{text_html(label)}:</strong> " if label else ""


def _cell(text: str) -> str:
    token = ' class="token"' if is_token(text) else ""
    shown = f"<code>{text_html(text)}</code>" if is_segment(text) else text_html(text)
    return f"<td{token}>{shown}</td>"


def bar_chart(view: object, chart_id: str, caption: str) -> Markup:
    """The inline SVG chart of `chart.html.j2`, shared with the catalogue report."""
    module = template_environment().get_template("chart.html.j2").module
    return Markup(module.bar_chart(view, chart_id, caption))  # type: ignore[attr-defined]
