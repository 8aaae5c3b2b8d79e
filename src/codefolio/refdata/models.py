"""Typed lookup results: one frozen row per reference row, each able to cite itself.

`source("field")` gives the data set reference a publication carries for a fact, e.g.
`hcpcs@2025-10:J9306.long_description`, so every figure can be traced to its edition.

The rows are plain dataclasses (a lookup loads no pydantic): `from_store` turns the store's
ISO-date and exact-decimal text into `date` and `Decimal`, by each field's declared type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal, Self, get_args

from codefolio.errors import ReferenceDataError

Setting = Literal["practitioner", "outpatient_hospital", "dme_supplier"]
SETTINGS: tuple[Setting, ...] = get_args(Setting)

# HCPCS record layout, coverage code (COV) meanings.
COVERAGE_MEANINGS = {
    "C": "Carrier judgment",
    "D": "Special coverage instructions apply",
    "I": "Not payable by Medicare",
    "M": "Non-covered by Medicare",
    "S": "Non-covered by Medicare statute",
}


# Store text → value, by a field's declared type (the annotation's text).
_FROM_STORE: dict[str, Callable[[Any], Any]] = {
    "date | None": date.fromisoformat,
    "Decimal | None": Decimal,
    "bool": bool,
}


_CONVERSIONS: dict[type, tuple[tuple[str, Callable[[Any], Any]], ...]] = {}


def _conversions(row: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """The fields of a row type that the store holds as text, each with its conversion."""
    found = _CONVERSIONS.get(row)
    if found is None:
        fields = [f for f in dataclasses.fields(row) if str(f.type) in _FROM_STORE]
        found = _CONVERSIONS[row] = tuple((f.name, _FROM_STORE[str(f.type)]) for f in fields)
    return found


@dataclass(frozen=True)
class ReferenceRow:
    """Common shape of every lookup result: the data set id, its edition, and a citation."""

    _key_fields: ClassVar[tuple[str, ...]] = ("code",)

    dataset: str
    edition: str

    @classmethod
    def from_store(cls, dataset: str, edition: str, **values: Any) -> Self:
        """The row from a store row's values (unknown or missing columns raise TypeError)."""
        for name, convert in _conversions(cls):
            value = values.get(name)
            if value is not None and not isinstance(value, date):
                values[name] = convert(value)
        return cls(dataset=dataset, edition=edition, **values)

    def key(self) -> str:
        """The row's identity within its data set, as used in citations."""
        return ".".join(str(getattr(self, name)) for name in self._key_fields)

    def source(self, field: str) -> str:
        """`<dataset>@<edition>:<key>.<field>`; raises for a field the model does not have."""
        names = _field_names(type(self))
        if field not in names:
            fields = ", ".join(names)
            raise ReferenceDataError(
                f"{type(self).__name__} has no field {field!r} to cite (fields: {fields})"
            )
        return f"{self.dataset}@{self.edition}:{self.key()}.{field}"


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(row: type[ReferenceRow]) -> tuple[str, ...]:
    """A row type's field names, worked out once: a publication cites hundreds of fields."""
    if row not in _FIELD_NAMES:
        _FIELD_NAMES[row] = tuple(item.name for item in dataclasses.fields(row))
    return _FIELD_NAMES[row]


@dataclass(frozen=True)
class _HcpcsFileRow(ReferenceRow):
    """What the HCPCS file records for both its codes and its modifiers."""

    code: str
    long_description: str
    short_description: str
    coverage_code: str | None
    add_date: date | None
    effective_date: date | None
    termination_date: date | None
    action_code: str | None

    @property
    def coverage_meaning(self) -> str | None:
        return COVERAGE_MEANINGS.get(self.coverage_code or "")


@dataclass(frozen=True)
class HcpcsCode(_HcpcsFileRow):
    """A HCPCS Level II procedure row (RECID 3)."""

    pricing_indicator: str | None
    betos: str | None
    type_of_service: list[str]


@dataclass(frozen=True)
class Modifier(_HcpcsFileRow):
    """A HCPCS Level II modifier (RECID 7)."""


@dataclass(frozen=True)
class PlaceOfService(ReferenceRow):
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class Taxonomy(ReferenceRow):
    """A NUCC taxonomy code; NUCC's definition and notes text is deliberately not carried."""

    code: str
    grouping: str
    classification: str
    specialization: str | None
    display_name: str
    section: str


@dataclass(frozen=True)
class Diagnosis(ReferenceRow):
    """An ICD-10-CM code; `billable` means it is a leaf (valid on a claim)."""

    code: str
    description: str
    billable: bool


@dataclass(frozen=True)
class Mue(ReferenceRow):
    """One setting's Medically Unlikely Edit for a code."""

    _key_fields: ClassVar[tuple[str, ...]] = ("code", "setting")

    code: str
    setting: Setting
    value: int
    mai: int
    mai_description: str
    rationale: str


@dataclass(frozen=True)
class AspLimit(ReferenceRow):
    """One quarter's ASP payment limit; `payment_limit` is None where CMS prints N/A."""

    code: str
    quarter: str
    effective_start: date | None
    effective_end: date | None
    short_description: str | None
    dosage: str
    payment_limit: Decimal | None
    coinsurance_percent: Decimal | None
    notes: str | None


@dataclass(frozen=True)
class NdcPackage(ReferenceRow):
    """One NDC-HCPCS crosswalk row of a quarter.

    `ndc11` is None where the crosswalk lists a product identifier that is not a 5-4-2 NDC
    (skin substitutes carry UPC/GTIN or catalogue numbers); the numbers are None where the
    file's value is not a number.
    """

    _key_fields: ClassVar[tuple[str, ...]] = ("hcpcs_code", "ndc")

    hcpcs_code: str
    ndc: str
    ndc11: str | None
    labeler: str
    drug_name: str
    hcpcs_dosage: str
    package_size: Decimal | None
    package_quantity: Decimal | None
    billing_units: Decimal | None
    billing_units_per_package: Decimal | None
    quarter: str


@dataclass(frozen=True)
class OppsRate(ReferenceRow):
    """An OPPS Addendum B row; `short_descriptor` is None for CPT codes (not shipped)."""

    code: str
    short_descriptor: str | None
    status_indicator: str
    apc: str | None
    relative_weight: Decimal | None
    payment_rate: Decimal | None
    national_unadjusted_copayment: Decimal | None
    minimum_unadjusted_copayment: Decimal | None
