"""Claim lines for a drug and its administration, on the CMS-1500/837P and UB-04/837I.

Pure text builders: the numbers come from the worked example, so the lines a publication
prints and the figures in its text are the same values. X12 segments use the 005010
implementation guides' separators (`*` element, `:` component, `~` segment); the line
charge and the date of service are the practice's own, shown as placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

CHARGE: Final = "{charge}"
SERVICE_DATE: Final = "{date}"
DRUG_REVENUE_CODE: Final = "0636"  # NUBC: drugs requiring detailed coding (rule revenue-code-drug)


@dataclass(frozen=True)
class NdcReport:
    """The NDC as a claim reports it: 11 digits, unit qualifier and quantity."""

    ndc11: str
    qualifier: str
    quantity: Decimal

    @property
    def quantity_text(self) -> str:
        return format(self.quantity.normalize(), "f")

    @property
    def shaded_line(self) -> str:
        """CMS-1500 item 24 shaded line / UB-04 FL 43: `N4` + NDC, then qualifier + quantity."""
        return f"N4{self.ndc11} {self.qualifier}{self.quantity_text}"


@dataclass(frozen=True)
class ClaimLine:
    """One service line: a HCPCS or CPT code, an optional modifier, whole units, an NDC."""

    code: str
    units: int
    modifier: str | None = None
    ndc: NdcReport | None = None
    revenue_code: str | None = None  # institutional claims only

    @property
    def procedure(self) -> str:
        """The code with its modifier as the forms print it: `J9306 JZ`."""
        return f"{self.code} {self.modifier}" if self.modifier else self.code

    @property
    def _composite(self) -> str:
        return ":".join(["HC", self.code, *([self.modifier] if self.modifier else [])])


def segments_837p(lines: Sequence[ClaimLine], pointer: str) -> list[str]:
    """Loop 2400 per line (LX, SV1 with diagnosis pointer `pointer`, DTP service date) and
    loop 2410 (LIN, CTP) for a line with an NDC."""
    return _service_lines(
        lines,
        lambda line: segment("SV1", line._composite, CHARGE, "UN", line.units, "", "", pointer),
    )


def segments_837i(lines: Sequence[ClaimLine]) -> list[str]:
    """Loop 2400 per line (LX, SV2 with revenue code, DTP service date) and loop 2410 (LIN,
    CTP) for a line with an NDC."""
    return _service_lines(
        lines,
        lambda line: segment("SV2", line.revenue_code, line._composite, CHARGE, "UN", line.units),
    )


def _service_lines(lines: Sequence[ClaimLine], service: Callable[[ClaimLine], str]) -> list[str]:
    segments: list[str] = []
    for number, line in enumerate(lines, start=1):
        segments += [
            segment("LX", number),
            service(line),
            segment("DTP", "472", "D8", SERVICE_DATE),
        ]
        segments += _drug_identification(line)
    return segments


def _drug_identification(line: ClaimLine) -> list[str]:
    if line.ndc is None:
        return []
    return [
        segment("LIN", "", "N4", line.ndc.ndc11),
        segment("CTP", "", "", "", line.ndc.quantity_text, line.ndc.qualifier),
    ]


def segment(name: str, *elements: object) -> str:
    """One X12 segment; trailing empty elements are dropped, as the standard requires."""
    values = [name, *("" if value is None else str(value) for value in elements)]
    while values[-1] == "":
        values.pop()
    return "*".join(values) + "~"
