"""Medically Unlikely Edits: a units figure against a setting's MUE, and what its MAI means.

The MUE is the most units of a code one provider reports for one patient on one date of
service. The MUE Adjudication Indicator (MAI) says how claims above it are handled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MUE_RULE: Final = (
    "CMS National Correct Coding Initiative, Medically Unlikely Edits (MUE) and MUE "
    "Adjudication Indicators (MAI)"
)

# The MUE tables by the setting they apply to (CMS publishes one file per setting).
MUE_SETTINGS: Final[dict[str, str]] = {
    "practitioner": "Practitioner",
    "outpatient_hospital": "Outpatient hospital",
    "dme_supplier": "DME supplier",
}

# What each MAI means for units above the MUE (CMS NCCI MUE program).
MAI_MEANINGS: Final[dict[int, str]] = {
    1: "a claim line edit: each line's units are checked against the MUE and a line above "
    "it is denied in full; further units on the same date go on their own lines with a "
    "modifier the documentation supports",
    2: "a date of service edit based on policy: the units of all lines of the code on the "
    "date of service are added and checked against the MUE; CMS treats it as an absolute "
    "limit, and units above it are denied",
    3: "a date of service edit based on clinical data: the units of all lines of the code "
    "on the date of service are added and checked against the MUE; units above it are "
    "denied, and the denial may be appealed with documentation of medical necessity",
}


@dataclass(frozen=True)
class MueComparison:
    units: int
    mue: int
    mai: int

    @property
    def within(self) -> bool:
        return self.units <= self.mue

    @property
    def meaning(self) -> str:
        return MAI_MEANINGS.get(self.mai, f"MAI {self.mai}, a value CMS does not define")

    def __str__(self) -> str:
        relation = "within" if self.within else f"above, by {self.units - self.mue} units,"
        return f"{self.units} units are {relation} the MUE of {self.mue}"


def compare_to_mue(units: int, mue: int, mai: int) -> MueComparison:
    """`units` billed on one date of service (administered plus discarded) against the MUE."""
    return MueComparison(units=units, mue=mue, mai=mai)
