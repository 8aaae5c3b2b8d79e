"""Readers for the shipped CSV files: each yields store rows, with the files' quirks handled.

Dates stay ISO text and decimals stay exact text in the store; the lookup layer turns
them into `date` and `Decimal`. Quirks are the ones PROVENANCE.md records.
"""

from __future__ import annotations

import csv
import importlib.metadata
import re
import warnings
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType

from codefolio.errors import ReferenceDataError
from codefolio.refdata.codes import normalize_code
from codefolio.refdata.models import SETTINGS

Row = tuple[str | int | None, ...]


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a UTF-8 CSV file keyed by its header row."""
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def blank(value: str | None) -> str | None:
    """None for an empty cell (and OPPS's lone `.`), else the value stripped."""
    text = (value or "").strip()
    return None if text in ("", ".") else text


def iso_date(value: str) -> str | None:
    """YYYYMMDD (the HCPCS file's dates) as ISO text; None when blank."""
    text = value.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{8}", text):
        raise ReferenceDataError(f"expected a YYYYMMDD date, got {value!r}")
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NDC_542 = re.compile(r"\d{5}-\d{4}-\d{2}")


def decimal_text(value: str) -> str | None:
    """A number as exact decimal text: `$1,234.500` → `1234.500`, `19.500%` → `19.500`.

    None for a blank, `.`, `N/A`, or any value that is not a number (e.g. `21.3125?` in the
    2024q2 crosswalk), so a typo in a source file is never read as a figure.
    """
    if _PLAIN_NUMBER.fullmatch(value):  # most cells: digits, maybe a fraction, as they are
        return value
    text = (blank(value) or "").replace("$", "").replace(",", "").removesuffix("%")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return text if number.is_finite() else None


def hcpcs_rows(path: Path) -> Iterator[Row]:
    """Procedure rows (RECID 3) of the HCPCS alpha-numeric file."""
    for row in read_csv(path):
        if row["RECID"].strip() != "3":
            continue
        services = [row[f"TOS{i}"].strip() for i in range(1, 6)]
        yield (
            normalize_code(row["HCPC"]),
            row["LONG DESCRIPTION"].strip(),
            row["SHORT DESCRIPTION"].strip(),
            blank(row["PRICE1"]),
            blank(row["COV"]),
            blank(row["BETOS"]),
            ",".join(service for service in services if service),
            iso_date(row["ADD DT"]),
            iso_date(row["ACT EFF DT"]),
            iso_date(row["TERM DT"]),
            blank(row["ACTION CD"]),
        )


def modifier_rows(path: Path) -> Iterator[Row]:
    for row in read_csv(path):
        yield (
            normalize_code(row["modifier"]),
            row["long_description"].strip(),
            row["short_description"].strip(),
            blank(row["coverage_code"]),
            iso_date(row["add_date"]),
            iso_date(row["action_effective_date"]),
            iso_date(row["termination_date"]),
            blank(row["action_code"]),
        )


def pos_rows(path: Path) -> Iterator[Row]:
    for row in read_csv(path):
        yield (row["code"].strip(), row["name"].strip(), row["description"].strip())


def taxonomy_rows(path: Path) -> Iterator[Row]:
    """Taxonomy codes without NUCC's Definition and Notes text (not republished)."""
    for row in read_csv(path):
        yield (
            normalize_code(row["Code"]),
            row["Grouping"].strip(),
            row["Classification"].strip(),
            blank(row["Specialization"]),
            row["Display Name"].strip(),
            row["Section"].strip(),
        )


def mue_rows(path: Path) -> Iterator[Row]:
    for row in read_csv(path):
        setting = row["setting"].strip()
        if setting not in SETTINGS:
            raise ReferenceDataError(f"{path.name}: unknown MUE setting {setting!r}")
        yield (
            normalize_code(row["hcpcs_cpt_code"]),
            setting,
            SETTINGS.index(setting),
            int(row["mue_value"]),
            int(row["mai"]),
            row["mai_description"].strip(),
            row["mue_rationale"].strip(),
        )


def asp_rows(path: Path, quarter: str) -> Iterator[Row]:
    for row in read_csv(path):
        yield (
            normalize_code(row["HCPCS Code"]),
            quarter,
            blank(row["Short Description"]),
            row["HCPCS Code Dosage"].strip(),
            decimal_text(row["Payment Limit"]),
            decimal_text(row["Co-insurance Percentage"]),
            blank(row["Notes"]),
        )


def asp_ndc_rows(path: Path, quarter: str) -> Iterator[Row]:
    for row in read_csv(path):
        ndc = row["NDC2"].strip()
        yield (
            quarter,
            normalize_code(row["HCPCS Code"]),
            ndc,
            ndc.replace("-", "") if _NDC_542.fullmatch(ndc) else None,  # 5-4-2: its 11 digits
            " ".join(row["LABELER NAME"].split()),
            row["Drug Name"].strip(),
            row["HCPCS dosage"].strip(),
            decimal_text(row["PKG SIZE"]),
            decimal_text(row["PKG QTY"]),
            decimal_text(row["BILLUNITS"]),
            decimal_text(row["BILLUNITSPKG"]),
        )


def opps_rows(path: Path) -> Iterator[Row]:
    for row in read_csv(path):
        yield (
            normalize_code(row["HCPCS Code"]),
            blank(row["Short Descriptor"]),
            row["SI"].strip(),
            blank(row["APC"]),
            decimal_text(row["Relative Weight"]),
            decimal_text(row["Payment Rate"]),
            decimal_text(row["National Unadjusted Copayment"]),
            decimal_text(row["Minimum Unadjusted Copayment"]),
        )


ICD10_PACKAGE = "simple-icd-10-cm"


def icd10_package_version() -> str:
    """The installed ICD-10-CM package's version: its data is part of what the store holds."""
    return importlib.metadata.version(ICD10_PACKAGE)


def _icd() -> ModuleType:
    """simple_icd_10_cm parses its whole tabular on import (about 1.5 s): done only at build."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    module: ModuleType = simple_icd_10_cm
    return module


def icd10_rows() -> Iterator[Row]:
    """Every ICD-10-CM category, subcategory and code (chapters and blocks are not codes),
    dotted, with its description and whether it is a billable leaf."""
    icd = _icd()
    # A three-character code may also name a block ("C50"): list it once.
    for code in dict.fromkeys(icd.get_all_codes(True)):
        if icd.is_category_or_subcategory(code):
            yield (code, icd.get_description(code), int(icd.is_leaf(code)))
