"""HCPCS Level II: procedure codes (RECID 3) and modifiers (RECID 7) of the alpha-numeric
file, an edition per quarterly (or annual) release, in force from its effective date.

Release layouts read: the xlsx and its csv export (header `HCPC, SEQNUM, RECID, ...`, any
disclaimer rows above it), the legacy `.xls` of the annual zips, and the fixed-width
320-character `.txt` (HCPCS record layout), whose long descriptions continue over
continuation records (RECID 4 and 8).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from codefolio.errors import ReferenceDataError
from codefolio.refdata import parse
from codefolio.refdata.codes import normalize_code
from codefolio.refdata.datasets import Compared, DataSetSpec, Diffed, Reader, Table
from codefolio.refdata.release import (
    ReleaseData,
    ReleaseFile,
    Row,
    check_name_month,
    csv_records,
    decode_text,
    find_sheet,
    name_month,
    squash,
    workbook_records,
)

HCPCS_COLUMNS = (
    "code TEXT NOT NULL, long_description TEXT NOT NULL, short_description TEXT NOT NULL, "
    "pricing_indicator TEXT, coverage_code TEXT, betos TEXT, type_of_service TEXT NOT NULL, "
    "add_date TEXT, effective_date TEXT, termination_date TEXT, action_code TEXT"
)
MODIFIER_COLUMNS = (
    "code TEXT NOT NULL, long_description TEXT NOT NULL, short_description TEXT NOT NULL, "
    "coverage_code TEXT, add_date TEXT, effective_date TEXT, termination_date TEXT, "
    "action_code TEXT"
)

# Fields of a record as the alpha-numeric file names them, and (for the fixed-width text)
# their 0-based slices in the 320-character HCPCS record layout.
_FIELDS = {
    "HCPC": (0, 5),
    "RECID": (10, 11),
    "LONG DESCRIPTION": (11, 91),
    "SHORT DESCRIPTION": (91, 119),
    "PRICE1": (119, 121),
    "COV": (229, 230),
    "BETOS": (256, 259),
    "TOS1": (260, 261),
    "TOS2": (261, 262),
    "TOS3": (262, 263),
    "TOS4": (263, 264),
    "TOS5": (264, 265),
    "ADD DT": (268, 276),
    "ACT EFF DT": (276, 284),
    "TERM DT": (284, 292),
    "ACTION CD": (292, 293),
}
_CONTINUES = {"4": "3", "8": "7"}  # continuation record → the record it continues
_CODE = re.compile(r"[A-V]\d{4}|[A-Z0-9]{2}")


def _load_shipped(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {
        "hcpcs": list(parse.hcpcs_rows(paths[0])),
        "modifier": list(parse.modifier_rows(paths[1])),
    }


def _procedure_row(row: dict[str, str]) -> Row:
    services = [row[f"TOS{i}"].strip() for i in range(1, 6)]
    return (
        normalize_code(row["HCPC"]),
        row["LONG DESCRIPTION"].strip(),
        row["SHORT DESCRIPTION"].strip(),
        parse.blank(row["PRICE1"]),
        parse.blank(row["COV"]),
        parse.blank(row["BETOS"]),
        ",".join(service for service in services if service),
        parse.iso_date(row["ADD DT"]),
        parse.iso_date(row["ACT EFF DT"]),
        parse.iso_date(row["TERM DT"]),
        parse.blank(row["ACTION CD"]),
    )


def _modifier_row(row: dict[str, str]) -> Row:
    return (
        normalize_code(row["HCPC"]),
        row["LONG DESCRIPTION"].strip(),
        row["SHORT DESCRIPTION"].strip(),
        parse.blank(row["COV"]),
        parse.iso_date(row["ADD DT"]),
        parse.iso_date(row["ACT EFF DT"]),
        parse.iso_date(row["TERM DT"]),
        parse.blank(row["ACTION CD"]),
    )


def _release(file: ReleaseFile, records: Iterable[tuple[int, dict[str, str]]]) -> ReleaseData:
    """Procedure and modifier rows, with continuation records joined to their code's
    long description; the edition is the month the file name states, checked against the
    latest action effective date in the file."""
    merged: dict[tuple[str, str], dict[str, str]] = {}
    for number, row in records:
        recid = row["RECID"].strip()
        code = normalize_code(row["HCPC"])
        if not _CODE.fullmatch(code):
            raise file.fail(f"row {number}: {row['HCPC']!r} is not a HCPCS code or modifier")
        if recid in _CONTINUES:
            first = merged.get((code, _CONTINUES[recid]))
            if first is None:
                raise file.fail(f"row {number}: continuation of {code} before its first record")
            # CMS cuts a long descriptor into 80-character pieces; a piece that starts with
            # a space kept one of two spaces in the whole text, as the xls shows it.
            first["LONG DESCRIPTION"] = (
                f"{first['LONG DESCRIPTION'].rstrip()} {row['LONG DESCRIPTION'].rstrip()}"
            )
        elif recid in ("3", "7"):
            merged.setdefault((code, recid), dict(row))
        else:
            raise file.fail(f"row {number}: unknown record identifier RECID {recid!r}")
    try:
        procedures = [_procedure_row(r) for (_, kind), r in merged.items() if kind == "3"]
        modifiers = [_modifier_row(r) for (_, kind), r in merged.items() if kind == "7"]
    except ReferenceDataError as error:
        raise file.fail(str(error)) from None
    if not procedures:
        raise file.fail("holds no procedure codes (RECID 3): not a HCPCS alpha-numeric file")
    named = name_month(file.basename) or _annual_year(file.basename)
    if named is None:
        raise file.fail(
            "cannot tell the edition: the name states no year and month "
            "(CMS names it like HCPC2026_JAN_ANWEB.xlsx or HCPC2020_ANWEB.txt)"
        )
    start = date(named[0], named[1], 1)
    latest = max(str(row[8]) for row in procedures if row[8])
    if latest > start.isoformat():
        raise file.fail(
            f"holds changes effective {latest}, after {start.isoformat()}, the edition its name "
            "states: a misdated or renamed file; check which edition it is"
        )
    check_name_month(file, start)
    return ReleaseData(
        dataset="hcpcs",
        edition=f"{start.year}-{start.month:02d}",
        effective_start=start,
        effective_end=None,
        tables={"hcpcs": procedures, "modifier": modifiers},
        title=f"{start.strftime('%B %Y')} Alpha-Numeric HCPCS File",
    )


def _annual_year(name: str) -> tuple[int, int] | None:
    """`HCPC2020_ANWEB...`: an annual release, effective January 1."""
    match = re.search(r"HCPC(\d{4})_", name, re.I)
    return (int(match.group(1)), 1) if match else None


_REQUIRED = tuple(name for name in _FIELDS if name != "HCPC")


def _table_records(file: ReleaseFile, cells: Sequence[Sequence[str]]) -> ReleaseData:
    sheet = find_sheet(file, [list(row) for row in cells], "hcpcs?", _REQUIRED)
    columns = {squash(name): index for index, name in enumerate(sheet.header)}
    records = (
        (number, {name: row[columns[squash(name)]] for name in _FIELDS})
        for number, row in sheet.rows
    )
    return _release(file, records)


def _is_named(file: ReleaseFile, suffixes: tuple[str, ...]) -> bool:
    return file.suffix in suffixes and re.match(r"HCPC\d{4}", file.basename, re.I) is not None


def read_csv(file: ReleaseFile) -> ReleaseData:
    return _table_records(file, csv_records(file))


def read_xlsx(file: ReleaseFile) -> ReleaseData:
    return _table_records(file, workbook_records(file))


def read_xls(file: ReleaseFile) -> ReleaseData:
    import xlrd  # the legacy Excel format of the annual zips

    try:
        book = xlrd.open_workbook(file_contents=file.data, on_demand=True)
        sheet = book.sheet_by_index(0)
        cells = [[_xls_text(value) for value in sheet.row_values(i)] for i in range(sheet.nrows)]
    except Exception as error:  # xlrd raises many kinds for a damaged workbook
        raise file.fail(f"not a readable xls workbook ({type(error).__name__})") from None
    return _table_records(file, cells)


def _xls_text(value: object) -> str:
    """A cell as the file's text: whole numbers without `.0` (xls stores digits as floats)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_text(file: ReleaseFile) -> ReleaseData:
    """The fixed-width file: records of 320 characters (continuations cut after the long
    description), after any disclaimer lines."""
    lines = decode_text(file).splitlines()
    records = []
    for number, line in enumerate(lines, start=1):
        if len(line) == 320 or (len(line) >= 11 and line[10:11] in _CONTINUES):
            padded = line.ljust(320)
            records.append((number, {name: padded[a:b] for name, (a, b) in _FIELDS.items()}))
        elif records and line.strip():
            raise file.fail(
                f"line {number} is {len(line)} characters, not a 320-character HCPCS record: "
                "the file is cut off or not the fixed-width alpha-numeric file"
            )
    if not records:
        raise file.fail("holds no 320-character HCPCS records")
    return _release(file, records)


