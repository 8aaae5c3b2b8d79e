"""Wastage (JW/JZ), MUE comparison and administration pairing, worked on real numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from codefolio.billing.claim_lines import ClaimLine, NdcReport, segments_837i, segments_837p
from codefolio.billing.mue import MAI_MEANINGS, compare_to_mue
from codefolio.billing.pairing import pairings
from codefolio.billing.units import BillingUnit, units_for_dose
from codefolio.billing.wastage import Container, PackageSize, least_waste, wastage


@pytest.mark.parametrize(
    ("dose", "unit", "package", "container", "used", "discarded", "jw", "modifier"),
    [
        # J9306 (1 mg): 840 mg from 420 mg single-dose vials: two whole vials, JZ.
        ("840", "1", "420", "single-dose", 2, "0", 0, "JZ"),
        ("420", "1", "420", "single-dose", 1, "0", 0, "JZ"),
        # J9355 (10 mg): 560 mg from 150 mg vials: the last vial is partly used, 4 units JW.
        ("560", "10", "150", "single-dose", 4, "40", 4, "JW"),
        # Per 10 mg, 77 mg from a 100 mg vial: 8 units administered (rounded up), 2 on JW.
        ("77", "10", "100", "single-dose", 1, "23", 2, "JW"),
        # 100 mg unit, 70 mg given: the one unit already bills the vial: no JW line, JZ.
        ("70", "100", "100", "single-dose", 1, "30", 0, "JZ"),
        # A multiple-dose vial gets neither modifier.
        ("560", "10", "150", "multiple-dose", 4, "40", 0, None),
        # Container not given: neither can be worked out.
        ("560", "10", "150", "unknown", 4, "40", 0, None),
    ],
)
def test_wastage(
    dose: str,
    unit: str,
    package: str,
    container: Container,
    used: int,
    discarded: str,
    jw: int,
    modifier: str | None,
) -> None:
    units = units_for_dose(Decimal(dose), "mg", BillingUnit(Decimal(unit), "mg"))
    result = wastage(units, PackageSize("00000-0000-00", Fraction(package), container))
    assert (result.packages_used, result.discarded, result.discarded_units, result.modifier) == (
        used,
        Fraction(discarded),
        jw,
        modifier,
    )
    # Administered plus discarded units never bill more than the opened packages hold.
    assert (units.units + result.discarded_units) * Fraction(unit) <= max(
        result.opened, units.units * Fraction(unit)
    )


def test_least_waste_picks_the_package_size_that_discards_least() -> None:
    units = units_for_dose(Decimal(500), "mg", BillingUnit(Decimal(10), "mg"))
    sizes = [
        PackageSize("00000-0000-01", Fraction(400), "single-dose"),
        PackageSize("00000-0000-02", Fraction(100), "single-dose"),
    ]
    chosen = least_waste(units, sizes)
    assert (chosen.package.ndc, chosen.packages_used, chosen.discarded) == ("00000-0000-02", 5, 0)


@pytest.mark.parametrize(
    ("units", "mue", "within", "text"),
    [
        (840, 840, True, "840 units are within the MUE of 840"),
        (900, 840, False, "900 units are above, by 60 units, the MUE of 840"),
    ],
)
def test_mue_comparison(units: int, mue: int, within: bool, text: str) -> None:
    comparison = compare_to_mue(units, mue, 3)
    assert (comparison.within, str(comparison)) == (within, text)
    assert comparison.meaning == MAI_MEANINGS[3]
    assert "appealed" in MAI_MEANINGS[3] and "absolute" in MAI_MEANINGS[2]
    assert "each line" in MAI_MEANINGS[1]


def test_add_on_codes_need_their_primary() -> None:
    found = {p.add_on: p.primary_present for p in pairings(["96413", "96415", "96417"])}
    assert found == {"96415": True, "96417": True}
    missing = pairings(["96415", "96417"])
    assert [(p.add_on, p.primaries, p.primary_present) for p in missing] == [
        ("96415", ("96413",), False),
        ("96417", ("96413",), False),
    ]
    # 96411 (IV push, additional drug) pairs with either initial code.
    assert pairings(["96409", "96411"])[0].primary_present
    assert pairings(["96413"]) == []


def test_837_segments_drop_trailing_empty_elements() -> None:
    ndc = NdcReport("50242014501", "ML", Decimal("28.000"))
    line = ClaimLine("J9306", 840, "JZ", ndc, revenue_code="0636")
    assert segments_837p([line], pointer="1")[1] == "SV1*HC:J9306:JZ*{charge}*UN*840***1~"
    assert segments_837p([line], pointer="")[1] == "SV1*HC:J9306:JZ*{charge}*UN*840~"
    assert segments_837i([line])[1:] == [
        "SV2*0636*HC:J9306:JZ*{charge}*UN*840~",
        "DTP*472*D8*{date}~",
        "LIN**N4*50242014501~",
        "CTP****28*ML~",
    ]
    assert ndc.shaded_line == "N450242014501 ML28"
