"""Coding Specifications worked examples and Claim Appearance lines: one set of numbers."""

from __future__ import annotations

from typing import Any

import pytest

from codefolio.compose.model import MISSING_TEXT, Publication, Section, Table
from codefolio.records.model import CodeRecord
from codefolio.refdata import ReferenceData
from codefolio.validation import check_record
from tests.conftest import example_data, publish
from tests.test_compose_facts import section_text


def table(section: Section, caption_start: str) -> Table:
    for block in section.blocks:
        if block.type == "table" and block.caption.startswith(caption_start):
            return block
    raise AssertionError(f"no table {caption_start!r} in {section.id}")


def worked_text(publication: Publication) -> str:
    return section_text(publication.section("coding_specifications"))


def test_j9306_worked_examples() -> None:
    text = worked_text(publish(example_data("J9306")))
    loading = (
        "Worked example, Loading dose: 840 mg ÷ 1 mg = 840 units. It takes 2 packages of "
        "420 mg, NDC 50242-0145-01 (420 mg/14 mL single-dose vial), 840 mg in all; nothing is "
        "discarded, so the administered line carries JZ (Zero drug amount discarded/not "
        "administered to any patient). Claim line: J9306-JZ × 840 units. NDC on the claim (the "
        "line's amount in the package's NDC unit): on the line of 840 units N4 50242014501 "
        "ML 28. MUE: 840 units of J9306 on the date of service are within the Practitioner and "
        "Outpatient hospital MUEs of 840 (MAI 3)."
    )
    maintenance = (
        "Worked example, Maintenance dose, every 3 weeks: 420 mg ÷ 1 mg = 420 units. It takes "
        "1 package of 420 mg, NDC 50242-0145-01 (420 mg/14 mL single-dose vial), 420 mg in "
        "all; nothing is discarded, so the administered line carries JZ (Zero drug amount "
        "discarded/not administered to any patient). Claim line: J9306-JZ × 420 units."
    )
    assert loading in text
    assert maintenance in text
    assert "Billing unit: one unit of J9306 = 1 mg" in text
    assert "rounded up to the next whole unit" in text
    # What MAI 3 means is said once, under the examples, not in each of them.
    assert text.count("MAI 3 is a date of service edit") == 1
    assert "all those lines are denied" in text and "units above it are denied" not in text


def test_claim_lines_carry_the_worked_numbers() -> None:
    publication = publish(example_data("J9355"))
    text = worked_text(publication)
    assert "560 mg ÷ 10 mg = 56 units" in text
    assert "Claim lines: J9355 × 56 units and J9355-JW × 4 units" in text
    assert (
        "on the line of 56 units N4 50242013201 UN 3.733; on the JW line N4 50242013201 UN 0.267"
    ) in text
    office = table(publication.section("claims-office"), "CMS-1500")
    # Every administration code of the input has a line; its units are illustrative.
    assert [row.cells for row in office.rows] == [
        ["1", "11", "J9355", "A (illustrative)", "56", "N450242013201 UN3.733"],
        ["2", "11", "J9355 JW", "A (illustrative)", "4", "N450242013201 UN0.267"],
        ["3", "11", "96413", "A (illustrative)", "1 (illustrative)", "none (administration)"],
        ["4", "11", "96415", "A (illustrative)", "1 (illustrative)", "none (administration)"],
    ]
    segments = [row.cells[0] for row in table(publication.section("claims-office"), "837P").rows]
    assert segments[:5] == [
        "LX*1~",
        "SV1*HC:J9355*{charge}*UN*56***1~",
        "DTP*472*D8*{date}~",
        "LIN**N4*50242013201~",
        "CTP****3.733*UN~",
    ]
    assert "SV1*HC:J9355:JW*{charge}*UN*4***1~" in segments


def test_facility_lines_use_revenue_codes() -> None:
    publication = publish(example_data("J9306"))
    facility = publication.section("claims-facility")
    assert [row.cells for row in table(facility, "UB-04").rows] == [
        ["1", "0636", "N450242014501 ML28", "J9306 JZ", "840"],
        ["2", "0335", "none (administration)", "96413", "1 (illustrative)"],
        ["3", "0335", "none (administration)", "96415", "1 (illustrative)"],
        ["4", "0335", "none (administration)", "96417", "1 (illustrative)"],
    ]
    segments = [row.cells[0] for row in table(facility, "837I").rows]
    assert "SV2*0636*HC:J9306:JZ*{charge}*UN*840~" in segments
    assert "CTP****28*ML~" in segments
    assert "SV2*0335*HC:96413*{charge}*UN*1~" in segments


def _with_package(**changes: Any) -> dict[str, Any]:
    data = example_data("J9355")
    data["drug"]["packages"][0].update(changes)
    return data


def test_multiple_dose_packages_get_neither_modifier_and_say_why() -> None:
    text = worked_text(publish(_with_package(single_dose=False)))
    assert "The packages are multiple-dose, so neither JW nor JZ applies" in text
    assert "J9355 × 56 units" in text
    assert "J9355-JW" not in text and "J9355-JZ" not in text


