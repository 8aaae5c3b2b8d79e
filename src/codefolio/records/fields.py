"""Field types of the record format: text, code shapes and the numbers YAML hands us.

Shapes only; whether a code exists in an official code set is a reference-data question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from codefolio.billing.ndc import NdcError, normalize_ndc
from codefolio.billing.units import (
    ConversionError,
    parse_billing_unit,
    parse_concentration,
    unit_word,
)
from codefolio.codes import CPT, HCPCS, ICD10, MODIFIER, POS, TAXONOMY, CodeSystem, normalize_code

# Longest text any single field may hold: a vignette is a paragraph or three, not a book.
MAX_TEXT_CHARS = 20_000

# C0 control characters other than tab and newline are never meaningful in a record and
# can hide terminal escape sequences in hostile input.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class SourceInt(int):
    """An integer from a YAML plain scalar that remembers how it was written.

    YAML reads `pos: 011` as the octal number 9 and `code: 59` as an integer; code fields
    need the characters the author typed, not the number.
    """

    source: str

    def __new__(cls, value: int, source: str) -> SourceInt:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


def _as_typed_text(value: Any) -> Any:
    """Accept a bare number where the author clearly meant its digits (codes, figures)."""
    if isinstance(value, SourceInt):
        return value.source
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


def _clean_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", "is empty; give a value or leave the field out")
    if len(value) > MAX_TEXT_CHARS:
        raise PydanticCustomError(
            "too_long",
            "is {length} characters long; the limit is {limit}",
            {"length": len(value), "limit": MAX_TEXT_CHARS},
        )
    bad = _CONTROL.search(value)
    if bad:
        raise PydanticCustomError(
            "control_char",
            "contains the control character U+{cp}; remove it",
            {"cp": f"{ord(bad.group()):04X}"},
        )
    return value


Text = Annotated[str, Field(strict=True), AfterValidator(_clean_text)]
"""Free text written by the billing team."""

NumberText = Annotated[str, BeforeValidator(_as_typed_text), AfterValidator(_clean_text)]
"""Text that authors often write as a bare number (a benchmark figure)."""


def _shape(
    pattern: str, kind: str, example: str, normalize: Callable[[str], str] | None = None
) -> Callable[[str], str]:
    """A validator that upper-cases a code and checks its shape against `pattern`."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        code = value.strip().upper()
        if normalize is not None:
            code = normalize(code)
        if not compiled.fullmatch(code):
            raise PydanticCustomError(
                "code_shape",
                "{value} is not a valid {kind} (expected {example})",
                {"value": repr(value), "kind": kind, "example": example},
            )
        return code

    return check


HCPCS_PATTERN = HCPCS.pattern
CPT_PATTERN = CPT.pattern

_CodeText = Annotated[str, BeforeValidator(_as_typed_text), Field(strict=True)]


def _shaped(system: CodeSystem, name: str | None = None, example: str | None = None) -> Any:
    """The validator of a code of the registry's `system`."""
    normalize = None if system.normalize is normalize_code else system.normalize
    return AfterValidator(
        _shape(system.pattern, name or system.name, example or system.example, normalize)
    )


BillingCode = Annotated[
    _CodeText,
    AfterValidator(
        _shape(
            f"{HCPCS_PATTERN}|{CPT_PATTERN}",
            "billing code",
            "a HCPCS Level II code such as J9306 or a CPT code such as 96413",
        )
    ),
]
ModifierCode = Annotated[_CodeText, _shaped(MODIFIER)]
PosCode = Annotated[_CodeText, _shaped(POS)]
TaxonomyCode = Annotated[_CodeText, _shaped(TAXONOMY)]
Icd10Code = Annotated[_CodeText, _shaped(ICD10)]


def _check_ndc(value: str) -> str:
    try:
        normalize_ndc(value)
    except NdcError as exc:
        raise PydanticCustomError("ndc", str(exc)) from None
    return value.strip()


NdcCode = Annotated[str, Field(strict=True), AfterValidator(_check_ndc)]


def _parsed_by(kind: str, parse: Callable[[str], object]) -> Callable[[str], str]:
    """A validator that keeps the text when `parse` accepts it, and reports why not."""

    def check(value: str) -> str:
        try:
            parse(value)
        except ConversionError as exc:
            raise PydanticCustomError(kind, str(exc)) from None
        return value

    return check


def _check_billing_unit(value: str) -> str:
    if parse_billing_unit(value) is None:
        raise PydanticCustomError(
            "billing_unit",
            "{value} is not a billing unit; write the quantity one unit stands for, such as "
            "1 mg, 10 mg, up to 250 mg, 1 ml, 100 units or per vial",
            {"value": repr(value)},
        )
    return value


UnitText = Annotated[Text, AfterValidator(_parsed_by("unit", unit_word))]
BillingUnitText = Annotated[Text, AfterValidator(_check_billing_unit)]
ConcentrationText = Annotated[
    Text, AfterValidator(_parsed_by("concentration", parse_concentration))
]
NdcUnit = Literal["UN", "ML", "GR", "F2", "ME"]
