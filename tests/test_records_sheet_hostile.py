"""Hostile and careless catalogue sheets: bounded work, the worksheet the author sees, errors
that say what is wrong without echoing megabytes."""

from __future__ import annotations

import os
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from codefolio.catalog.build import build_catalog
from codefolio.errors import RecordError
from codefolio.records.sheet import MAX_COLUMNS, read_sheet
from tests.test_records_sheet import write_xlsx


def declare_dimension(path: Path, ref: str) -> None:
    """Rewrite every worksheet's declared dimension, as a hostile or broken writer might."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
                assert ref.encode() in data
            archive.writestr(name, data)


def test_a_declared_dimension_does_not_pad_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [["code", "descriptor"]]
    rows += [[f"J{9000 + n}", f"Drug {n}"] for n in range(2000)]
    path = write_xlsx(tmp_path / "wide.xlsx", Codes=rows)
    declare_dimension(path, "A1:XFD10001")
    tracemalloc.start()
    try:
        sheet = read_sheet(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(sheet.rows) + len(sheet.failures) == 2000
    # Padded to column XFD this is 2,000 x 16,384 cells (hundreds of megabytes).
    assert peak < 64 * 1024 * 1024


def test_a_cell_far_beyond_the_columns_of_a_catalogue_stops_the_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["code"])
    sheet.append(["J9306"])
    sheet.cell(row=2, column=16384, value="stray")
    path = tmp_path / "stray.xlsx"
    workbook.save(path)
    with pytest.raises(RecordError) as error:
        read_sheet(path)
    assert [str(p) for p in error.value.problems] == [
        f"{path}[Sheet]:2 column XFD: has a cell beyond column {_letter(MAX_COLUMNS)}"
    ]


def _letter(number: int) -> str:
    from codefolio.records.sheet import letter

    return letter(number - 1)


def hidden_first(tmp_path: Path, state: str, visible_name: str = "Visible") -> Path:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "Old"
    hidden.append(["code", "descriptor"])
    hidden.append(["J9355", "a hidden row"])
    hidden.sheet_state = state
    visible = workbook.create_sheet(visible_name)
    visible.append(["code", "descriptor"])
    visible.append(["J9306", "Injection, pertuzumab, 1 mg"])
    workbook.active = 1
    path = tmp_path / f"{state}.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_read_as_the_codes(tmp_path: Path, state: str) -> None:
    path = hidden_first(tmp_path, state)
    sheet = read_sheet(path)
    assert [row.record.code for row in sheet.rows] == ["J9306"]
    assert sheet.note == f"codes read from worksheet 'Visible' of {path}"


def test_a_sheet_named_codes_is_the_codes_wherever_it_is(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "named.xlsx",
        Notes=[["code"], ["J9355"]],
        Codes=[["code"], ["J9306"]],
    )
    sheet = read_sheet(path)
    assert [row.record.code for row in sheet.rows] == ["J9306"]
    assert sheet.note == f"codes read from worksheet 'Codes' of {path}"


def test_catalog_build_says_which_worksheet_it_read(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from codefolio.cli.app import app

    path = hidden_first(tmp_path, "veryHidden")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["catalog", "build", str(path), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"codes read from worksheet 'Visible' of {path}\n1 built,")


def test_a_single_sheet_workbook_needs_no_note(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "one.xlsx", Sheet1=[["code"], ["J9306"]])
    assert read_sheet(path).note is None


def test_error_cells_fail_their_row_only(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "errors.xlsx",
        Codes=[["code", "descriptor"], ["J9306", "Injection, pertuzumab, 1 mg"], ["J9355", "x"]],
    )
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet_xml = members["xl/worksheets/sheet1.xml"].decode()
    # Cell B3 as a spreadsheet writes an error value.
    sheet_xml = re.sub(r'<c r="B3"[^>]*>.*?</c>', '<c r="B3" t="e"><v>#DIV/0!</v></c>', sheet_xml)
    members["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = build_catalog(path, tmp_path / "out", ["md"], workers=1)
    assert result.built == ["J9306"]
    assert [f.problems for f in result.failures] == [
        [f"{path}[Codes]:3: column B holds the spreadsheet error #DIV/0!; fix or clear the cell"]
    ]


def test_a_quoted_multi_line_cell_of_a_crlf_csv_is_text(tmp_path: Path) -> None:
    path = tmp_path / "crlf.csv"
    path.write_bytes(b'code,clinical_context\r\nJ9306,"First line.\r\nSecond line."\r\n')
    sheet = read_sheet(path)
    assert sheet.failures == []
    assert sheet.rows[0].record.clinical_context == "First line.\nSecond line."


def test_c1_control_characters_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c1.csv"
    path.write_text("code,descriptor\nJ9306,Injection\x9b31m red\n", encoding="utf-8")
    sheet = read_sheet(path)
    assert [str(p) for f in sheet.failures for p in f.problems] == [
        f"{path}:2 (column B descriptor): contains the control character U+009B; remove it"
    ]


def test_thousands_of_unknown_columns_are_reported_in_brief(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(["code", *(f"field{n}" for n in range(20_000))])
    path.write_text(header + "\nJ9306\n", encoding="utf-8")
    with pytest.raises(RecordError) as error:
        read_sheet(path)
    assert len(error.value.problems) == 20_000
    message = str(error.value)
    assert message.endswith("\n  ... and 19,950 more problems not shown")
    assert len(message) < 50_000  # it was 5.7 MB


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_sheet_that_is_a_fifo_or_a_device_is_refused_unread(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"fifo{suffix}"
    os.mkfifo(fifo)
    device = tmp_path / f"zero{suffix}"
    device.symlink_to("/dev/zero")
    for path in (fifo, device):
        with pytest.raises(RecordError) as error:
            read_sheet(path)
        assert [str(p) for p in error.value.problems] == [
            f"{path}: is not a regular file (a device, FIFO or socket); a sheet is a plain file"
        ]
