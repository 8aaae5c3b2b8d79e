"""Billing units: read from real HCPCS descriptors, and doses turned into whole units."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codefolio.billing.units import (
    BillingUnit,
    ConversionError,
    parse_billing_unit,
    parse_concentration,
    units_for_dose,
)
from codefolio.refdata import ReferenceData

D = Decimal

# (code, amount, unit, up_to) for descriptors read from the shipped HCPCS file.
PARSED = [
    ("J9306", "1", "mg", False),
    ("J9355", "10", "mg", False),
    ("J9035", "10", "mg", False),
    ("J9045", "50", "mg", False),
    ("J9201", "200", "mg", False),
    ("J9264", "1", "mg", False),
    ("J9271", "1", "mg", False),
    ("J9022", "10", "mg", False),
    ("J9312", "10", "mg", False),
    ("J2300", "10", "mg", False),  # per 10 mg
    ("J0640", "50", "mg", False),  # per 50 mg
    ("J7668", "10", "mg", False),  # per 10 milligrams
    ("J3230", "50", "mg", True),  # up to 50 mg
    ("J1730", "300", "mg", True),
    ("J2010", "300", "mg", True),
    ("J3420", "1000", "mcg", True),  # up to 1000 mcg
    ("J2540", "600000", "units", True),  # up to 600,000 units
    ("J0561", "100000", "units", False),  # 100,000 units
    ("J0725", "1000", "usp units", False),  # per 1,000 usp units
    ("J3472", "1000", "usp units", False),
    ("J1447", "1", "mcg", False),  # 1 microgram
    ("J2820", "50", "mcg", False),
    ("J7604", "1", "g", False),  # per gram
    ("J0295", "1.5", "g", False),  # per 1.5 gm
    ("J9318", "0.1", "mg", False),
    ("J7311", "0.01", "mg", False),
    ("J1325", "0.5", "mg", False),
    ("J7050", "250", "ml", False),  # 250 cc
    ("J7120", "1000", "ml", True),  # up to 1000 cc
    ("J7040", "500", "ml", False),  # (500 ml = 1 unit)
    ("Q9958", "1", "ml", False),  # a concentration, then per ml
    ("J1097", "1", "ml", False),
    ("J3060", "10", "units", False),
    ("J2724", "10", "iu", False),
    ("J7192", "1", "iu", False),  # per i.u.
    ("J7186", "1", "iu", False),  # per factor viii i.u.
    ("J0850", "1", "vial", False),  # per vial
    ("J9266", "1", "vial", False),  # per single dose vial
    ("J9015", "1", "vial", False),  # per single use vial
    ("J1411", "1", "therapeutic dose", False),
    ("Q4154", "1", "sq cm", False),  # per square centimeter
    ("J7335", "10", "sq cm", False),  # per 10 square centimeters
    ("Q2040", "1", "infusion", False),  # up to 250 million cells ..., per infusion
    ("A4642", "1", "study dose", False),  # per study dose, up to 6 millicuries
    ("Q0162", "1", "mg", False),  # quantity first, qualifiers after
    ("J9311", "10", "mg", False),  # rituximab 10 mg and hyaluronidase
    ("J9024", "5", "mg", False),
]

# Descriptors with no single billing unit: combinations, bounds, ratios, no quantity.
UNPARSED = ["J0138", "J2543", "J1560", "Q9991", "J3240", "J7620", "J9999", "J3265"]


@pytest.mark.parametrize(("code", "amount", "unit", "up_to"), PARSED)
def test_billing_unit_of_real_descriptors(
    refdata: ReferenceData, code: str, amount: str, unit: str, up_to: bool
) -> None:
    row = refdata.hcpcs(code)
    assert row is not None and row.pricing_indicator == "51"
    assert parse_billing_unit(row.long_description) == BillingUnit(D(amount), unit, up_to)


@pytest.mark.parametrize("code", UNPARSED)
def test_descriptors_without_one_billing_unit(refdata: ReferenceData, code: str) -> None:
    row = refdata.hcpcs(code)
    assert row is not None
    assert parse_billing_unit(row.long_description) is None


# Where the ASP crosswalk names the same quantity in other words, or states the cell count
# that the HCPCS descriptor caps ("per therapeutic dose, up to 200 million ... cells").
CROSSWALK_WORDING = {
    "J0725": "1000 UNITS",
    "J2724": "10 UNITS",
    "J7171": "10 UNITS",
    "J7186": "PER FACTOR VIII IU",
    "J9266": "1 EACH",
    "J9325": "1 million\xa0PFU",
    "Q2041": "UP TO 200 million CAR T cells",
    "Q2042": "UP TO 600 million CAR-positive viable T cells",
    "Q2053": "UP TO 200 million autologous anti-CD19 CAR positive viable T cells",
    "Q2055": "UP TO 510 million autologous anti-BCMA CAR-positive viable T cells",
    "Q2056": "UP TO 100 million autologous b-cell maturation antigen (bcma) directed "
    "car-positive t cells",
}


def test_every_drug_descriptor_agrees_with_the_asp_crosswalk(refdata: ReferenceData) -> None:
    """An outside check over the whole HCPCS file: for every drug code (pricing indicator 51)
    the ASP NDC-HCPCS crosswalk also lists, the parsed unit is the crosswalk's HCPCS dosage."""
    drugs = [
        row
        for code in refdata.known_codes("hcpcs")
        if (row := refdata.hcpcs(code)) is not None and row.pricing_indicator == "51"
    ]
    parsed = {row.code: unit for row in drugs if (unit := parse_billing_unit(row.long_description))}
    assert len(drugs) == 1568 and len(parsed) == 1516  # HCPCS 2025-10; see the README
    compared, differing = 0, {}
    for code, unit in parsed.items():
        packages = refdata.ndc_packages(code)
        if not packages:
            continue
        compared += 1
        dosage = packages[0].hcpcs_dosage
        stated = parse_billing_unit(f"x, {dosage.lower()}")
        if stated is None or (stated.amount, stated.unit) != (unit.amount, unit.unit):
            differing[code] = dosage
    assert compared > 750
    assert differing == CROSSWALK_WORDING


