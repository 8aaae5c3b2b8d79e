"""OPPS Addendum B: status indicator, APC and payment rate per code, an edition per quarterly
update (`2025-10`). CMS's csv has banner lines above its header and names the month in its
file name (`508 version of October 2025 Web Addendum B.10.31.25.csv`). CPT short
descriptors (AMA copyright) are not stored.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from codefolio.refdata import parse
from codefolio.refdata.codes import normalize_code
from codefolio.refdata.datasets import Compared, DataSetSpec, Diffed, Reader, Table
from codefolio.refdata.release import (
    ReleaseData,
    ReleaseFile,
    Row,
    check_name_month,
    csv_records,
    find_sheet,
    name_month,
)

_COLUMNS = (
    "Short Descriptor",
    "SI",
    "APC",
    "Relative Weight",
    "Payment Rate",
    "National Unadjusted Copayment",
    "Minimum Unadjusted Copayment",
)
_CODE = re.compile(r"[A-Z0-9]{4}[A-Z0-9]")


def _load_shipped(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"opps": list(parse.opps_rows(paths[0]))}


def read_csv(file: ReleaseFile) -> ReleaseData:
    named = name_month(file.basename)
    if named is None:
        raise file.fail(
            "cannot tell the edition: CMS names the file for its month, like "
            "'508 version of October 2025 Web Addendum B.10.31.25.csv'"
        )
    sheet = find_sheet(file, csv_records(file), "hcpcs code", _COLUMNS)
    at = {name: sheet.column(name) for name in ("HCPCS Code", *_COLUMNS)}
    rows: list[Row] = []
    for number, cells in sheet.rows:
        code = normalize_code(cells[at["HCPCS Code"]])
        status = cells[at["SI"]].strip()
        if not _CODE.fullmatch(code) or not re.fullmatch(r"[A-Z][0-9]?", status):
            raise file.fail(
                f"row {number}: expected a code and a status indicator, got {code!r}, {status!r}"
            )
        rows.append(
            (
                code,
                None if code[:4].isdigit() else parse.blank(cells[at["Short Descriptor"]]),
                status,
                parse.blank(cells[at["APC"]]),
                *(parse.decimal_text(cells[at[name]]) for name in _COLUMNS[3:]),
            )
        )
    start = date(named[0], named[1], 1)
    check_name_month(file, start)
    return ReleaseData(
        "opps",
        f"{start.year}-{start.month:02d}",
        start,
        None,
        {"opps": rows},
        title=f"OPPS Addendum B, {start.strftime('%B %Y')}",
    )


SPEC = DataSetSpec(
    id="opps",
    tables=(
        Table(
            "opps",
            "code TEXT NOT NULL, short_descriptor TEXT, status_indicator TEXT NOT NULL, "
            "apc TEXT, relative_weight TEXT, payment_rate TEXT, "
            "national_unadjusted_copayment TEXT, minimum_unadjusted_copayment TEXT",
            "code",
        ),
    ),
    load_shipped=_load_shipped,
    readers=(
        Reader(
            "OPPS Addendum B csv (508 version of October 2025 Web Addendum B.10.31.25.csv)",
            lambda f: f.suffix == ".csv" and "addendum b" in f.basename.lower().replace("_", " "),
            read_csv,
        ),
    ),
    diffs=(
        Diffed(
            "opps",
            "code",
            ("code",),
            (
                Compared("status_indicator", "status indicator"),
                Compared("apc", "APC"),
                Compared("payment_rate", "payment rate", percent=True),
            ),
        ),
    ),
)
