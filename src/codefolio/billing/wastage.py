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
from typing import Literal

from codefolio.billing.units import DoseUnits

Container = Literal["single-dose", "multiple-dose", "unknown"]


@dataclass(frozen=True)
class PackageSize:
    """One package (NDC) of the drug: its content in the billing unit's measure."""

    ndc: str
    content: Fraction
    container: Container


@dataclass(frozen=True)
class Draw:
    """Packages of one size opened for a dose: `count` of `package`."""

    package: PackageSize
    count: int

    @property
    def opened(self) -> Fraction:
        return self.count * self.package.content


@dataclass(frozen=True)
class Wastage:
    """What one dose takes from the packages, and the lines it is billed on.

    `draws` lists the package sizes opened, in the order given; the last draw holds the one
    package that is only partly used, whose remainder is discarded (every other package is
    given whole: a least-waste choice never discards as much as a whole package).
    """

    dose: DoseUnits
    draws: tuple[Draw, ...]
    discarded: Fraction  # in the billing unit's measure
    discarded_units: int  # units on the JW line

    @property
    def package(self) -> PackageSize:
        """The package whose remainder is discarded (the JW line's NDC)."""
        return self.draws[-1].package

    @property
    def packages_used(self) -> int:
        return sum(draw.count for draw in self.draws)

    @property
    def container(self) -> Container:
        """The containers' kind when all opened packages share it, else unknown."""
        kinds = {draw.package.container for draw in self.draws}
        return kinds.pop() if len(kinds) == 1 else "unknown"

    @property
    def modifier(self) -> Literal["JW", "JZ"] | None:
        """JW (a line for the discarded units), JZ (nothing billable discarded), or None
        where the container is multiple-dose or its kind is not known."""
        if self.container != "single-dose":
            return None
        return "JW" if self.discarded_units else "JZ"

    @property
    def opened(self) -> Fraction:
        return sum((draw.opened for draw in self.draws), Fraction(0))

    def administered_from(self, draw: Draw) -> Fraction:
        """The amount of the dose given from `draw`'s packages (the last draw's remainder
        is what is discarded)."""
        return draw.opened - (self.discarded if draw is self.draws[-1] else 0)


def _wastage(dose: DoseUnits, draws: Sequence[Draw]) -> Wastage:
    """JW units = the whole billing units the opened packages hold, less the units billed as
    administered; never negative, so the two lines never exceed the labelled amount."""
    used = tuple(draw for draw in draws if draw.count)
    opened = sum((draw.opened for draw in used), Fraction(0))
    label_units = math.floor(opened / Fraction(dose.billing_unit.amount))
    single = all(draw.package.container == "single-dose" for draw in used)
    return Wastage(
        dose=dose,
        draws=used,
        discarded=opened - dose.in_billing_measure,
        discarded_units=max(0, label_units - dose.units) if single else 0,
    )


def wastage(dose: DoseUnits, package: PackageSize) -> Wastage:
    """The dose drawn from as many packages of one size as it needs."""
    if package.content <= 0:
        raise ValueError(f"package {package.ndc} has no content")
    return _wastage(dose, [Draw(package, math.ceil(dose.in_billing_measure / package.content))])


# Above this many steps of the common measure the exact search gives way to one size per
# dose: a few package sizes and doses of a few thousand units stay far below it.
_MAX_STEPS = 200_000


def least_waste(dose: DoseUnits, packages: Sequence[PackageSize]) -> Wastage:
    """The packages that discard least, over all the sizes given together (a dose between
    two sizes may open one of each); on a tie the fewest packages, then the sizes listed
    first. Exact: amounts are counted in the largest measure dividing every size."""
    if not packages:
        raise ValueError("no package to draw the dose from")
    sizes = list(dict.fromkeys(packages))
    if any(size.content <= 0 for size in sizes):
        raise ValueError("a package has no content")
    scale = math.lcm(*(size.content.denominator for size in sizes))
    steps = [int(size.content * scale) for size in sizes]
    step = math.gcd(*steps)
    steps = [value // step for value in steps]
    target = math.ceil(dose.in_billing_measure * scale / step)
    limit = target + max(steps)
    if limit > _MAX_STEPS:
        options = [wastage(dose, size) for size in sizes]
        return min(options, key=lambda w: (w.discarded, w.packages_used))  # first of equals
    # fewest[t]: fewest packages holding exactly t steps, and the size index added last.
    fewest: list[tuple[int, int] | None] = [None] * (limit + 1)
    fewest[0] = (0, -1)
    for total in range(1, limit + 1):
        best: tuple[int, int] | None = None
        for index, value in enumerate(steps):
            before = fewest[total - value] if total >= value else None
            if before is not None and (best is None or before[0] + 1 < best[0]):
                best = (before[0] + 1, index)
        fewest[total] = best
    total = next(t for t in range(target, limit + 1) if fewest[t] is not None)
    counts = [0] * len(sizes)
    while total:
        found = fewest[total]
        assert found is not None
        counts[found[1]] += 1
        total -= steps[found[1]]
    draws = [Draw(size, count) for size, count in zip(sizes, counts, strict=True) if count]
    # The partly used package is the smallest opened: its remainder is the discarded amount.
    draws.sort(key=lambda draw: -draw.package.content)
    return _wastage(dose, draws)
