"""X12 837P and 837I claim files into claim lines, after pyx12 has validated them.

Only what the checks need is read: claim id, filing indicator, place of service or type of
bill, diagnoses, rendering taxonomy and the service lines with their NDCs. Subscriber and
patient names, addresses and birth dates are never read, and pyx12's error texts are kept
without the values they quote. The subscriber's member id (2010BA NM109) is read only into
`patient_key`, a one-way hash salted afresh for every run, so the MUE date-of-service edits
can sum a beneficiary's lines across claims; the id itself is never kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyx12.params
import pyx12.x12file
import pyx12.x12n_document

from codefolio.errors import Problem

# ICD-10-CM (and ICD-9-CM) principal and other diagnosis qualifiers of HI on 837P and 837I.
_DIAGNOSIS_QUALIFIERS = {"ABK", "ABF", "BK", "BF"}
_PROFESSIONAL = "005010X222"
_INSTITUTIONAL = "005010X223"


@dataclass
class _Claim:
    claim_id: str
    claim_type: str
    filing_indicator: str | None
    place: str | None  # 837P: place of service; 837I: type of bill
    diagnoses: list[str] = field(default_factory=list)
    taxonomy: str | None = None
    statement_date: str | None = None
    patient_key: str | None = None


def validate_837(text: str, display: str) -> list[Problem]:
    """pyx12's errors for one file, each located by segment line, values left out."""
    logger = logging.getLogger("pyx12")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)  # pyx12 logs errors with the values they quote
    logger.propagate = False
    report = io.StringIO()
    try:
        valid = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(text),
            fd_997=io.StringIO(),
            fd_html=None,
            fd_xmldoc=None,
            fd_json=report,
        )
    except Exception as error:  # pyx12 raises bare errors on text it cannot tokenise
        return [Problem(display, f"not an X12 interchange pyx12 can read ({type(error).__name__})")]
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
    problems = _problems(json.loads(report.getvalue() or "{}"), display, None, None)
    if not valid and not problems:
        problems = [Problem(display, "pyx12 rejects the interchange")]
    return problems


def _problems(node: Any, display: str, line: int | None, segment: str | None) -> list[Problem]:
    if isinstance(node, list):
        return [p for item in node for p in _problems(item, display, line, segment)]
    if not isinstance(node, dict):
        return []
    if "cur_line" in node:
        line, segment = node.get("cur_line"), node.get("name")
    found: list[Problem] = []
    if "err_str" in node:
        text = str(node["err_str"])
        value = node.get("err_val")
        if value:
            text = text.replace(str(value), "…")
        found.append(Problem(display, text, line=line, field=segment))
    for child in node.values():
        if isinstance(child, dict | list):
            found += _problems(child, display, line, segment)
    return found


def _date(value: str) -> str | None:
    """`20261126` or a range `20261126-20261127` (its first day) as ISO text."""
    digits = value.split("-")[0]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat()
    except ValueError:
        return None


_RUN_SALT = secrets.token_bytes(32)
"""Salts the patient keys of one run (one process), so a key cannot be matched to a member
id by hashing guesses, nor across runs."""


def patient_key(payer: str, member: str, salt: bytes = _RUN_SALT) -> str:
    """The grouping key of a payer's member: a salted one-way hash, never output."""
    digest = hashlib.blake2b(f"{payer}\x1f{member}".encode(), key=salt, digest_size=16)
    return digest.hexdigest()


