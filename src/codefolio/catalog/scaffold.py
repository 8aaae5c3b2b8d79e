"""Starter records for whole code ranges, prefilled only with what the shipped data sets say.

From the HCPCS Level II file: the long descriptor, the drug's generic name where the
descriptor plainly states it, and the billing unit it states. From the latest ASP
NDC-HCPCS crosswalk: each package's NDC and its drug name and labeler. Nothing else is
guessed (single_dose, amounts and units of a package are left for the editor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from codefolio import __version__
from codefolio.billing.units import parse_billing_unit
from codefolio.errors import CatalogError
from codefolio.fileio import write_atomic
from codefolio.records.fields import HCPCS_PATTERN
from codefolio.records.model import Package
from codefolio.refdata import HcpcsCode, ReferenceData

_CODE = re.compile(HCPCS_PATTERN)
# A generic name: lower-case words of letters, digits and hyphens ("ado-trastuzumab emtansine").
_GENERIC = re.compile(r"[a-z][a-z0-9-]*(?: [a-z0-9-]+)*")
# Words that show the part is not just a drug name ("lidocaine hcl for intravenous infusion").
_NOT_A_NAME = frozenset(
    {"for", "and", "with", "per", "not", "otherwise", "specified", "nos", "unclassified"}
    | {"other", "each", "up", "to", "of", "in"}
)
# What may follow the name instead of the billing quantity (CMS's own qualifiers).
_QUALIFIERS = frozenset({"not otherwise specified", "excludes biosimilar", "biosimilar"})
# Commas separate descriptor parts, except the thousands comma in "10,000 units".
_PARTS = re.compile(r",(?!\d{3}\b)")


@dataclass
class ScaffoldResult:
    written: list[Path] = field(default_factory=list)
    existing: list[Path] = field(default_factory=list)
    """Records already there, left alone (no --force)."""
    unknown: list[str] = field(default_factory=list)
    """Listed codes that the shipped HCPCS file does not hold."""
    terminated: list[tuple[str, date]] = field(default_factory=list)


def parse_code_spec(spec: str) -> list[tuple[str, str]]:
    """`J9000-J9999, J9306` -> `[("J9000", "J9999"), ("J9306", "J9306")]`."""
    ranges = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        first, dash, last = (s.strip().upper() for s in part.partition("-"))
        last = last if dash else first
        for end in (first, last):
            if not _CODE.fullmatch(end):
                raise CatalogError(
                    f"--codes {part!r}: {end!r} is not a HCPCS Level II code (a letter from "
                    "A to V and four digits, such as J9306); write ranges as J9000-J9999"
                )
        if first[0] != last[0]:
            raise CatalogError(
                f"--codes {part!r}: a range starts and ends with the same letter, "
                f"such as {first[0]}0000-{first[0]}9999"
            )
        if first > last:
            raise CatalogError(f"--codes {part!r}: the range ends before it starts")
        ranges.append((first, last))
    if not ranges:
        raise CatalogError("--codes: no codes given; write e.g. J9000-J9999 or J9306,J9355")
    return ranges


def scaffold_records(
    spec: str, out_dir: Path, ref: ReferenceData, *, force: bool = False, as_of: date | None = None
) -> ScaffoldResult:
    """Write `out_dir/<code>.yaml` for every code `spec` names that the HCPCS file holds and
    that is not terminated as of `as_of`; an existing file is kept unless `force`."""
    as_of = as_of or date.today()
    result = ScaffoldResult()
    for code in _codes(parse_code_spec(spec), ref, result):
        row = ref.hcpcs(code)
        assert row is not None  # _codes yields HCPCS file codes only
        if row.termination_date is not None and row.termination_date < as_of:
            result.terminated.append((code, row.termination_date))
            continue
        path = out_dir / f"{code}.yaml"
        if path.exists() and not force:
            result.existing.append(path)
            continue
        try:
            write_atomic(path, starter_yaml(row, ref).encode("utf-8"))
        except OSError as exc:
            raise CatalogError(f"{path}: cannot write: {exc.strerror or exc}") from None
        result.written.append(path)
    return result


def _codes(ranges: list[tuple[str, str]], ref: ReferenceData, result: ScaffoldResult) -> list[str]:
    """Codes of the HCPCS file in the ranges, each once, sorted; every code of a range or
    list that the file does not hold is noted in `result.unknown`."""
    wanted: set[str] = set()
    unknown: set[str] = set()
    for first, last in ranges:
        for number in range(int(first[1:]), int(last[1:]) + 1):
            code = f"{first[0]}{number:04d}"
            # Other data sets list codes too (MUE, ASP, OPPS): only the HCPCS file's count.
            (wanted if ref.hcpcs(code) is not None else unknown).add(code)
    result.unknown.extend(sorted(unknown))
    return sorted(wanted)


def starter_record(row: HcpcsCode, ref: ReferenceData) -> dict[str, Any]:
    """The record data the data sets give for the code."""
    drug: dict[str, Any] = {}
    generic = generic_name(row.long_description)
    if generic:
        drug["generic_name"] = generic
    unit = parse_billing_unit(row.long_description)
    if unit is not None:
        drug["billing_unit"] = str(unit)
    packages = crosswalk_packages(row.code, ref)
    if packages:
        drug["packages"] = packages
    data: dict[str, Any] = {"format": "codefolio/1", "code": row.code}
    data["descriptor"] = row.long_description
    if drug:
        data["drug"] = drug
    return data


def starter_yaml(row: HcpcsCode, ref: ReferenceData) -> str:
    hcpcs, crosswalk = ref.dataset("hcpcs"), ref.dataset("asp-ndc")
    header = [
        f"# Starter record for {row.code}, written by codefolio {__version__} scaffold.",
        f"# descriptor, drug.generic_name and drug.billing_unit: {hcpcs.name} {hcpcs.edition}",
        "#   long descriptor (the generic name only where the descriptor plainly states it).",
        f"# drug.packages: {crosswalk.name} {crosswalk.edition} (NDC, drug name and labeler).",
        "# Everything else is for the editor: `codefolio validate` lists what is missing.",
    ]
    body = yaml.safe_dump(starter_record(row, ref), sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def generic_name(descriptor: str) -> str | None:
    """The drug in `Injection, NAME, QUANTITY` descriptors ("Injection, pertuzumab, 1 mg"),
    when NAME is lower-case words only and is followed by the billing quantity or a CMS
    qualifier such as "not otherwise specified"; None whenever that is not plain (a brand
    in parentheses, a combination product, a form such as "depot form")."""
    parts = [part.strip() for part in _PARTS.split(descriptor)]
    if len(parts) < 3 or parts[0] != "Injection":
        return None
    name, following = parts[1], parts[2]
    if not _GENERIC.fullmatch(name) or _NOT_A_NAME & set(name.split()):
        return None
    if following not in _QUALIFIERS and parse_billing_unit(following) is None:
        return None
    if re.search(r"\band\b|\bwith\b|[/+]", ", ".join(parts[2:])):
        return None  # a combination product: one name would be half of it
    return name


def crosswalk_packages(code: str, ref: ReferenceData) -> list[dict[str, str]]:
    """The latest crosswalk's packages of `code` that carry a valid NDC, each once."""
    packages: dict[str, dict[str, str]] = {}
    for row in ref.ndc_packages(code):
        if row.ndc11 is None or row.ndc in packages:
            continue
        entry = {"ndc": row.ndc}
        if row.drug_name and row.labeler:
            entry["description"] = f"{row.drug_name} ({row.labeler})"
        try:
            Package.model_validate(entry)
        except ValidationError:
            continue  # a product identifier that is not an NDC the record format accepts
        packages[row.ndc] = entry
    return list(packages.values())
