"""Claim files made from the publications' worked examples, for the claim checker's tests."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

from codefolio.claims.columns import EXTRACT_COLUMNS
from codefolio.claims.x12 import read_837
from codefolio.records.model import CodeRecord
from tests.conftest import example_data, publish
from tests.test_claims_x12 import HEADER_837I, HEADER_837P, interchange, segments

CODES = ("J9306", "J9355")
# (name, code, version, header, section, caption)
FORMS = {
    "837P": ("005010X222A1", HEADER_837P, "claims-office", "837P"),
    "837I": ("005010X223A2", HEADER_837I, "claims-facility", "837I"),
}
PUBLISHED = [("J9306", "837P"), ("J9355", "837P"), ("J9306", "837I")]


def records() -> list[CodeRecord]:
    return [CodeRecord.model_validate(example_data(code)) for code in CODES]


@cache
def published_lines(code: str, form: str) -> tuple[str, ...]:
    """The publication's segment rows, composed once per test session."""
    _version, _header, section, caption = FORMS[form]
    return tuple(segments(publish(example_data(code)), section, caption))


MEMBER = "1EG4TE5MK73"
"""The subscriber's member id in the headers (never to appear in any output)."""


def claim_837(
    code: str,
    form: str,
    edit: Callable[[list[str]], list[str]] = list,
    claim_id: str = "",
    member: str = MEMBER,
) -> str:
    """A pyx12-valid interchange of the publication's lines, edited by `edit`, for the
    subscriber `member`."""
    version, header, _section, _caption = FORMS[form]
    text = interchange(version, header, edit(list(published_lines(code, form))))
    text = text.replace(f"*MI*{MEMBER}~", f"*MI*{member}~")
    return text.replace("CLM*PATIENT1*", f"CLM*{claim_id or code + form}*")


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXTRACT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def rows_of(text: str) -> list[dict[str, object]]:
    return list(read_837(text))
