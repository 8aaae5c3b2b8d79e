"""CMS ASP pricing: the Medicare Part B payment-limit file and the NDC–HCPCS crosswalk, one
edition per calendar quarter (`2026q1`), each a data set of its own.

CMS's files (`section 508 version of January 2026 ...csv`) are Windows-1252 with CRLF,
banner lines above the header (`Effective January 1, 2026 through March 31, 2026`), empty
columns padding every row (12 or 13, or about 250 in the crosswalk), notes and drug names
with line breaks inside quotes, and the crosswalk's first header named for the year
(`_2026_CODE`). CPT short descriptors (AMA copyright) are not stored.
"""

from __future__ import annotations

import re
from pathlib import Path

from codefolio.refdata import parse
from codefolio.refdata.codes import get_ndc11, normalize_code
from codefolio.refdata.datasets import Compared, DataSetSpec, Diffed, Reader, Table
from codefolio.refdata.release import (
    ReleaseData,
    ReleaseFile,
    Row,
    Sheet,
    banner_period,
    check_quarter,
    csv_records,
    find_sheet,
    workbook_records,
)

_CODE = re.compile(r"[A-Z0-9]{4}[A-Z0-9]")
_PAYMENT = (
    "Short Description",
    "HCPCS Code Dosage",
    "Payment Limit",
    "Co-insurance Percentage",
    "Notes",
)
_CROSSWALK = (
    "Short Description",
    "LABELER NAME",
    "NDC2",
    "Drug Name",
    "HCPCS dosage",
    "PKG SIZE",
    "PKG QTY",
    "BILLUNITS",
    "BILLUNITSPKG",
)


def _load_limits(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"asp": list(parse.asp_rows(paths[0], edition))}


def _load_crosswalk(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"asp_ndc": list(parse.asp_ndc_rows(paths[0], edition))}


def _records(file: ReleaseFile) -> list[list[str]]:
    return workbook_records(file) if file.suffix == ".xlsx" else csv_records(file)


def _period(file: ReleaseFile, sheet: Sheet) -> tuple[str, ReleaseData]:
    period = banner_period(sheet.banner)
    if period is None:
        raise file.fail(
            "states no effective period above its header (CMS writes "
            "'Effective January 1, 2026 through March 31, 2026'): cannot tell the quarter"
        )
    quarter = check_quarter(file, *period)
    return quarter, ReleaseData("", quarter, period[0], period[1])


def _code(file: ReleaseFile, number: int, cell: str) -> str:
    code = normalize_code(cell)
    if not _CODE.fullmatch(code):
        raise file.fail(f"row {number}: {cell!r} is not a HCPCS or CPT code")
    return code


def _descriptor(code: str, text: str) -> str | None:
    """A CPT code's short descriptor is AMA text and is never stored."""
    return None if code[:4].isdigit() else parse.blank(text)


def read_limits(file: ReleaseFile) -> ReleaseData:
    sheet = find_sheet(file, _records(file), "hcpcs code", _PAYMENT)
    quarter, release = _period(file, sheet)
    at = {name: sheet.column(name) for name in ("HCPCS Code", *_PAYMENT)}
    rows: list[Row] = []
    for number, cells in sheet.rows:
        code = _code(file, number, cells[at["HCPCS Code"]])
        limit = cells[at["Payment Limit"]]
        if parse.decimal_text(limit) is None and parse.blank(limit) not in (None, "N/A"):
            raise file.fail(f"row {number}: payment limit {limit!r} is not an amount or N/A")
        rows.append(
            (
                code,
                quarter,
                _descriptor(code, cells[at["Short Description"]]),
                cells[at["HCPCS Code Dosage"]].strip(),
                parse.decimal_text(limit),
                parse.decimal_text(cells[at["Co-insurance Percentage"]]),
                parse.blank(cells[at["Notes"]]),
            )
        )
    release.dataset = "asp"
    release.tables = {"asp": rows}
    release.title = f"ASP payment limits, {quarter}"
    return release


