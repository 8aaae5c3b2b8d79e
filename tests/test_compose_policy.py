"""Billing policy in publications: each rule stated only when in force on the as-of date,
cited by its id, and never contradicted by the worked claim lines."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from codefolio.billing.rules import require_rule
from codefolio.codes import DISTINCT_SERVICE_MODIFIERS
from codefolio.compose.model import MISSING_TEXT, Publication, Table
from tests.conftest import example_data, publish, rendered_texts
from tests.test_compose_billing import table, worked_text
from tests.test_compose_facts import section_text


def modifier_rows(publication: Publication) -> dict[str, list[str]]:
    rows = table(publication.section("modifiers"), "Modifiers").rows
    return {row.cells[0]: row.cells for row in rows}


def rule_ids(publication: Publication) -> set[str]:
    return {ref.ref for ref in publication.sources if ref.kind == "rule"}


def drug_lines(publication: Publication, code: str) -> list[list[str]]:
    """Every worked claim line of the drug itself, in both forms' tables."""
    lines = []
    for section_id, caption in (("claims-office", "CMS-1500"), ("claims-facility", "UB-04")):
        try:
            found: Table = table(publication.section(section_id), caption)
        except KeyError:
            continue
        lines += [row.cells for row in found.rows if any(c.startswith(code) for c in row.cells)]
    return lines


# JW and JZ: Medicare requirements by container and date


def test_single_dose_packages_show_jw_and_jz_as_medicare_requirements() -> None:
    publication = publish(example_data("J9306"))  # lists JW and 59, not JZ
    rows = modifier_rows(publication)
    assert (
        rows["JZ"][2] == "Not listed in the input; required by CMS policy where its rule applies."
    )
    assert rows["JZ"][3].startswith("Medicare Part B, in force from 2023-07-01: ")
    assert rows["JW"][3].startswith("Medicare Part B, in force from 2017-01-01: ")
    # The record's own usage text is kept beside the rule, so a difference is visible.
    assert "where the payer's guidance allows wastage to be billed" in rows["JW"][2]
    assert "Medicare Part B requires the discarded amount on its own claim line" in rows["JW"][3]
    assert {"jw-discarded-amount", "jz-nothing-discarded"} <= rule_ids(publication)
    # The worked line carries JZ, and the Modifiers section says so: no contradiction.
    assert "J9306-JZ × 840 units" in worked_text(publication)


def test_before_july_2023_no_jz_requirement_is_stated() -> None:
    publication = publish(example_data("J9306"), as_of=date(2023, 6, 30))
    assert "JZ" not in modifier_rows(publication)
    assert "jz-nothing-discarded" not in rule_ids(publication)
    text = worked_text(publication)
    assert "J9306-JZ" not in text
    assert "JZ is not required on the as-of date" in text
    assert "Claim line: J9306 × 840 units" in text
    assert "As of: 2023-06-30." in section_text(publication.section("summary"))


def test_multiple_dose_packages_get_neither_jw_nor_jz() -> None:
    data = example_data("J9306")
    data["drug"]["packages"][0]["single_dose"] = False
    publication = publish(data)
    rows = modifier_rows(publication)
    assert "JZ" not in rows  # not added from policy
    # The record lists JW: the rule shown beside it is that neither applies.
    assert rows["JW"][3].startswith("Medicare Part B, in force from 2017-01-01: Neither JW nor JZ")
    text = section_text(publication.section("modifiers"))
    assert "is a multiple-dose container, so neither JW nor JZ applies" in text
    assert "J9306-JZ" not in worked_text(publication)


# Procedure modifiers never on a drug line


def test_no_distinct_service_modifier_on_a_drug_line() -> None:
    data = example_data("J9306")
    data["modifiers"] += [{"code": code} for code in ("XS", "25")]
    publication = publish(data)
    lines = drug_lines(publication, "J9306")
    assert lines
    forbidden = {*DISTINCT_SERVICE_MODIFIERS, "25"}
    for cells in lines:
        assert not forbidden & set(" ".join(cells).split()), cells
    office = section_text(publication.section("claims-office"))
    assert "procedure modifiers (25, 59, XE, XS, XP, XU) never go on the drug line" in office
    assert "(JW and JZ; see Modifiers)" in office
    # The descriptor says where they do go: the administration line of an NCCI pair.
    assert "59 (or, as CMS prefers, XE, XS, XP or XU) only on the administration code" in office
    rows = modifier_rows(publication)
    assert "never go on a drug supply line" in rows["59"][3]
    assert "never go on it" in rows["25"][3]


# PO/PN: off-campus hospital departments only


def _sites(*places: str) -> dict[str, Any]:
    data = example_data("J9306")
    data["sites_of_service"] = [{"pos": pos} for pos in places]
    return data


def test_pos_19_lines_carry_po_or_pn_with_the_rule() -> None:
    publication = publish(_sites("19"))
    facility = section_text(publication.section("claims-facility"))
    assert "Place of Service 19 (off-campus department): Every UB-04 line" in facility
    assert "PO (excepted department) or PN (non-excepted department)" in facility
    assert {"PO", "PN"} <= set(modifier_rows(publication))
    assert "PO or PN on each line for Place of Service 19" in facility
    assert "opps-off-campus-po-pn" in rule_ids(publication)
    citation = require_rule("opps-off-campus-po-pn").citation
    assert "§20.6.11" in citation and "§20.6.12" in citation


