"""Wastage (JW/JZ), MUE comparison and administration pairing, worked on real numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from codefolio.billing.claim_lines import ClaimLine, NdcReport, segments_837i, segments_837p
from codefolio.billing.mue import compare_to_mue, mai_rule_id
from codefolio.billing.pairing import ADD_ON_PRIMARIES, FAMILIES, add_on_rule, family_of, pairings
from codefolio.billing.rules import RULES, require_rule, rule_rows, rules_in_force
from codefolio.billing.units import BillingUnit, units_for_dose
from codefolio.billing.wastage import Container, PackageSize, least_waste, wastage
from codefolio.refdata import ReferenceData


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
    # 400 + 100 discards nothing, as 5 x 100 does, with 2 packages instead of 5.
    assert [(d.package.ndc, d.count) for d in chosen.draws] == [
        ("00000-0000-01", 1),
        ("00000-0000-02", 1),
    ]
    assert (chosen.packages_used, chosen.discarded) == (2, 0)


def test_least_waste_combines_two_vial_sizes_for_a_dose_between_them() -> None:
    # Trastuzumab 560 mg from 150 mg and 420 mg vials: 420 + 150 = 570 discards 10 mg,
    # where 4 x 150 discards 40 mg and 2 x 420 discards 280 mg.
    units = units_for_dose(Decimal(560), "mg", BillingUnit(Decimal(10), "mg"))
    sizes = [
        PackageSize("00000-0000-15", Fraction(150), "single-dose"),
        PackageSize("00000-0000-42", Fraction(420), "single-dose"),
    ]
    chosen = least_waste(units, sizes)
    assert [(d.package.ndc, d.count) for d in chosen.draws] == [
        ("00000-0000-42", 1),
        ("00000-0000-15", 1),
    ]
    assert (chosen.discarded, chosen.discarded_units, chosen.modifier) == (10, 1, "JW")
    # The partly used package, whose remainder is discarded, is the JW line's NDC.
    assert chosen.package.ndc == "00000-0000-15"
    assert chosen.administered_from(chosen.draws[0]) == 420
    assert chosen.administered_from(chosen.draws[1]) == 140


def test_least_waste_prefers_fewest_packages_on_a_tie() -> None:
    units = units_for_dose(Decimal(300), "mg", BillingUnit(Decimal(1), "mg"))
    sizes = [
        PackageSize("00000-0000-01", Fraction(100), "single-dose"),
        PackageSize("00000-0000-03", Fraction(300), "single-dose"),
    ]
    chosen = least_waste(units, sizes)
    assert [(d.package.ndc, d.count) for d in chosen.draws] == [("00000-0000-03", 1)]


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
    assert comparison.date_of_service_edit and not compare_to_mue(1, 1, 1).date_of_service_edit


def test_mai_rules_say_what_is_denied() -> None:
    """MAI 1 denies the line whole; MAI 2 and 3 add every line of the date and deny them
    all (NCCI MUE adjudication indicators)."""
    line = require_rule(mai_rule_id(1) or "").statement
    assert "claim line edit" in line and "denied whole" in line
    for mai in (2, 3):
        statement = require_rule(mai_rule_id(mai) or "").statement
        assert "all lines of the code on the date of service are added" in statement
        assert "all those lines are denied" in statement
        assert "units above it are denied" not in statement
    assert "absolute" in require_rule("mue-mai-2").statement
    assert "appealed" in require_rule("mue-mai-3").statement
    assert mai_rule_id(9) is None


@pytest.mark.parametrize(
    ("rule_id", "cited"),
    [
        # The CY 2024 OPPS/ASC final rule finalized one 340B modifier (TB) from 2025-01-01.
        ("340b-tb", "CMS-1786-FC"),
        ("340b-jg-tb", "CMS-1678-FC"),
        # The round-up rule is stated in words by Recovery Audit Program issue 0074.
        ("units-round-up", "approved issue 0074"),
    ],
)
def test_rules_cite_the_document_that_states_them(rule_id: str, cited: str) -> None:
    assert cited in require_rule(rule_id).citation


def test_every_rule_is_cited_scoped_and_dated_on_quarter_boundaries() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.sources and all(s.document and s.section for s in rule.sources)
        assert rule.scope in ("Medicare Part B", "Medicare OPPS", "general")
        # The catalogue rebuilds by the quarter of its as-of date: rules change only there.
        if rule.in_force_from:
            assert rule.in_force_from.day == 1 and rule.in_force_from.month in (1, 4, 7, 10)
        if rule.in_force_until:
            end = rule.in_force_until
            assert (end.month, end.day) in ((3, 31), (6, 30), (9, 30), (12, 31))
    assert [row["id"] for row in rule_rows()] == ids


@pytest.mark.parametrize(
    ("day", "in_force", "not_in_force"),
    [
        (
            date(2023, 6, 30),
            {"jw-discarded-amount", "340b-jg-tb"},
            {"jz-nothing-discarded", "340b-tb"},
        ),
        (date(2023, 7, 1), {"jw-discarded-amount", "jz-nothing-discarded"}, {"340b-tb"}),
        (date(2024, 12, 31), {"340b-jg-tb"}, {"340b-tb"}),
        (date(2025, 1, 1), {"340b-tb", "jz-nothing-discarded"}, {"340b-jg-tb"}),
        (date(2016, 12, 31), set(), {"jw-discarded-amount", "opps-off-campus-po-pn"}),
    ],
)
def test_rules_in_force_by_date(day: date, in_force: set[str], not_in_force: set[str]) -> None:
    ids = {rule.id for rule in rules_in_force(day)}
    assert in_force <= ids and not (not_in_force & ids)


def test_rule_dates_agree_with_the_hcpcs_modifier_file(refdata: ReferenceData) -> None:
    """JG ended and TB took over on the dates the shipped HCPCS modifier file gives."""
    jg, tb, jz = refdata.modifier("JG"), refdata.modifier("TB"), refdata.modifier("JZ")
    assert jg and tb and jz
    assert jg.termination_date == require_rule("340b-jg-tb").in_force_until
    assert tb.effective_date == require_rule("340b-tb").in_force_from
    assert jz.add_date and jz.add_date <= require_rule("jz-nothing-discarded").in_force_from  # type: ignore[operator]


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


@pytest.mark.parametrize(
    ("add_on", "primary", "rule_id"),
    [
        ("96361", "96360", "add-on-hydration"),
        ("96366", "96365", "add-on-therapeutic"),
        ("96367", "96365", "add-on-therapeutic"),
        ("96368", "96365", "add-on-therapeutic"),
        ("96375", "96374", "add-on-therapeutic"),
        ("96376", "96374", "add-on-therapeutic"),
        ("96411", "96409", "add-on-chemotherapy"),
        ("96415", "96413", "add-on-chemotherapy"),
        ("96417", "96413", "add-on-chemotherapy"),
        ("96423", "96422", "add-on-chemotherapy"),
    ],
)
def test_every_add_on_pair_is_cited_by_its_family_rule(
    add_on: str, primary: str, rule_id: str
) -> None:
    assert primary in ADD_ON_PRIMARIES[add_on]
    assert add_on_rule(add_on) == rule_id
    # The rule's own words name the pair, so the publication and the checker agree.
    statement = require_rule(rule_id).statement
    assert add_on in statement and primary in statement


def test_every_add_on_code_is_stated_by_its_rule() -> None:
    for add_on, primaries in ADD_ON_PRIMARIES.items():
        statement = require_rule(add_on_rule(add_on)).statement
        assert add_on in statement and all(p in statement for p in primaries)


@pytest.mark.parametrize(
    ("code", "revenue"),
    [
        ("96360", "0260"),
        ("96361", "0260"),
        ("96365", "0260"),
        ("96366", "0260"),
        ("96374", "0260"),
        ("96401", "0331"),
        ("96409", "0335"),
        ("96413", "0335"),
        ("96417", "0335"),
        ("96372", None),
        ("96450", None),
    ],
)
def test_revenue_code_by_family(code: str, revenue: str | None) -> None:
    family = family_of(code)
    assert family is not None and family.revenue_code == revenue
    if revenue:
        assert revenue in require_rule("revenue-code-administration").statement
    assert family_of("J9306") is None and family_of("99213") is None
    assert len({f.first for f in FAMILIES}) == len(FAMILIES)


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