def read_crosswalk(file: ReleaseFile) -> ReleaseData:
    sheet = find_sheet(file, _records(file), r"hcpcs code|_\d{4}_code", _CROSSWALK)
    quarter, release = _period(file, sheet)
    at = {name: sheet.column(name) for name in _CROSSWALK}
    rows: list[Row] = []
    for number, cells in sheet.rows:
        code = _code(file, number, cells[0])
        ndc = cells[at["NDC2"]].strip()
        if not ndc:
            raise file.fail(f"row {number}: no NDC for {code}")
        rows.append(
            (
                quarter,
                code,
                ndc,
                get_ndc11(ndc) if re.fullmatch(r"\d{5}-\d{4}-\d{2}", ndc) else None,
                " ".join(cells[at["LABELER NAME"]].split()),
                cells[at["Drug Name"]].strip(),
                cells[at["HCPCS dosage"]].strip(),
                *(parse.decimal_text(cells[at[n]]) for n in _CROSSWALK[5:]),
            )
        )
    release.dataset = "asp-ndc"
    release.tables = {"asp_ndc": rows}
    release.title = f"ASP NDC-HCPCS crosswalk, {quarter}"
    return release


def _is_limits(file: ReleaseFile) -> bool:
    name = file.basename.lower()
    return file.suffix in (".csv", ".xlsx") and (
        "payment limit" in name or "pricing file" in name or "asp_payment_limits" in name
    )


def _is_crosswalk(file: ReleaseFile) -> bool:
    name = file.basename.lower().replace("_", " ").replace("-", " ")
    return file.suffix in (".csv", ".xlsx") and "crosswalk" in name and "ndc" in name


SPEC = DataSetSpec(
    id="asp",
    tables=(
        Table(
            "asp",
            "code TEXT NOT NULL, quarter TEXT NOT NULL, short_description TEXT, "
            "dosage TEXT NOT NULL, payment_limit TEXT, coinsurance_percent TEXT, notes TEXT",
            "code, quarter",
            editioned=False,
        ),
    ),
    load_shipped=_load_limits,
    readers=(
        Reader(
            "ASP payment limit file, csv or xlsx (section 508 version of January 2026 "
            "Medicare Part B Payment Limit File 121725.csv)",
            _is_limits,
            read_limits,
        ),
    ),
    diffs=(
        Diffed(
            "asp",
            "code",
            ("code",),
            (
                Compared("payment_limit", "payment limit", percent=True),
                Compared("dosage", "HCPCS code dosage"),
                Compared("coinsurance_percent", "co-insurance %"),
            ),
        ),
    ),
)

CROSSWALK_SPEC = DataSetSpec(
    id="asp-ndc",
    tables=(
        Table(
            "asp_ndc",
            "quarter TEXT NOT NULL, hcpcs_code TEXT NOT NULL, ndc TEXT NOT NULL, ndc11 TEXT, "
            "labeler TEXT NOT NULL, drug_name TEXT NOT NULL, hcpcs_dosage TEXT NOT NULL, "
            "package_size TEXT, package_quantity TEXT, billing_units TEXT, "
            "billing_units_per_package TEXT",
            "",
            editioned=False,
        ),
    ),
    load_shipped=_load_crosswalk,
    readers=(
        Reader(
            "ASP NDC-HCPCS crosswalk, csv or xlsx (section 508 version of January 2026 ASP "
            "NDC-HCPCS Crosswalk 121725.csv)",
            _is_crosswalk,
            read_crosswalk,
        ),
    ),
    diffs=(
        Diffed(
            "asp_ndc",
            "hcpcs_code",
            ("hcpcs_code", "ndc"),
            (Compared("billing_units_per_package", "billing units per package"),),
            item="NDC package",
        ),
    ),
)

SPECS = (SPEC, CROSSWALK_SPEC)
