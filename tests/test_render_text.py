"""Plain text reads like a typed document: a title block, numbered and underlined headings,
80-column paragraphs and aligned text tables whose cells can be read back column by column."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from codefolio.compose.model import MISSING_TEXT, Publication, Row, Section, Table
from codefolio.render import render
from codefolio.render.text import WIDTH, table_lines
from tests.conftest import example_data, publish


def text_of(publication: Publication) -> str:
    return render(publication, "txt").decode("utf-8")


def walk(sections: list[Section]) -> Iterator[Section]:
    for section in sections:
        yield section
        yield from walk(section.subsections)


def tables_of(publication: Publication) -> list[Table]:
    return [b for s in walk(publication.sections) for b in s.blocks if b.type == "table"]


def read_table(lines: list[str]) -> list[list[str]]:
    """An aligned table's rows (header first) as cells, each cell's wrapped lines joined;
    the columns are where the dashes under the header are."""
    rule = next(i for i, line in enumerate(lines) if re.fullmatch(r"-+(?:  -+)*", line))
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[rule])]
    # Rows that wrap are set apart by blank lines; otherwise a line whose first column is
    # blank continues the row above it.
    body = lines[rule + 1 :]
    spaced = "" in body
    rows = [lines[:rule]]
    for index, line in enumerate(body):
        if not line:
            continue
        follows_gap = index == 0 or not body[index - 1]
        if follows_gap if spaced else line[: spans[0][1]].strip():
            rows.append([line])
        else:
            rows[-1].append(line)

    def cell(row: list[str], column: int) -> str:
        start, end = spans[column]
        end = len(max(row, key=len)) if column == len(spans) - 1 else end
        return " ".join(" ".join(line[start:end] for line in row).split())

    return [[cell(row, column) for column in range(len(spans))] for row in rows]


def table_cells(publication: Publication) -> set[str]:
    """Every cell as read back from the plain text's tables."""
    return {
        cell
        for table in tables_of(publication)
        if "-" * 3 in "\n".join(lines := table_lines(table))
        for row in read_table(lines)
        for cell in row
    }


@pytest.fixture(scope="module")
def j9306() -> Publication:
    return publish(example_data("J9306"))


@pytest.fixture(scope="module")
def j9306_text(j9306: Publication) -> str:
    return text_of(j9306)


def test_title_block_names_code_descriptor_and_editions(j9306_text: str) -> None:
    lines = j9306_text.splitlines()
    assert lines[:4] == [
        "HCPCS Level II J9306: Injection, pertuzumab, 1 mg",
        "=" * WIDTH,
        "Code:       J9306 (HCPCS Level II)",
        "As of:      November 27, 2026",
    ]
    assert lines[4].startswith("Data sets:  CMS HCPCS Level II, October 2025 edition;")
    assert "Edition:    codefolio 0.1.0" in lines[:14]


def test_headings_are_numbered_and_underlined_by_level(j9306_text: str) -> None:
    lines = j9306_text.splitlines()
    for heading, underline in [
        ("1. Summary & Overview", "="),
        ("3. Clinical & Coding Specifications", "="),
        ("3.3 Modifiers", "-"),
        ("4.2 Blue Cross Blue Shield", "-"),
        ("10. References and Data Sources", "="),
    ]:
        index = lines.index(heading)
        assert lines[index + 1] == underline * len(heading)
        assert lines[index - 1] == ""


def test_no_line_is_longer_than_80_columns_but_an_unbreakable_token(j9306_text: str) -> None:
    for code in ["J9306", "J9355"]:
        text = j9306_text if code == "J9306" else text_of(publish(example_data(code)))
        long = [line for line in text.splitlines() if len(line) > WIDTH]
        assert all(len(line.split()) == 1 for line in long), long


def test_an_unbreakable_token_stands_alone_on_its_line() -> None:
    data = example_data("J9306")
    data["clinical_context"] = "See " + "X" * 100 + " for details."
    lines = text_of(publish(data)).splitlines()
    assert "X" * 100 in lines
    assert "See" in lines and "for details." in lines


def test_tables_are_aligned_columns_whose_cells_read_back(j9306: Publication) -> None:
    for table in tables_of(j9306):
        lines = table_lines(table)
        assert all(len(line) <= WIDTH for line in lines), table.caption
        rows = read_table(lines)
        assert rows[0] == table.columns
        assert rows[1:] == [row.cells for row in table.rows], table.caption


def test_wrapped_cells_stay_in_their_column(j9306_text: str) -> None:
    assert (
        "JW        Drug amount             Reports, on its own     Medicare Part B, in\n"
        "          discarded/not           line, the part of a     force from 2017-01-01:\n"
    ) in j9306_text


def test_a_table_too_wide_for_80_columns_becomes_an_entry_list() -> None:
    words = ["Supercalifragilistic-" + str(n) * 20 for n in range(4)]
    table = Table(
        caption="Wide",
        columns=["Alpha", "Beta", "Gamma", "Delta"],
        rows=[Row(cells=words), Row(cells=["a", "b", "c", "d"])],
    )
    assert table_lines(table) == [
        f"- Alpha: {words[0]}",
        f"  Beta: {words[1]}",
        f"  Gamma: {words[2]}",
        f"  Delta: {words[3]}",
        "",
        "- Alpha: a",
        "  Beta: b",
        "  Gamma: c",
        "  Delta: d",
    ]


def test_every_table_names_its_sources_under_it(j9306_text: str) -> None:
    assert (
        "Source: CMS Medically Unlikely Edits, April 1, 2026 edition, row J9306.\n"
    ) in j9306_text
    assert (
        "Source: the input record; CMS HCPCS Level II, October 2025 edition, rows JW, JZ,\n"
        "and TB; billing rules “JW: discarded amount from a single-dose container”, “59\n"
    ) in j9306_text


def test_missing_elements_keep_their_label(j9306_text: str) -> None:
    assert f"Coverage details for Blue Cross Blue Shield: {MISSING_TEXT}" in j9306_text.splitlines()


def test_a_caption_that_repeats_its_heading_is_not_shown(j9306_text: str) -> None:
    lines = j9306_text.splitlines()
    start = lines.index("3.3 Modifiers")
    assert lines[start + 2 : start + 4] == ["", lines[start + 3]]
    assert lines[start + 3].startswith("Modifier  Description")
    assert "Provider taxonomies (NUCC)" in lines


def test_each_table_appears_in_the_text_as_laid_out(j9306: Publication, j9306_text: str) -> None:
    for table in tables_of(j9306):
        assert "\n".join(table_lines(table)) + "\n" in j9306_text, table.caption
