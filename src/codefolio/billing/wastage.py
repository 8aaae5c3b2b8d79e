"""Single-dose wastage: which packages a dose opens, what is discarded, and JW or JZ.

Medicare pays for the amount discarded from a single-dose container, up to the amount on
the label: the administered amount is rounded up to whole billing units, the discarded
amount is billed on its own line with JW in whole units rounded down, and a dose that leaves
nothing billable to discard carries JZ. Multiple-dose containers get neither modifier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

from codefolio.billing.units import DoseUnits

WASTAGE_RULE: Final = (
    "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 17, Section 40, and the CMS "
    "JW and JZ modifier policy FAQs: discarded drug from single-dose containers"
)

Container = Literal["single-dose", "multiple-dose", "unknown"]


@dataclass(frozen=True)
class PackageSize:
    """One package (NDC) of the drug: its content in the billing unit's measure."""

    ndc: str
    content: Fraction
    container: Container


@dataclass(frozen=True)
class Wastage:
    """What one dose takes from one package size, and the lines it is billed on."""

    dose: DoseUnits
    package: PackageSize
    packages_used: int
    discarded: Fraction  # in the billing unit's measure
    discarded_units: int  # units on the JW line

    @property
    def modifier(self) -> Literal["JW", "JZ"] | None:
        """JW (a line for the discarded units), JZ (nothing billable discarded), or None
        where the container is multiple-dose or its kind is not known."""
        if self.package.container != "single-dose":
            return None
        return "JW" if self.discarded_units else "JZ"

    @property
    def opened(self) -> Fraction:
        return self.packages_used * self.package.content


def wastage(dose: DoseUnits, package: PackageSize) -> Wastage:
    """The dose drawn from as many packages of one size as it needs.

    JW units = the whole billing units the opened packages hold, less the units billed as
    administered; never negative, so the two lines never exceed the labelled amount.
    """
    if package.content <= 0:
        raise ValueError(f"package {package.ndc} has no content")
    used = math.ceil(dose.in_billing_measure / package.content)
    opened = used * package.content
    label_units = math.floor(opened / Fraction(dose.billing_unit.amount))
    single = package.container == "single-dose"
    return Wastage(
        dose=dose,
        package=package,
        packages_used=used,
        discarded=opened - dose.in_billing_measure,
        discarded_units=max(0, label_units - dose.units) if single else 0,
    )


def least_waste(dose: DoseUnits, packages: Sequence[PackageSize]) -> Wastage:
    """Of the package sizes given, the one that discards least (then: fewest packages, then
    the first listed). Each worked example opens packages of one size, as one NDC per line."""
    if not packages:
        raise ValueError("no package to draw the dose from")
    options = [wastage(dose, package) for package in packages]
    return min(options, key=lambda w: (w.discarded, w.packages_used))  # first of equals