def test_unknown_container_says_data_not_available() -> None:
    data = _with_package()
    del data["drug"]["packages"][0]["single_dose"]
    text = worked_text(publish(data))
    assert f"so JW or JZ cannot be worked out: {MISSING_TEXT}" in text


def test_without_ndc_unit_the_quantity_is_not_available() -> None:
    data = _with_package()
    del data["drug"]["packages"][0]["ndc_unit"]
    publication = publish(data)
    assert (
        f"on the line of 56 units N4 50242013201, unit qualifier and quantity: {MISSING_TEXT}"
    ) in worked_text(publication)
    # The gap is listed in the Summary and in the Review notes, not only on the line.
    assert "the NDC unit and quantity of NDC 50242013201" in section_text(
        publication.section("summary")
    )
    assert "the worked claim lines cannot be submitted" in section_text(
        publication.section("review")
    )
    office = table(publication.section("claims-office"), "CMS-1500")
    assert office.rows[0].cells[-1] == MISSING_TEXT
    segments = [row.cells[0] for row in table(publication.section("claims-office"), "837P").rows]
    assert not any(segment.startswith(("LIN", "CTP")) for segment in segments)


def test_crosswalk_packages_when_the_input_has_none() -> None:
    data = example_data("J9306")
    del data["drug"]["packages"]
    text = worked_text(publish(data))
    # The crosswalk says 420 billing units per package: 420 mg at 1 mg per unit.
    assert (
        "It takes 2 packages of 420 mg, NDC 50242-0145-01 (Perjeta, ASP NDC-HCPCS crosswalk), "
        "840 mg in all, and nothing is left. Whether every package is single-dose is not given "
        "in the input"
    ) in text


def test_a_dose_in_millilitres_needs_the_concentration() -> None:
    data = example_data("J9306")
    data["drug"]["doses"] = [{"label": "Loading dose", "amount": 28, "unit": "mL"}]
    assert "28 mL is 840 mg; 840 mg ÷ 1 mg = 840 units" in worked_text(publish(data))
    del data["drug"]["concentration"]
    text = worked_text(publish(data))
    assert "28 mL cannot be worked in billing units" in text
    assert "needs the drug's concentration" in text and MISSING_TEXT in text


def test_rounding_is_shown() -> None:
    data = example_data("J9355")
    data["drug"]["doses"] = [{"label": "Weight-based dose", "amount": 375, "unit": "mg"}]
    text = worked_text(publish(data))
    assert "375 mg ÷ 10 mg = 37.5, rounded up to 38 units" in text
    # 3 vials of 150 mg = 450 mg hold 45 units; 38 administered, 7 on the JW line.
    assert "Claim lines: J9355 × 38 units and J9355-JW × 7 units" in text


def test_units_above_the_mue_say_so() -> None:
    data = example_data("J9306")
    data["drug"]["doses"] = [{"label": "Two loading doses", "amount": 1680, "unit": "mg"}]
    text = worked_text(publish(data))
    assert (
        "1,680 units of J9306 on the date of service are above the Practitioner and "
        "Outpatient hospital MUEs of 840 (MAI 3)"
    ) in text


def test_add_on_without_primary_is_flagged(refdata: ReferenceData) -> None:
    data = example_data("J9306")
    data["administration_codes"] = [{"code": "96415"}]
    record = CodeRecord.model_validate(data)
    messages = [str(f) for f in check_record(record, refdata, refdata_date())]
    assert (
        "warning: administration_codes[0].code: 96415 is an add-on code, reported only with "
        "96413, which the record does not list"
    ) in messages
    pairings = section_text(publish(data).section("pairings"))
    assert "96415 is an add-on code, reported only together with 96413, none of which" in pairings


def test_billing_unit_that_contradicts_the_descriptor_is_an_error(refdata: ReferenceData) -> None:
    data = example_data("J9306")
    data["drug"]["billing_unit"] = "10 mg"
    record = CodeRecord.model_validate(data)
    messages = [str(f) for f in check_record(record, refdata, refdata_date())]
    assert any(
        m.startswith("error: drug.billing_unit: '10 mg' contradicts the billing unit '1 mg'")
        for m in messages
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("billing_unit", "one vial of 420", "is not a billing unit"),
        ("concentration", "30 mg", "is not a concentration"),
    ],
)
def test_bad_billing_fields_are_refused_on_load(field: str, value: str, message: str) -> None:
    data = example_data("J9306")
    data["drug"][field] = value
    with pytest.raises(ValueError, match=message):
        CodeRecord.model_validate(data)


def refdata_date() -> Any:
    from datetime import date

    return date(2026, 11, 26)


def test_a_package_without_amount_is_sized_by_the_crosswalk() -> None:
    data = example_data("J9306")
    package = data["drug"]["packages"][0]
    del package["amount"], package["unit"]
    publication = publish(data)
    # 420 billing units per package in the ASP NDC-HCPCS crosswalk, at 1 mg per unit.
    assert "It takes 2 packages of 420 mg, NDC 50242-0145-01" in worked_text(publication)
    worked_refs = {ref.ref for ref in publication.sources}
    assert "asp-ndc@2026q1:J9306.50242-0145-01.billing_units_per_package" in worked_refs
