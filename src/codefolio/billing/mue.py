"""Medically Unlikely Edits: a units figure against a setting's MUE, and the rule its MAI
names.

The MUE is the most units of a code one provider reports for one patient on one date of
service. The MUE Adjudication Indicator (MAI) says how claims above it are handled; what
each value means is a rule of `billing.rules` (`mue-mai-1` to `mue-mai-3`).
"""

from __future__ import annotations

from dataclasses import dataclass

from codefolio.codes import MUE_SETTINGS as MUE_SETTINGS


def mai_rule_id(mai: int) -> str | None:
    """The rule that states what MAI `mai` means; None for a value CMS does not define."""
    return f"mue-mai-{mai}" if mai in (1, 2, 3) else None


@dataclass(frozen=True)
class MueComparison:
    units: int
    mue: int
    mai: int

    @property
    def within(self) -> bool:
        return self.units <= self.mue

    @property
    def date_of_service_edit(self) -> bool:
        """MAI 2 and 3 add every line of the code on the date; MAI 1 checks each line."""
        return self.mai in (2, 3)

    def __str__(self) -> str:
        relation = "within" if self.within else f"above, by {self.units - self.mue} units,"
        return f"{self.units} units are {relation} the MUE of {self.mue}"


def compare_to_mue(units: int, mue: int, mai: int) -> MueComparison:
    """`units` billed on one date of service (administered plus discarded) against the MUE."""
    return MueComparison(units=units, mue=mue, mai=mai)
