"""Catalogue sheets: CSV and XLSX rows into records, every problem at its sheet, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from codefolio.catalog.build import build_catalog
from codefolio.compose import compose_publication
from codefolio.errors import RecordError
from codefolio.records import sheet as sheet_module
from codefolio.records.sheet import _items, letter, read_sheet
from tests.test_compose_facts import section_text

HEADER = (
    "code,descriptor,service_type,sites_of_service,modifiers,drug.generic_name,drug.doses,payers"
)
GOOD_J9306 = (
    'J9306,"Injection, pertuzumab, 1 mg",Oncology,11; 22,'
    "JW: Discarded amount; 59: Distinct service,pertuzumab,Loading dose: 840 mg,Aetna; Cigna"
)
GOOD_J9355 = "J9355,,Oncology,11,JZ: No waste,trastuzumab,,"


def write_csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, **sheets: list[list[object]]) -> Path:
    """A workbook with a worksheet of each name and rows, in the order given."""
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def messages(error: pytest.ExceptionInfo[RecordError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_csv_rows_become_records_with_list_cells_split(tmp_path: Path) -> None:
    sheet = read_sheet(write_csv(tmp_path / "cat.csv", HEADER, GOOD_J9306, GOOD_J9355))
    assert sheet.failures == []
    record = sheet.rows[0].record
    assert sheet.rows[0].origin == f"{tmp_path / 'cat.csv'}:2"
    assert [site.pos for site in record.sites_of_service] == ["11", "22"]
    assert [(m.code, m.usage) for m in record.modifiers] == [
        ("JW", "Discarded amount"),
        ("59", "Distinct service"),
    ]
    assert record.drug is not None and record.drug.generic_name == "pertuzumab"
    assert [(d.label, str(d.amount), d.unit) for d in record.drug.doses] == [
        ("Loading dose", "840", "mg")
    ]
    assert [payer.name for payer in record.payers] == ["Aetna", "Cigna"]
    assert sheet.rows[1].record.descriptor is None  # an empty cell leaves the field out


def test_bad_row_names_row_and_column_and_the_other_rows_build(tmp_path: Path) -> None:
    bad = "J9000,,Oncology,1,,,,"
    path = write_csv(tmp_path / "cat.csv", HEADER, GOOD_J9306, bad, GOOD_J9355)
    result = build_catalog(path, tmp_path / "out", ["md"], workers=1)
    assert sorted(result.built) == ["J9306", "J9355"]
    assert [(f.origin, f.code) for f in result.failures] == [(f"{path}:3", "J9000")]
    assert result.failures[0].problems == [
        f"{path}:3 sites_of_service[0].pos (column D sites_of_service): '1' is not a valid "
        'Place of Service code (expected two digits, quoted in YAML, such as "11" or "01")'
    ]
    assert (tmp_path / "out" / "J9306.md").is_file()
    assert not (tmp_path / "out" / "J9000.md").exists()


def test_a_finding_of_a_sheet_record_points_at_its_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cat.csv", HEADER, "J9306,,,,JW: ok; JX: no such modifier,,,")
    result = build_catalog(path, tmp_path / "out", ["md"], workers=1)
    assert result.built == []
    assert result.failures[0].problems == [
        f"{path}:2: not published: the record has errors",
        f"error: {path}:2 modifiers[1].code (column E modifiers): JX is neither a modifier in "
        "HCPCS Level II 2025-10 nor a CPT modifier (did you mean JW, JZ, JL, JK, JG?)",
    ]


def test_xlsx_with_a_payers_sheet_and_a_bad_row(tmp_path: Path) -> None:
    workbook = Workbook()
    codes = workbook.active
    assert codes is not None
    codes.title = "Codes"
    codes.append(["code", "service_type", "sites_of_service", "payers", "drug.billing_unit"])
    codes.append(["J9306", "Oncology", 11, "Aetna", "1 mg"])
    codes.append(["J9355", 2024, "11; 22", None, "10 mg"])  # a number where text is expected
    codes.append([96413, None, None, None, None])  # a CPT code typed as a number
    payers = workbook.create_sheet("payers")
    payers.append(["code", "payer", "prior_authorization", "policy"])
    payers.append(["J9306", "Aetna", True, "Clinical Policy Bulletin"])
    payers.append(["J9306", "Cigna", None, "Coverage policy"])
    payers.append(["J9999", "Aetna", False, None])
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)

    sheet = read_sheet(path)
    assert [row.record.code for row in sheet.rows] == ["J9306", "J9355", "96413"]
    j9306 = sheet.rows[0].record
    assert [(p.name, p.prior_authorization, p.policy) for p in j9306.payers] == [
        ("Aetna", "Required", "Clinical Policy Bulletin"),
        ("Cigna", None, "Coverage policy"),
    ]
    assert sheet.rows[1].record.service_type == "2024"
    assert sheet.rows[1].record.drug is not None
    assert sheet.rows[1].record.drug.billing_unit == "10 mg"
    assert [str(p) for f in sheet.failures for p in f.problems] == [
        f"{path}[payers]:4 (column A code): code J9999 is not a row of the codes sheet "
        f"({path}[Codes])"
    ]
    # A finding on a payer's detail points at the payers sheet row it came from.
    problem = sheet.rows[0].problem(("payers", 1, "policy"), "looks odd")
    assert str(problem) == f"{path}[payers]:3 payers[1].policy (column D policy): looks odd"


def test_xlsx_bad_row_fails_alone(tmp_path: Path) -> None:
    workbook = Workbook()
    codes = workbook.active
    assert codes is not None
    codes.append(["code", "descriptor", "modifiers"])
    codes.append(["J9306", "Injection, pertuzumab, 1 mg", "JW: discarded"])
    codes.append(["J9355", True, None])  # a spreadsheet boolean where text is expected
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)
    result = build_catalog(path, tmp_path / "out", ["md", "json"], workers=1)
    assert result.built == ["J9306"]
    assert result.failures[0].problems == [
        f"{path}[Sheet]:3 (column B descriptor): expected text, got true/false (true)"
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "cat.xlsx",
            b"code,descriptor\nJ9306,x\n",
            "{path}: is not an XLSX workbook (not a ZIP file); save it as .xlsx or use .csv",
        ),
        ("cat.csv", b"", "{path}: file is empty; a sheet needs a header row naming its columns"),
        ("cat.csv", b"\n , \n", "{path}: sheet is empty; it needs a header row naming its columns"),
        (
            "cat.csv",
            b"code,modifers\nJ9306,JW\n",
            "{path}:1 column B: unknown column 'modifers' (did you mean 'modifiers'?)",
        ),
        ("cat.csv", b"code,code\n", "{path}:1 column B: column 'code' appears twice"),
        ("cat.csv", b"descriptor\nx\n", "{path}:1: the header has no 'code' column"),
        (
            "cat.csv",
            b'code,descriptor\nJ9306,"unterminated\n',
            "{path}:2: malformed CSV: unexpected end of data",
        ),
        (
            "cat.csv",
            b"code\n\xff\xfe\n",
            "{path}:2: is not UTF-8 text; save the sheet as CSV UTF-8",
        ),
        ("cat.csv", b"code\nJ9306\x00\n", "{path}:2: holds NUL bytes: not a CSV text file"),
        ("cat.txt", b"code\n", "{path}: unsupported sheet type '.txt'; use .csv or .xlsx"),
    ],
)
def test_a_sheet_that_cannot_be_read_says_why(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RecordError) as error:
        read_sheet(path)
    assert messages(error) == [expected.format(path=path)]


def test_a_row_with_more_cells_than_the_header_is_a_row_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cat.csv", "code,descriptor", "J9306,a,b", "J9355,ok")
    sheet = read_sheet(path)
    assert [row.record.code for row in sheet.rows] == ["J9355"]
    assert [str(p) for p in sheet.failures[0].problems] == [
        f"{path}:2: has 3 cells; the header has 2"
    ]


def test_a_huge_sheet_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_module, "MAX_SHEET_BYTES", 100)
    path = write_csv(tmp_path / "cat.csv", "code", *["J9306"] * 30)
    with pytest.raises(RecordError) as error:
        read_sheet(path)
    assert messages(error) == [f"{path}: file is 185 bytes; a sheet may be at most 100 bytes"]


def test_a_formula_cell_fails_its_row(tmp_path: Path) -> None:
    workbook = Workbook()
    codes = workbook.active
    assert codes is not None
    codes.append(["code", "descriptor"])
    codes.append(["J9306", '=HYPERLINK("http://example.invalid")'])
    path = tmp_path / "cat.xlsx"
    workbook.save(path)
    sheet = read_sheet(path)
    assert sheet.rows == []
    assert [str(p) for f in sheet.failures for p in f.problems] == [
        f"{path}[Sheet]:2: column B holds a formula; paste its value instead"
    ]


def test_payers_csv_companion_and_duplicate_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cat.csv", "code,payers", "J9306,Aetna", "J9306,Cigna")
    write_csv(
        tmp_path / "cat.payers.csv",
        "code,payer,prior_authorization,notes",
        "J9306,aetna,no,Step therapy first",
        "J9306,Aetna,yes,again",
    )
    sheet = read_sheet(path)
    (row,) = sheet.rows
    assert [(p.name, p.prior_authorization, p.notes) for p in row.record.payers] == [
        ("Aetna", "Not required", "Step therapy first")
    ]
    assert sorted(str(p) for f in sheet.failures for p in f.problems) == [
        f"{path}:3 (column A code): code J9306 is also in row 2; keep one row per code",
        f"{tmp_path / 'cat.payers.csv'}:3 (column B payer): payer 'Aetna' of J9306 is also "
        "in row 2; keep one",
    ]


PACKAGE_HEADER = ["code", "ndc", "description", "amount", "unit", "single_dose", "ndc_unit"]


def package_fields(sheet: sheet_module.Sheet) -> list[tuple[object, ...]]:
    return [
        (p.ndc, p.description, p.amount, p.unit, p.single_dose, p.ndc_unit, p.ndc_quantity)
        for row in sheet.rows
        if row.record.drug is not None
        for p in row.record.drug.packages
    ]


def test_xlsx_packages_sheet_gives_what_the_worked_examples_need(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "catalogue.xlsx",
        Codes=[
            ["code", "modifiers", "drug.billing_unit", "drug.packages", "drug.doses"],
            ["J9306", "JW; JZ", "1 mg", "50242-0145-01", "Loading dose: 840 mg"],
        ],
        packages=[
            [*PACKAGE_HEADER, "ndc_quantity"],
            ["J9306", "50242-0145-01", "420 mg/14 mL single-dose vial", 420, "mg", True, "ML", 14],
        ],
    )

    sheet = read_sheet(path)
    assert sheet.failures == []
    assert package_fields(sheet) == [
        ("50242-0145-01", "420 mg/14 mL single-dose vial", 420, "mg", True, "ML", 14)
    ]
    publication = compose_publication(sheet.rows[0].record)
    text = section_text(publication.section("coding_specifications"))
    assert "J9306-JZ × 840 units" in text
    assert "N4 50242014501 ML 28" in text
    # A finding on a package's detail points at the packages sheet row it came from.
    problem = sheet.rows[0].problem(("drug", "packages", 0, "unit"), "looks odd")
    assert str(problem) == (f"{path}[packages]:2 drug.packages[0].unit (column E unit): looks odd")


def test_packages_csv_companion_adds_a_package_the_codes_row_does_not_list(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "cat.csv", "code,drug.generic_name", "J9355,trastuzumab")
    write_csv(
        tmp_path / "cat.packages.csv",
        ",".join([*PACKAGE_HEADER, "ndc_quantity"]),
        "j9355,50242-0132-01,150 mg single-dose vial,150,mg,yes,UN,1",
    )
    sheet = read_sheet(path)
    assert sheet.failures == []
    assert package_fields(sheet) == [
        ("50242-0132-01", "150 mg single-dose vial", 150, "mg", True, "UN", 1)
    ]
    assert sheet.rows[0].record.drug is not None
    assert sheet.rows[0].record.drug.generic_name == "trastuzumab"
    # The NDC of a package the packages sheet added is located there too.
    problem = sheet.rows[0].problem(("drug", "packages", 0, "ndc"), "maps to another code")
    assert str(problem) == (
        f"{tmp_path / 'cat.packages.csv'}:2 drug.packages[0].ndc (column B ndc): "
        "maps to another code"
    )


def test_an_ndc_hyphenated_differently_in_the_two_sheets_is_one_package(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cat.csv", "code,drug.packages", "J9306,50242-145-01: 420 mg/14 mL vial"
    )
    write_csv(
        tmp_path / "cat.packages.csv",
        "code,ndc,amount,unit,single_dose",
        "J9306,50242-0145-01,420,mg,no",
    )
    sheet = read_sheet(path)
    assert sheet.failures == []
    # The codes row's spelling of the NDC and its description are kept.
    assert package_fields(sheet) == [
        ("50242-145-01", "420 mg/14 mL vial", 420, "mg", False, None, None)
    ]


def test_a_bad_packages_row_names_its_row_and_column_and_the_other_rows_build(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "cat.csv",
        "code,drug.packages",
        "J9306,50242-0145-01",
        "J9355,50242-0132-01",
        "J9999,",
    )
    details = write_csv(
        tmp_path / "cat.packages.csv",
        "code,ndc,amount,unit,single_dose,ndc_unit",
        "J9306,50242-0145-01,420,mg,true,XX",
        "J9355,50242-0132-01,150,mg,true,UN",
        "J9355,50242-132-01,150,mg,true,UN",
        "J9999,5024-132-01,1,mg,,",
        "J1234,50242-0132-01,1,mg,,",
        "J9999,50242-0200-01,-5,mg,maybe,",
    )
    sheet = read_sheet(path)
    assert [row.record.code for row in sheet.rows] == ["J9355"]
    assert package_fields(sheet) == [("50242-0132-01", None, 150, "mg", True, "UN", None)]
    problems = [str(p) for f in sheet.failures for p in f.problems]
    assert problems == [
        f"{details}:4 (column B ndc): package '50242-132-01' of J9355 is also in row 3; keep one",
        f"{details}:5 (column B ndc): '5024-132-01' is not an NDC (expected 10 digits "
        "hyphenated 4-4-2, 5-3-2 or 5-4-1, or 11 digits 5-4-2 with or without hyphens)",
        f"{details}:2 drug.packages[0].ndc_unit (column F ndc_unit): 'XX' is not allowed; "
        "expected 'UN', 'ML', 'GR', 'F2' or 'ME'",
        f"{details}:7 drug.packages[0].amount (column C amount): '-5' must be greater than 0",
        f"{details}:7 drug.packages[0].single_dose (column E single_dose): expected true or "
        "false, got the text 'maybe'",
        f"{details}:6 (column A code): code J1234 is not a row of the codes sheet ({path})",
    ]


def test_hostile_text_from_a_sheet_is_published_as_text(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    path = write_csv(tmp_path / "cat.csv", "code,service_type", f'J9306,"{hostile}"')
    build_catalog(path, tmp_path / "out", ["html", "json"], workers=1)
    page = (tmp_path / "out" / "J9306.html").read_text(encoding="utf-8")
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = json.loads((tmp_path / "out" / "J9306.json").read_text(encoding="utf-8"))
    assert hostile in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(("index", "name"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index: int, name: str) -> None:
    assert letter(index) == name


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(
            lambda s: s.strip() == s and s and not s.endswith("\\")
        ),
        min_size=1,
        max_size=5,
    )
)
def test_list_cells_split_back_into_their_items(items: list[str]) -> None:
    cell = "; ".join(item.replace(";", "\\;") for item in items)
    assert list(_items(cell)) == items
