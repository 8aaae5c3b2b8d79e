"""Drug administration codes: their families, the revenue code of each family on a UB-04,
and the add-on codes that are reported only with a primary code.

Code numbers only: CPT descriptors are the AMA's and are never shipped. Each pairing and
revenue code cites its rule in `billing.rules` by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class AdministrationFamily:
    """A range of CPT drug administration codes that share a UB-04 revenue code."""

    name: str
    first: str
    last: str
    revenue_code: str | None
    """NUBC revenue code for the family; None where no one code is standard (the hospital's
    chargemaster decides)."""
    revenue_name: str | None
    add_on_rule: str | None
    """The rule id that lists the family's add-on codes and their primaries."""

    def holds(self, code: str) -> bool:
        return code.isdigit() and len(code) == 5 and self.first <= code <= self.last


FAMILIES: Final[tuple[AdministrationFamily, ...]] = (
    AdministrationFamily("hydration", "96360", "96361", "0260", "IV therapy", "add-on-hydration"),
    AdministrationFamily(
        "therapeutic, prophylactic or diagnostic IV infusion",
        "96365",
        "96368",
        "0260",
        "IV therapy",
        "add-on-therapeutic",
    ),
    AdministrationFamily(
        "subcutaneous infusion", "96369", "96371", None, None, "add-on-therapeutic"
    ),
    AdministrationFamily(
        "therapeutic, prophylactic or diagnostic injection (subcutaneous, intramuscular, "
        "intra-arterial)",
        "96372",
        "96373",
        None,
        None,
        None,
    ),
    AdministrationFamily(
        "therapeutic, prophylactic or diagnostic IV push",
        "96374",
        "96376",
        "0260",
        "IV therapy",
        "add-on-therapeutic",
    ),
    AdministrationFamily("other injection or infusion service", "96377", "96379", None, None, None),
    AdministrationFamily(
        "chemotherapy, subcutaneous or intramuscular",
        "96401",
        "96402",
        "0331",
        "chemotherapy administration, injected",
        None,
    ),
    AdministrationFamily(
        "chemotherapy, IV push or infusion",
        "96409",
        "96417",
        "0335",
        "chemotherapy administration, IV",
        "add-on-chemotherapy",
    ),
    AdministrationFamily(
        "chemotherapy, intra-arterial", "96420", "96425", None, None, "add-on-chemotherapy"
    ),
    AdministrationFamily(
        "chemotherapy, other routes and pump services", "96440", "96549", None, None, None
    ),
)

# Add-on administration code -> the primary codes it is reported with on the same date
# (CPT instructions; rule ids add-on-hydration, add-on-therapeutic, add-on-chemotherapy).
ADD_ON_PRIMARIES: Final[dict[str, tuple[str, ...]]] = {
    "96361": ("96360", "96365", "96374", "96409", "96413"),
    "96366": ("96365", "96367"),
    "96367": ("96365", "96374", "96409", "96413"),
    "96368": ("96365", "96366", "96413", "96415", "96416"),
    "96370": ("96369",),
    "96371": ("96369",),
    "96375": ("96365", "96374", "96409", "96413"),
    "96376": ("96365", "96374", "96409", "96413"),
    "96411": ("96409", "96413"),
    "96415": ("96413",),
    "96417": ("96413",),
    "96423": ("96422",),
}


def family_of(code: str) -> AdministrationFamily | None:
    """The drug administration family of a CPT code, or None for any other code."""
    return next((family for family in FAMILIES if family.holds(code)), None)


def is_add_on(code: str) -> bool:
    return code in ADD_ON_PRIMARIES


def add_on_rule(code: str) -> str:
    """The rule id that states the add-on code's primaries."""
    family = family_of(code)
    assert family is not None and family.add_on_rule is not None, code
    return family.add_on_rule


@dataclass(frozen=True)
class Pairing:
    """One add-on code among `codes`, and whether any of its primary codes is there too."""

    add_on: str
    primaries: tuple[str, ...]
    primary_present: bool

    @property
    def rule_id(self) -> str:
        return add_on_rule(self.add_on)


def pairings(codes: Iterable[str]) -> list[Pairing]:
    """The add-on codes in `codes`, in order, each with its primaries and whether one is
    listed."""
    listed = list(codes)
    return [
        Pairing(code, ADD_ON_PRIMARIES[code], any(p in listed for p in ADD_ON_PRIMARIES[code]))
        for code in listed
        if code in ADD_ON_PRIMARIES
    ]
