"""Medicare NCCI Medically Unlikely Edits: one edition per effective date, three files
(practitioner, outpatient hospital, DME supplier) that together make the edition.

CMS's files carry the AMA copyright notice as their first row, a header whose first cell
holds a line break (`HCPCS/\\nCPT Code`) and the MAI as number and label in one cell
(`3 Date of Service Edit: Clinical`); the effective date is only in the name
(`MCR_MUE_PractitionerServices_Eff_04-01-2026.csv`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from codefolio.errors import ReferenceDataError
from codefolio.refdata import parse
from codefolio.refdata.codes import normalize_code
from codefolio.refdata.datasets import Compared, DataSetSpec, Diffed, Reader, Table
from codefolio.refdata.models import SETTINGS
from codefolio.refdata.release import ReleaseData, ReleaseFile, Row, csv_records, find_sheet

_NAME = re.compile(r"MCR_MUE_(\w+?)Services_Eff_(\d{2})-(\d{2})-(\d{4})", re.I)
_SETTING_HEADERS = {
    "practitioner services mue values": "practitioner",
    "outpatient hospital services mue values": "outpatient_hospital",
    "dme supplier services mue values": "dme_supplier",
}
_MAI = re.compile(r"([123])\s+(.+)")
_CODE = re.compile(r"[A-Z0-9]{4}[A-Z0-9]")


def _load_shipped(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"mue": list(parse.mue_rows(paths[0]))}


def read_csv(file: ReleaseFile) -> ReleaseData:
    match = _NAME.search(file.basename)
    if match is None:
        raise file.fail(
            "cannot tell the edition: CMS names MUE files like "
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
        )
    sheet = find_sheet(file, csv_records(file), r"hcpcs/ ?cpt code", ("MUE Rationale",))
    setting = _SETTING_HEADERS.get(" ".join(sheet.header[1].split()).lower())
    if setting is None:
        raise file.fail(f"unknown MUE setting column {sheet.header[1]!r}")
    rows: list[Row] = []
    for number, cells in sheet.rows:
        code = normalize_code(cells[0])
        mai = _MAI.fullmatch(cells[2].strip())
        if not _CODE.fullmatch(code) or mai is None or not cells[1].strip().isdigit():
            raise file.fail(
                f"row {number}: expected a code, a whole MUE value and an MAI such as "
                f"'3 Date of Service Edit: Clinical', got {cells[:3]!r}"
            )
        rows.append(
            (
                code,
                setting,
                SETTINGS.index(setting),
                int(cells[1]),
                int(mai.group(1)),
                mai.group(2).strip(),
                cells[3].strip(),
            )
        )
    month, day, year = (int(match.group(i)) for i in (2, 3, 4))
    try:
        start = date(year, month, day)
    except ValueError:
        raise file.fail(f"the name's effective date {match.group(0)} is not a date") from None
    return ReleaseData("mue", start.isoformat(), start, None, {"mue": rows})


def _complete(parts: list[ReleaseData]) -> None:
    """An edition is the three settings' files; one alone would drop the others' edits."""
    found = {row[1] for part in parts for row in part.tables["mue"]}
    missing = [setting for setting in SETTINGS if setting not in found]
    if missing:
        raise ReferenceDataError(
            f"MUE edition {parts[0].edition} lacks the {', '.join(missing)} file(s): import "
            "the practitioner, outpatient hospital and DME supplier files together"
        )


SPEC = DataSetSpec(
    id="mue",
    tables=(
        Table(
            "mue",
            "code TEXT NOT NULL, setting TEXT NOT NULL, setting_order INTEGER NOT NULL, "
            "value INTEGER NOT NULL, mai INTEGER NOT NULL, mai_description TEXT NOT NULL, "
            "rationale TEXT NOT NULL",
            "code, setting_order",
        ),
    ),
    load_shipped=_load_shipped,
    readers=(
        Reader(
            "Medicare MUE file (MCR_MUE_PractitionerServices_Eff_04-01-2026.csv)",
            lambda f: f.suffix == ".csv" and _NAME.search(f.basename) is not None,
            read_csv,
        ),
    ),
    diffs=(
        Diffed(
            "mue",
            "code",
            ("code", "setting"),
            (
                Compared("value", "MUE value"),
                Compared("mai", "MUE adjudication indicator"),
            ),
            item="setting",
        ),
    ),
    complete=_complete,
)
