"""Billing units: the quantity one unit of a HCPCS drug code stands for, and dose -> units.

The quantity is read from the HCPCS long descriptor ("Injection, pertuzumab, 1 mg"). CMS
writes unit words many ways ("10 mg", "per 10 milligrams", "up to 250 mg", "1 microgram",
"per 1,000 usp units", "1 i.u.", "per single dose vial"), so each is normalized to one
spelling. A descriptor that names two quantities (a combination product, "10 mg/10 mg") or
a bound ("over 10 cc", "greater than 100 mg") has no single billing unit: it parses to None
rather than to a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
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
        return f"{prefix}{format_quantity(self.amount)} {unit}"


def format_quantity(amount: Decimal) -> str:
    """1000 -> "1,000"; 0.10 -> "0.1"; never scientific notation."""
    whole, _, fraction = f"{amount.normalize():f}".partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


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