def test_pos_22_lines_do_not_carry_po_or_pn() -> None:
    publication = publish(_sites("22"))
    facility = section_text(publication.section("claims-facility"))
    assert "PO (excepted" not in facility
    assert not {"PO", "PN"} & set(modifier_rows(publication))
    assert "opps-off-campus-po-pn" not in rule_ids(publication)


def test_po_pn_are_not_stated_before_2017() -> None:
    publication = publish(_sites("19"), as_of=date(2016, 12, 31))
    assert "PO (excepted" not in section_text(publication.section("claims-facility"))


# 340B: JG until 2024-12-31, TB from 2025


@pytest.mark.parametrize(
    ("as_of", "shown", "rule_id"),
    [
        (date(2024, 12, 31), {"JG", "TB"}, "340b-jg-tb"),
        (date(2025, 1, 1), {"TB"}, "340b-tb"),
    ],
)
def test_340b_modifier_by_date(as_of: date, shown: set[str], rule_id: str) -> None:
    publication = publish(_sites("22"), as_of=as_of)
    rows = modifier_rows(publication)
    assert {"JG", "TB"} & set(rows) == shown
    # Each is described from the HCPCS file, JG too although it ended on 2024-12-31.
    assert all(rows[code][1].startswith("Drug or biological acquired with 340b") for code in shown)
    assert rule_id in rule_ids(publication)
    facility = section_text(publication.section("claims-facility"))
    assert "340B-acquired drug: only if the hospital acquired the drug under the 340B" in facility


def test_no_340b_modifier_on_an_office_claim() -> None:
    publication = publish(_sites("11"))
    assert not {"JG", "TB"} & set(modifier_rows(publication))


# Administration families: every code in the lines, with its family's revenue code


def test_therapeutic_infusion_codes_appear_on_revenue_code_0260() -> None:
    data = _sites("11", "22")
    data["administration_codes"] = [{"code": "96365"}, {"code": "96366"}]
    publication = publish(data)
    ub04 = table(publication.section("claims-facility"), "UB-04").rows
    assert [row.cells[1:] for row in ub04[1:]] == [
        ["0260", "none (administration)", "96365", "1 (illustrative)"],
        ["0260", "none (administration)", "96366", "1 (illustrative)"],
    ]
    office = table(publication.section("claims-office"), "CMS-1500").rows
    assert [row.cells[2] for row in office[1:]] == ["96365", "96366"]
    pairings = section_text(publication.section("pairings"))
    assert "96366 is an add-on code, reported only together with 96365 or 96367" in pairings
    assert {"add-on-therapeutic", "revenue-code-administration"} <= rule_ids(publication)


def test_an_administration_code_without_a_standard_revenue_code_says_so() -> None:
    data = _sites("22")
    data["administration_codes"] = [{"code": "96372"}]
    publication = publish(data)
    ub04 = table(publication.section("claims-facility"), "UB-04").rows
    assert ub04[1].cells[1] == "{revenue}"
    assert "96372: the hospital's chargemaster revenue code" in section_text(
        publication.section("claims-facility")
    )


# Worked examples: least waste over every package size, one line per NDC


def _two_vials() -> dict[str, Any]:
    data = example_data("J9355")
    data["drug"]["packages"].append(
        {
            "ndc": "00000-0000-42",
            "description": "420 mg single-dose vial",
            "amount": 420,
            "unit": "mg",
            "single_dose": True,
            "ndc_unit": "UN",
            "ndc_quantity": 1,
        }
    )
    return data


def test_a_dose_between_two_vial_sizes_opens_one_of_each_with_a_line_per_ndc() -> None:
    publication = publish(_two_vials())
    text = worked_text(publication)
    assert (
        "It takes 1 package of 420 mg, NDC 00000-0000-42 (420 mg single-dose vial) and 1 "
        "package of 150 mg, NDC 50242-0132-01 (150 mg single-dose vial), 570 mg in all"
    ) in text
    assert "Claim lines: J9355 × 42 units, J9355 × 14 units, and J9355-JW × 1 unit" in text
    office = table(publication.section("claims-office"), "CMS-1500").rows
    assert [(row.cells[2], row.cells[4], row.cells[5]) for row in office[:3]] == [
        ("J9355", "42", "N400000000042 UN1"),
        ("J9355", "14", "N450242013201 UN0.933"),
        # The JW line carries the NDC of the package whose remainder was discarded.
        ("J9355 JW", "1", "N450242013201 UN0.067"),
    ]


# NDC quantity: ndc_unit/ndc_quantity, else concentration, else the description


def test_ndc_quantity_from_the_concentration_when_the_input_gives_no_ndc_quantity() -> None:
    data = example_data("J9306")
    package = data["drug"]["packages"][0]
    del package["ndc_unit"], package["ndc_quantity"]
    text = worked_text(publish(data))
    assert "on the line of 840 units N4 50242014501 ML 28" in text
    assert "NDC quantity from the package amount at the input's concentration" in text


