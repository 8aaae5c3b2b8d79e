"""Billing units: the quantity one unit of a HCPCS drug code stands for, and dose -> units.

The quantity is read from the HCPCS long descriptor ("Injection, pertuzumab, 1 mg"). CMS
writes unit words many ways ("10 mg", "per 10 milligrams", "up to 250 mg", "1 microgram",
"per 1,000 usp units", "1 i.u.", "per single dose vial"), so each is normalized to one
spelling. A descriptor that names two quantities (a combination product, "10 mg/10 mg") or
a bound ("over 10 cc", "greater than 100 mg") has no single billing unit: it parses to None
rather than to a guess.
"""

from __future__ import annotations

import math
import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext, localcontext
from fractions import Fraction
from typing import Final

# Spelling in a descriptor -> the one spelling codefolio uses.
UNIT_WORDS: Final[dict[str, str]] = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "mcg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "g": "g",
    "gm": "g",
    "gram": "g",
    "grams": "g",
    "ml": "ml",
    "cc": "ml",
    "milliliter": "ml",
    "milliliters": "ml",
    "unit": "units",
    "units": "units",
    "usp unit": "usp units",
    "usp units": "usp units",
    "kiu": "kiu",
    "i.u.": "iu",
    "iu": "iu",
    "factor viii i.u.": "iu",
    "meq": "meq",
    "mci": "mci",
    "millicurie": "mci",
    "millicuries": "mci",
    "microcurie": "uci",
    "microcuries": "uci",
    "uci": "uci",
    "million units": "million units",
    "million plaque forming units": "million plaque forming units",
    "billion vector genomes": "billion vector genomes",
    "vial": "vial",
    "single use vial": "vial",
    "single dose vial": "vial",
    "dose": "dose",
    "therapeutic dose": "therapeutic dose",
    "treatment dose": "treatment dose",
    "study dose": "study dose",
    "study": "study",
    "treatment": "treatment",
    "infusion": "infusion",
    "instillation": "instillation",
    "implant": "implant",
    "square centimeter": "sq cm",
    "square centimeters": "sq cm",
    "square cenitmeter": "sq cm",  # CMS's spelling in Q4208 and Q4314
    "sq cm": "sq cm",
}

_SINGULAR: Final = {"units": "unit", "usp units": "usp unit"}
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+"
_WORDS = "|".join(sorted((re.escape(w) for w in UNIT_WORDS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.])(?:(?P<prefix>per|up to)\s+)?(?P<amount>{_NUMBER})?\s*(?P<unit>{_WORDS})"
    r"(?P<after>/)?(?![\w.])",
    re.IGNORECASE,
)
# Words that make the quantity after them a bound, not a unit ("over 10 cc").
_BOUND = re.compile(r"(?:over|than|to|in|exceed)\s*$", re.IGNORECASE)
# "(500 ml = 1 unit)": CMS states the unit in a parenthesis for IV solutions.
_EQUALS_ONE_UNIT = re.compile(rf"\((?P<amount>{_NUMBER})\s*(?P<unit>{_WORDS})\s*=\s*1 unit\)")
_PARENTHESIS = re.compile(r"\([^()]*\)")
# A concentration ("10.16 mg/ml") describes the product, not the billing unit.
_CONCENTRATION = re.compile(
    rf"(?:up to\s+)?(?:{_NUMBER})\s*(?:{_WORDS})\s*/\s*(?:ml|cc)\b", re.IGNORECASE
)
# Commas and semicolons separate parts, except the thousands comma in "100,000 units".
_PARTS = re.compile(r"[;,](?!\d{3}\b)")


@dataclass(frozen=True)
class BillingUnit:
    """One billing unit of a code: `amount` of `unit`; `up_to` for "up to 250 mg" codes."""

    amount: Decimal
    unit: str
    up_to: bool = False

    def __str__(self) -> str:
        prefix = "up to " if self.up_to else ""
        unit = _SINGULAR.get(self.unit, self.unit) if self.amount == 1 else self.unit
        return f"{prefix}{format_quantity(self.amount, places=12)} {unit}"


