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

# Every amount a record states (a dose, a package's amount, an NDC quantity, the amount in
# a billing unit or a concentration) lies between one millionth and one billion, with at most
# six decimal places. The largest real doses are tens of millions of units (penicillin G,
# aldesleukin); the smallest, a microgram written in grams (0.000001 g). Beyond these an
# amount is a typing error, and exact arithmetic on it would not fit a publication.
MIN_AMOUNT = Decimal("0.000001")
MAX_AMOUNT = Decimal(1_000_000_000)
MAX_AMOUNT_PLACES = 6
# Input echoed in a message is cut to this many characters.
ECHO_LIMIT = 60

# Longest text any single field may hold: a vignette is a paragraph or three, not a book.
MAX_TEXT_CHARS = 20_000

# C0 and C1 control characters other than tab and newline are never meaningful in a record
# and can hide terminal escape sequences in hostile input. Nor are the bidirectional
# embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069): they make text
# read differently from what it holds, and one before a long word costs the PDF layout
# minutes. A line break is a line break however it was saved (CRLF, CR), so carriage
# returns become newlines first.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\r\n?")


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


class SourceFloat(float):
    """A decimal number from a YAML plain scalar that remembers how it was written: a
    benchmark of `1.50` is shown as 1.50, and a long figure keeps every digit."""

    source: str

    def __new__(cls, value: float, source: str) -> SourceFloat:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


def _as_typed_text(value: Any) -> Any:
    """Accept a bare number where the author clearly meant its digits (codes, figures)."""
    if isinstance(value, SourceInt | SourceFloat):
        return value.source
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


def short_repr(value: Any) -> str:
    """`value` as a message quotes it, cut to ECHO_LIMIT characters."""
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


def _echoed(error: Exception, value: str) -> str:
    """The error's message with the input it quotes cut short."""
    return str(error).replace(repr(value), short_repr(value))


def _clean_text(value: str) -> str:
    value = _LINE_BREAK.sub("\n", value).strip()
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
                {"value": short_repr(value), "kind": kind, "example": example},
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
            raise PydanticCustomError(kind, _echoed(exc, value)) from None
        return value

    return check


def check_amount(amount: Decimal, what: str) -> None:
    """Hold an amount written inside text (a billing unit, a concentration) to the bounds of
    `Amount`, so that what `validate` accepts, `build` can compute with."""
    problem = _amount_problem(amount)
    if problem:
        raise PydanticCustomError(
            "amount_bounds", "{what} {problem}", {"what": what, "problem": problem}
        )


def _amount_problem(amount: Decimal) -> str | None:
    if not amount.is_finite() or amount <= 0:
        return "must be a number greater than 0"
    if amount > MAX_AMOUNT:
        return f"is over {MAX_AMOUNT:,}, the largest amount a record may state"
    if amount.as_tuple().exponent < -MAX_AMOUNT_PLACES:  # type: ignore[operator]
        return (
            f"has more than {MAX_AMOUNT_PLACES} decimal places (the least amount is {MIN_AMOUNT})"
        )
    return None


def _check_billing_unit(value: str) -> str:
    unit = parse_billing_unit(value)
    if unit is None:
        raise PydanticCustomError(
            "billing_unit",
            "{value} is not a billing unit; write the quantity one unit stands for, such as "
            "1 mg, 10 mg, up to 250 mg, 1 ml, 100 units or per vial",
            {"value": short_repr(value)},
        )
    check_amount(unit.amount, "the billing unit's amount")
    return value


def _check_concentration(value: str) -> str:
    try:
        concentration = parse_concentration(value)
    except ConversionError as exc:
        raise PydanticCustomError("concentration", _echoed(exc, value)) from None
    check_amount(concentration.amount, "the concentration's amount")
    check_amount(concentration.volume, "the concentration's volume")
    return value


Amount = Annotated[
    Decimal,
    Field(gt=0, le=MAX_AMOUNT, decimal_places=MAX_AMOUNT_PLACES, allow_inf_nan=False),
]
"""A dose, a package's amount or an NDC quantity (see MIN_AMOUNT and MAX_AMOUNT)."""
UnitText = Annotated[Text, AfterValidator(_parsed_by("unit", unit_word))]
BillingUnitText = Annotated[Text, AfterValidator(_check_billing_unit)]
ConcentrationText = Annotated[Text, AfterValidator(_check_concentration)]
NdcUnit = Literal["UN", "ML", "GR", "F2", "ME"]