def test_ndc_quantity_from_a_description_like_100_mg_per_4_ml() -> None:
    data = example_data("J9306")
    del data["drug"]["concentration"]
    package = data["drug"]["packages"][0]
    del package["ndc_unit"], package["ndc_quantity"]
    package["description"] = "420 mg/14 mL single-dose vial"
    publication = publish(data)
    text = worked_text(publication)
    assert "on the line of 840 units N4 50242014501 ML 28" in text
    assert "NDC quantity from the volume in the input's package description" in text
    packages = table(publication.section("coding_specifications"), "NDC packages")
    assert packages.rows[0].cells[5] == "ML 14 (the volume in the input's description)"
    assert "NDC quantity" not in section_text(publication.section("summary"))


def test_without_any_ndc_quantity_the_summary_lists_the_gap() -> None:
    data = example_data("J9306")
    del data["drug"]["concentration"]
    package = data["drug"]["packages"][0]
    del package["ndc_unit"], package["ndc_quantity"]
    package["description"] = "single-dose vial"
    publication = publish(data)
    assert f"unit qualifier and quantity: {MISSING_TEXT}" in worked_text(publication)
    assert "the NDC unit and quantity of NDC 50242014501" in section_text(
        publication.section("summary")
    )


# As-of date and data set editions


def test_as_of_date_in_a_shipped_asp_quarter_uses_it_without_a_flag() -> None:
    publication = publish(example_data("J9306"), as_of=date(2025, 11, 15))
    benchmarks = section_text(publication.section("benchmarks"))
    assert "$17.017 per 1 mg for the 2025q4 quarter" in benchmarks
    assert "ASP Medicare Part B Drug Payment Limits edition shipped" not in benchmarks
    summary = section_text(publication.section("summary"))
    # At the top: the summary's first paragraph.
    assert summary.splitlines()[2].startswith("As of: 2025-11-15.")


def test_as_of_date_in_2026q4_flags_the_newest_asp_quarter() -> None:
    publication = publish(example_data("J9306"), as_of=date(2026, 11, 27))
    expected = (
        "newest ASP Medicare Part B Drug Payment Limits edition shipped: 2026q1; as-of date "
        "is in 2026q4"
    )
    assert expected in section_text(publication.section("benchmarks"))
    assert expected in section_text(publication.section("review"))
    assert "ASP Medicare Part B Drug Payment Limits 2026q1" in section_text(
        publication.section("summary")
    )


# Review notes in every text format


def test_findings_show_in_a_review_notes_block_in_every_format() -> None:
    data = example_data("J9306")
    data["descriptor"] = "Injection, pertuzumab, per 1 mg"
    publication = publish(data)
    assert publication.findings
    for fmt, text in rendered_texts(publication).items():
        assert "Review notes" in text, fmt
        assert "descriptor: differs from the HCPCS Level II 2025-10 long descriptor" in text, fmt
    html = __import__("codefolio.render", fromlist=["render"]).render(publication, "html")
    assert b"Review notes" in html and b"differs from the HCPCS Level II" in html


# Meanings and related codes from the data


def test_coded_fields_are_printed_with_their_meaning() -> None:
    publication = publish(example_data("J9306"))
    overview = section_text(publication.section("overview"))
    assert "HCPCS Pricing indicator: 51 (drugs)" in overview
    assert "HCPCS BETOS: O1D (other: chemotherapy)" in overview
    assert "HCPCS Type of service: 1 (medical care)" in overview
    j9355 = section_text(publish(example_data("J9355")).section("overview"))
    assert (
        "HCPCS Type of service: 1, P (1: medical care; P: lump sum purchase of DME, "
        "prosthetics and orthotics)"
    ) in j9355
    assert "HCPCS Action code: N (no maintenance for this code)" in overview
    assert "hcpcs-record-layout" in rule_ids(publication)
    mue = table(publication.section("benchmarks"), "Medically Unlikely Edits").rows
    assert mue[0].cells[2] == "3 (Date of Service Edit: Clinical)"


def test_related_codes_of_the_same_molecule_come_from_the_hcpcs_file() -> None:
    publication = publish(example_data("J9355"))
    related = table(publication.section("pairings"), "Related codes").rows
    found = {row.cells[0]: row.cells[2] for row in related}
    expected = {"J9356", "Q5112", "Q5113", "Q5114", "Q5116", "Q5117", "Q5146"}
    assert expected <= set(found)
    # Another molecule whose name contains the word is not the same active ingredient.
    assert not {"J9354", "J9358", "J9355"} & set(found)
    # Quality-reporting G codes naming the drug are not drug codes.
    assert not any(code.startswith("G") for code in found)
    for code in expected:
        assert found[code].startswith("same active ingredient in the HCPCS file: Injection")
    text = section_text(publication.section("pairings"))
    assert "interchangeable" not in text.lower()
    j9306 = table(publish(example_data("J9306")).section("pairings"), "Related codes").rows
    assert "J9316" in {row.cells[0] for row in j9306}