SPEC = DataSetSpec(
    id="hcpcs",
    tables=(
        Table("hcpcs", HCPCS_COLUMNS, "code"),
        Table("modifier", MODIFIER_COLUMNS, "code"),
    ),
    load_shipped=_load_shipped,
    readers=(
        Reader(
            "HCPCS alpha-numeric file, csv export (HCPC2026_JAN_ANWEB.csv)",
            lambda f: _is_named(f, (".csv",)),
            read_csv,
        ),
        Reader(
            "HCPCS alpha-numeric file, xlsx (HCPC2026_JAN_ANWEB.xlsx)",
            lambda f: _is_named(f, (".xlsx",)) and "TRANS" not in f.basename.upper(),
            read_xlsx,
        ),
        Reader(
            "HCPCS alpha-numeric file, legacy xls of an annual zip (HCPC2020_ANWEB.xls)",
            lambda f: _is_named(f, (".xls",)),
            read_xls,
        ),
        Reader(
            "HCPCS alpha-numeric file, fixed-width text (HCPC2020_ANWEB.txt)",
            lambda f: _is_named(f, (".txt",)) and "ANWEB" in f.basename.upper(),
            read_text,
        ),
    ),
    diffs=(
        Diffed(
            "hcpcs",
            "code",
            ("code",),
            (
                Compared("long_description", "long descriptor", "re-described"),
                Compared("termination_date", "termination date", "terminated"),
                Compared("pricing_indicator", "pricing indicator"),
                Compared("coverage_code", "coverage code"),
            ),
        ),
        Diffed(
            "modifier",
            "code",
            ("code",),
            (
                Compared("long_description", "long descriptor", "re-described"),
                Compared("termination_date", "termination date", "terminated"),
            ),
        ),
    ),
)
