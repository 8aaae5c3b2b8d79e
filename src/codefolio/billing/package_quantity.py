"""How much of its NDC unit one package holds, for the NDC quantity on a claim line.

Shared by the publications' worked examples and the claim checker, so both read a
package's quantity the same way. Pure: it takes any object with a package's fields.
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal
from typing import Literal, Protocol

from codefolio.billing.units import Concentration, ConversionError, convert, round_half_up

QuantityOrigin = Literal["ndc_unit", "concentration", "description"]

# "100 mg/4 mL single-dose vial": the package's volume, when the input gives no NDC quantity.
_DESCRIBED_VOLUME = re.compile(
    r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s*[a-z]+\s*/\s*(?P<volume>\d[\d,]*(?:\.\d+)?)\s*ml\b",
    re.IGNORECASE,
)


class PackageFields(Protocol):
    """The fields of an input package this reads (a record's `drug.packages[]` item)."""

    @property
    def description(self) -> str | None: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def ndc_unit(self) -> str | None: ...
    @property
    def ndc_quantity(self) -> Decimal | None: ...


def package_ndc_quantity(
    package: PackageFields, concentration: Concentration | None
) -> tuple[str, Decimal, QuantityOrigin] | None:
    """The NDC unit and quantity of one package, and where they come from: the input's
    `ndc_unit`/`ndc_quantity`, else the package amount at the drug's concentration (in mL),
    else the volume of a description such as `100 mg/4 mL`; None when none gives them."""
    if package.ndc_unit and package.ndc_quantity:
        return package.ndc_unit, package.ndc_quantity, "ndc_unit"
    if concentration and package.amount and package.unit:
        with contextlib.suppress(ConversionError):
            volume = convert(package.amount, package.unit, "ml", concentration)
            quantity = round_half_up(volume, 3)
            return "ML", quantity.normalize(), "concentration"
    described = _DESCRIBED_VOLUME.search(package.description or "")
    if described:
        return "ML", Decimal(described["volume"].replace(",", "")), "description"
    return None
