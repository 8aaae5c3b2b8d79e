"""The required elements of a record, defined once: validate lists them, compose marks them.

A required element that is absent makes its section say `Data not available in the input.`
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from codefolio.records.model import CodeRecord, Payer


@dataclass(frozen=True)
class RequiredElement:
    """A record field a complete publication needs."""

    field: str
    label: str
    applies: Callable[[CodeRecord], bool] = lambda record: True

    def is_missing(self, record: CodeRecord) -> bool:
        value = getattr(record, self.field)
        return self.applies(record) and (value is None or value == [])


@dataclass(frozen=True)
class MissingElement:
    """One absent required element of one record, named by its field path."""

    field: str
    label: str
    payer: str | None = None
    """For a payer's coverage details: the payer's name."""


REQUIRED_ELEMENTS: tuple[RequiredElement, ...] = (
    RequiredElement("descriptor", "Descriptor"),
    RequiredElement("service_type", "Service type"),
    RequiredElement("sites_of_service", "Sites of service"),
    RequiredElement("clinical_context", "Clinical context"),
    RequiredElement("modifiers", "Modifiers"),
    RequiredElement("provider_taxonomies", "Provider taxonomies"),
    RequiredElement("payers", "Payers"),
    RequiredElement("diagnoses", "Diagnoses"),
    # Drug codes bill the product; the service of giving it is billed with its own codes.
    RequiredElement(
        "administration_codes", "Administration codes", applies=lambda record: record.is_drug_code
    ),
)

PAYER_COVERAGE_FIELDS = ("prior_authorization", "policy", "site_of_care", "notes")
"""A payer's coverage details: any one of these makes them present."""


def has_coverage_details(payer: Payer) -> bool:
    return any(getattr(payer, name) is not None for name in PAYER_COVERAGE_FIELDS)


def missing_elements(record: CodeRecord) -> list[MissingElement]:
    """Every required element absent from `record`, in the order of REQUIRED_ELEMENTS."""
    missing = [
        MissingElement(element.field, element.label)
        for element in REQUIRED_ELEMENTS
        if element.is_missing(record)
    ]
    missing += [
        gap
        for index, payer in enumerate(record.payers)
        if (gap := payer_coverage_gap(index, payer)) is not None
    ]
    return missing


def payer_coverage_gap(index: int, payer: Payer) -> MissingElement | None:
    """The missing coverage details of the payer at `payers[index]`, or None when it has some."""
    if has_coverage_details(payer):
        return None
    return MissingElement(
        f"payers[{index}].coverage", f"Coverage details for {payer.name}", payer=payer.name
    )


def required_label(field: str) -> str:
    """The label of a required element, for messages and Missing blocks."""
    for element in REQUIRED_ELEMENTS:
        if element.field == field:
            return element.label
    raise KeyError(field)