def read_837(text: str, salt: bytes = _RUN_SALT) -> Iterator[dict[str, object]]:
    """The service lines of a valid 837P or 837I interchange, as extract-column rows.
    A claim of a dependent (a 2000C patient loop) has no patient key: the member id is
    the subscriber's, shared by the family, so its MUE edits sum within the claim."""
    reader = pyx12.x12file.X12Reader(io.StringIO(text))
    claim_type = "professional"
    filing: str | None = None
    member: str | None = None
    payer = ""
    dependent = False
    claim: _Claim | None = None
    row: dict[str, object] | None = None
    for seg in reader:
        name = seg.get_seg_id()
        value = seg.get_value
        if name == "GS":
            version = value("08") or ""
            claim_type = "institutional" if version.startswith(_INSTITUTIONAL) else "professional"
        elif name == "HL" and value("03") in ("22", "23"):
            dependent = value("03") == "23"
            if not dependent:
                member, payer = None, ""
        elif name == "SBR":
            filing = value("09") or None
        elif name == "NM1" and value("01") == "IL":
            member = value("09") or None
        elif name == "NM1" and value("01") == "PR":
            payer = value("09") or ""
        elif name == "CLM":
            if row:
                yield row
                row = None
            place = value("CLM05-1") or None
            if claim_type == "institutional" and place:
                place = f"0{place}{value('CLM05-3') or ''}"
            claim = _Claim(value("01") or "", claim_type, filing, place)
            if member and not dependent:
                claim.patient_key = patient_key(payer, member, salt)
        elif claim is None:
            continue
        elif name == "HI":
            for position in range(1, 13):
                qualifier = value(f"{position:02d}-1")
                if qualifier in _DIAGNOSIS_QUALIFIERS:
                    claim.diagnoses.append(value(f"{position:02d}-2") or "")
        elif name == "DTP" and value("01") == "434" and row is None:
            claim.statement_date = _date(value("03") or "")
        elif name == "PRV" and value("01") in ("PE", "AT"):
            if row is None:
                claim.taxonomy = value("03")
            else:
                row["rendering_taxonomy"] = value("03")
        elif name == "LX":
            if row:
                yield row
            row = _line(claim, value("01") or "")
        elif row is None:
            continue
        elif name in ("SV1", "SV2"):
            _service(row, claim, name, value)
        elif name == "DTP" and value("01") == "472":
            row["service_date"] = _date(value("03") or "")
        elif name == "LIN" and value("02") == "N4":
            row["ndc"] = value("03")
        elif name == "CTP":
            row["ndc_quantity"] = value("04")
            row["ndc_unit"] = value("05-1")
    if row:
        yield row


def _line(claim: _Claim, number: str) -> dict[str, object]:
    professional = claim.claim_type == "professional"
    return {
        "claim_id": claim.claim_id,
        "line": number,
        "claim_type": claim.claim_type,
        "service_date": claim.statement_date,
        "pos": claim.place if professional else None,
        "type_of_bill": None if professional else claim.place,
        "diagnosis_codes": ";".join(claim.diagnoses[:4]),
        "rendering_taxonomy": claim.taxonomy,
        "filing_indicator": claim.filing_indicator,
        "patient_key": claim.patient_key,
    }


def _service(row: dict[str, object], claim: _Claim, name: str, value: Any) -> None:
    """SV1 (837P) or SV2 (837I): code and modifiers, charge, units; 837P lines may override
    the claim's place of service and point at up to four of its diagnoses."""
    composite = "01" if name == "SV1" else "02"
    row["code"] = value(f"{composite}-2")
    for position in range(1, 5):
        row[f"modifier{position}"] = value(f"{composite}-{position + 2}")
    if name == "SV1":
        row["charge"], row["units"] = value("02"), value("04")
        row["pos"] = value("05") or row["pos"]
        pointers = [value(f"07-{n}") for n in range(1, 5)]
        chosen = [
            claim.diagnoses[int(p) - 1]
            for p in pointers
            if p and p.isdigit() and 0 < int(p) <= len(claim.diagnoses)
        ]
        if chosen:
            row["diagnosis_codes"] = ";".join(chosen)
    else:
        row["revenue_code"], row["charge"], row["units"] = value("01"), value("03"), value("05")


def read_837_file(path: Path, display: str) -> tuple[list[dict[str, object]], list[Problem]]:
    """A file's lines, or none and pyx12's problems when it rejects the file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return [], [Problem(display, f"cannot read the file: {error.strerror or error}")]
    problems = validate_837(text, display)
    if problems:
        return [], problems
    return list(read_837(text)), []


def is_x12(path: Path) -> bool:
    """Whether the file starts like an X12 interchange (ISA), whatever its extension."""
    try:
        with path.open("rb") as handle:
            return handle.read(3) == b"ISA"
    except OSError:
        return False