@pytest.mark.parametrize(
    ("amount", "unit", "billing", "units", "rounded"),
    [
        ("840", "mg", "1 mg", 840, False),
        ("420", "mg", "1 mg", 420, False),
        ("560", "mg", "10 mg", 56, False),
        ("375", "mg", "10 mg", 38, True),  # 37.5 rounds up
        ("77", "mg", "per 10 mg", 8, True),
        ("7", "mg", "10 mg", 1, True),  # less than a unit is still one unit
        ("1", "g", "1 mg", 1000, False),  # grams to milligrams
        ("0.5", "g", "100 mg", 5, False),
        ("300", "mcg", "1 mg", 1, True),  # micrograms to milligrams
        ("2.5", "mg", "1 mcg", 2500, False),
        ("70", "mg", "up to 50 mg", 2, True),
        ("600000", "units", "up to 600,000 units", 1, False),
    ],
)
def test_dose_to_units(amount: str, unit: str, billing: str, units: int, rounded: bool) -> None:
    billing_unit = parse_billing_unit(billing)
    assert billing_unit is not None
    result = units_for_dose(D(amount), unit, billing_unit)
    assert (result.units, result.rounded) == (units, rounded)


def test_millilitres_convert_through_the_concentration() -> None:
    per_mg = BillingUnit(D(1), "mg")
    concentration = parse_concentration("420 mg/14 mL")
    assert units_for_dose(D(28), "mL", per_mg, concentration).units == 840
    per_ml = BillingUnit(D(1), "ml")
    assert units_for_dose(D(840), "mg", per_ml, concentration).units == 28
    # 100 mg in 3 mL: exact fractions, so 100 mg is exactly 3 mL, not 3.000...1 -> 4.
    third = parse_concentration("100 mg/3 mL")
    assert units_for_dose(D(100), "mg", per_ml, third).units == 3


@pytest.mark.parametrize(
    ("amount", "unit", "billing", "message"),
    [
        ("28", "mL", "1 mg", "needs the drug's concentration"),
        ("10", "units", "1 mg", "units cannot be converted to mg"),
        ("1", "tablets", "1 mg", "'tablets' is not a unit"),
    ],
)
def test_doses_that_cannot_be_converted(amount: str, unit: str, billing: str, message: str) -> None:
    billing_unit = parse_billing_unit(billing)
    assert billing_unit is not None
    with pytest.raises(ConversionError, match=message):
        units_for_dose(D(amount), unit, billing_unit)


@pytest.mark.parametrize("text", ["30 mg", "mg/mL", "0 mg/mL", "30 mg/0 mL"])
def test_bad_concentrations(text: str) -> None:
    with pytest.raises(ConversionError):
        parse_concentration(text)


POSITIVE = st.decimals(min_value=D("0.001"), max_value=D("100000"), places=3)
UNITS = st.builds(
    BillingUnit,
    st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2),
    st.sampled_from(["mg", "mcg", "g"]),
    st.booleans(),
)


@given(POSITIVE, st.sampled_from(["mg", "mcg", "g"]), UNITS)
def test_units_are_whole_cover_the_dose_and_never_exceed_it_by_a_unit(
    amount: Decimal, unit: str, billing_unit: BillingUnit
) -> None:
    result = units_for_dose(amount, unit, billing_unit)
    assert isinstance(result.units, int) and result.units >= 1
    covered = result.units * Fraction(billing_unit.amount)
    assert covered >= result.in_billing_measure  # units x unit size covers the dose
    assert result.units == 1 or covered - Fraction(billing_unit.amount) < result.in_billing_measure
    assert result.units == max(1, math.ceil(result.exact))