def format_quantity(amount: Decimal | Fraction, places: int = 3) -> str:
    """1000 -> "1,000"; 0.10 -> "0.1"; 10/3 -> "3.333"; never scientific notation."""
    with _precision_for(amount, places):
        whole, _, fraction = f"{round_half_up(amount, places).normalize():f}".partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def round_half_up(amount: Decimal | Fraction, places: int) -> Decimal:
    """`amount` to `places` decimals, rounding half up, however many digits it has: the
    product of a large dose and a fine billing unit can exceed the default 28 digits."""
    with _precision_for(amount, places):
        if isinstance(amount, Fraction):
            amount = Decimal(amount.numerator) / Decimal(amount.denominator)
        return amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _precision_for(amount: Decimal | Fraction, places: int) -> AbstractContextManager[Context]:
    """A decimal context precise enough for `amount`'s whole digits and `places` more."""
    if isinstance(amount, Fraction):
        bits = abs(amount.numerator).bit_length() - amount.denominator.bit_length()
        whole_digits = max(bits, 0) * 30103 // 100000 + 2
    else:
        whole_digits = max(amount.adjusted(), 0) + 2 if amount.is_finite() else 0
    return localcontext(prec=max(getcontext().prec, whole_digits + places + 2))


def parse_billing_unit(descriptor: str) -> BillingUnit | None:
    """The billing unit a HCPCS long descriptor states, or None when it states no single one.

    The quantity is usually last ("Injection, pertuzumab, 1 mg") but can be followed by
    qualifiers ("10 mg, oral, ..."), so the whole descriptor is searched, and it must name
    exactly one quantity. Text in parentheses is a drug name or a note, except
    "(500 ml = 1 unit)".
    """
    text = " ".join(descriptor.split())
    stated = _EQUALS_ONE_UNIT.search(text)
    if stated:
        return _unit(stated["amount"], stated["unit"], None)
    text = _CONCENTRATION.sub(" ", _PARENTHESIS.sub(" ", text))
    found = []
    for part in _PARTS.split(text):
        for quantity in _QUANTITY.finditer(part):
            if quantity["amount"] is None and quantity["prefix"] is None:
                continue  # a bare word ("dose preparation"), not a quantity
            before = part[: quantity.start()]
            if quantity["after"] or before.endswith("/") or _BOUND.search(before):
                return None  # a ratio of two quantities, or a bound
            found.append(quantity)
    per = [q for q in found if (q["prefix"] or "").lower() == "per"]
    if len(found) > 1 and len(per) == 1 and all(q["prefix"] for q in found):
        found = per  # "per study dose, up to 6 millicuries": the unit is the study dose
    if len(found) != 1:
        return None  # none, or a combination product ("10 mg and ... 3 mg")
    return _unit(found[0]["amount"], found[0]["unit"], found[0]["prefix"])


def _unit(amount: str | None, word: str, prefix: str | None) -> BillingUnit:
    return BillingUnit(
        amount=Decimal(amount.replace(",", "")) if amount else Decimal(1),
        unit=UNIT_WORDS[word.lower()],
        up_to=(prefix or "").lower() == "up to",
    )


class ConversionError(ValueError):
    """A quantity cannot be expressed in the billing unit's measure; the message says why."""


# Mass units in milligrams: the only units codefolio converts between without a concentration.
_MILLIGRAMS: Final[dict[str, Decimal]] = {
    "g": Decimal(1000),
    "mg": Decimal(1),
    "mcg": Decimal("0.001"),
}
_CONCENTRATION_TEXT = re.compile(
    rf"^\s*(?P<amount>{_NUMBER})\s*(?P<unit>[a-z.µ ]+?)\s*/\s*(?P<volume>{_NUMBER})?\s*"
    r"(?P<volume_unit>ml|cc|milliliters?)\s*$",
    re.IGNORECASE,
)


