"""NUCC Health Care Provider Taxonomy: the csv NUCC publishes twice a year, version
`YY.0` effective January 1 and `YY.1` effective July 1 (nucc.org), named
`nucc_taxonomy_251.csv`. Definitions and notes are not stored."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from codefolio.refdata import parse
from codefolio.refdata.codes import normalize_code
from codefolio.refdata.datasets import Compared, DataSetSpec, Diffed, Reader, Table
from codefolio.refdata.release import ReleaseData, ReleaseFile, Row, csv_records, find_sheet

_COLUMNS = ("Code", "Grouping", "Classification", "Specialization", "Display Name", "Section")
_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")


def _load_shipped(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"taxonomy": list(parse.taxonomy_rows(paths[0]))}


def read_csv(file: ReleaseFile) -> ReleaseData:
    match = re.search(r"nucc_taxonomy_(\d{2})(\d)\b", file.basename, re.I)
    if match is None:
        raise file.fail("cannot tell the version: NUCC names the file nucc_taxonomy_251.csv")
    sheet = find_sheet(file, csv_records(file), "code", _COLUMNS)
    at = {name: sheet.column(name) for name in _COLUMNS}
    rows: list[Row] = []
    for number, cells in sheet.rows:
        code = normalize_code(cells[at["Code"]])
        if not _TAXONOMY.fullmatch(code):
            raise file.fail(f"row {number}: {code!r} is not a taxonomy code")
        rows.append(
            (
                code,
                cells[at["Grouping"]].strip(),
                cells[at["Classification"]].strip(),
                parse.blank(cells[at["Specialization"]]),
                cells[at["Display Name"]].strip(),
                cells[at["Section"]].strip(),
            )
        )
    year, half = 2000 + int(match.group(1)), int(match.group(2))
    if half not in (0, 1):
        raise file.fail(f"version {match.group(1)}.{half}: NUCC versions end in .0 or .1")
    start = date(year, 7 if half else 1, 1)
    return ReleaseData("nucc", f"{match.group(1)}.{half}", start, None, {"taxonomy": rows})


SPEC = DataSetSpec(
    id="nucc",
    tables=(
        Table(
            "taxonomy",
            "code TEXT NOT NULL, grouping TEXT NOT NULL, classification TEXT NOT NULL, "
            "specialization TEXT, display_name TEXT NOT NULL, section TEXT NOT NULL",
            "code",
        ),
    ),
    load_shipped=_load_shipped,
    readers=(
        Reader(
            "NUCC taxonomy csv (nucc_taxonomy_251.csv)",
            lambda f: f.suffix == ".csv" and f.basename.lower().startswith("nucc_taxonomy"),
            read_csv,
        ),
    ),
    diffs=(
        Diffed(
            "taxonomy",
            "code",
            ("code",),
            (Compared("display_name", "display name", "renamed"),),
        ),
    ),
)