def unit_word(text: str) -> str:
    """The one spelling of a unit word ("milligrams" -> "mg"); ConversionError if unknown."""
    word = " ".join(text.lower().split())
    if word not in UNIT_WORDS:
        raise ConversionError(
            f"{text!r} is not a unit codefolio knows (mg, mcg, g, ml, units, ...)"
        )
    return UNIT_WORDS[word]


@dataclass(frozen=True)
class Concentration:
    """`amount` of `unit` in `volume` millilitres, e.g. 420 mg in 14 ml (30 mg/ml)."""

    amount: Decimal
    unit: str
    volume: Decimal = Decimal(1)

    @property
    def per_ml(self) -> Fraction:
        return Fraction(self.amount) / Fraction(self.volume)

    def __str__(self) -> str:
        volume = "" if self.volume == 1 else f"{format_quantity(self.volume)} "
        return f"{format_quantity(self.amount)} {self.unit}/{volume}ml"


def parse_concentration(text: str) -> Concentration:
    """ "30 mg/mL" or "420 mg/14 mL" -> 30 mg per ml; ConversionError when it is neither."""
    found = _CONCENTRATION_TEXT.match(text)
    if not found:
        raise ConversionError(
            f"{text!r} is not a concentration; write it as amount unit/mL, e.g. 30 mg/mL "
            "or 420 mg/14 mL"
        )
    volume = Decimal(found["volume"].replace(",", "")) if found["volume"] else Decimal(1)
    amount = Decimal(found["amount"].replace(",", ""))
    if volume <= 0 or amount <= 0:
        raise ConversionError(f"{text!r}: a concentration needs a positive amount and volume")
    return Concentration(amount=amount, unit=unit_word(found["unit"]), volume=volume)


def convert(
    amount: Fraction | Decimal, unit: str, target: str, concentration: Concentration | None = None
) -> Fraction:
    """`amount` of `unit` expressed in `target`: mass to mass, and mL to mass (or back)
    through the concentration. Anything else is a ConversionError naming what is missing.

    Exact fractions, so that 100 mg at 100 mg/3 mL is exactly 3 mL, never 3.0000...1.
    """
    amount = Fraction(amount)
    unit, target = unit_word(unit), unit_word(target)
    if unit == target:
        return amount
    if unit in _MILLIGRAMS and target in _MILLIGRAMS:
        return amount * Fraction(_MILLIGRAMS[unit]) / Fraction(_MILLIGRAMS[target])
    if "ml" in (unit, target):
        other = target if unit == "ml" else unit
        if concentration is None:
            raise ConversionError(
                f"converting {unit} to {target} needs the drug's concentration "
                "(drug.concentration, e.g. 30 mg/mL), which the input does not give"
            )
        per_ml = convert(concentration.per_ml, concentration.unit, other)
        return amount * per_ml if unit == "ml" else amount / per_ml
    raise ConversionError(f"{unit} cannot be converted to {target}")


@dataclass(frozen=True)
class DoseUnits:
    """A dose in billing units: `exact` is the quotient, `units` the whole units billed."""

    amount: Decimal
    unit: str
    in_billing_measure: Fraction
    billing_unit: BillingUnit
    exact: Fraction
    units: int

    @property
    def rounded(self) -> bool:
        return self.exact != self.units


def units_for_dose(
    amount: Decimal,
    unit: str,
    billing_unit: BillingUnit,
    concentration: Concentration | None = None,
) -> DoseUnits:
    """Billing units for a dose: the dose in the billing unit's measure, divided by the
    unit's amount, rounded up to a whole unit (rule `units-round-up`). Always at least 1."""
    if amount <= 0:
        raise ConversionError(f"a dose must be positive, not {amount}")
    measure = convert(amount, unit, billing_unit.unit, concentration)
    exact = measure / Fraction(billing_unit.amount)
    return DoseUnits(
        amount=amount,
        unit=unit_word(unit),
        in_billing_measure=measure,
        billing_unit=billing_unit,
        exact=exact,
        units=max(1, math.ceil(exact)),
    )
