"""Absent required elements: their section says so, the rest keeps its facts, none invented."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codefolio.billing.rules import require_rule
from codefolio.compose.model import MISSING_TEXT, Publication
from codefolio.records.model import CodeRecord
from codefolio.records.required import REQUIRED_ELEMENTS, missing_elements
from tests.conftest import example_data, publish, rendered_texts
from tests.test_compose_facts import facts_missing_from, section_text

# Where each required element's absence must show.
SECTIONS_OF_ELEMENT = {
    "descriptor": ["overview"],
    "service_type": ["overview"],
    "sites_of_service": ["overview", "claims"],
    "clinical_context": ["clinical_context"],
    "modifiers": ["modifiers"],
    "provider_taxonomies": ["taxonomies"],
    "payers": ["payers"],
    "diagnoses": ["diagnoses"],
    "administration_codes": ["pairings"],
}

# Names that, written in a publication, would state a fact: codes of every shape and payers.
CODE_TOKEN = re.compile(
    r"\b(?:[A-V]\d{4}|\d{4}[0-9FTU]|[A-TV-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}|\d{3}[0-9A-Z]{6}X"
    r"|\d{5}-\d{4}-\d{2})\b"
)
MODIFIER_TOKEN = re.compile(r"(?<![\w-])(?:J[A-Z]|X[ESPU]|59|25|76|TB|GA|GZ)(?![\w-])")
PAYER_NAMES = [
    "Aetna",
    "Anthem",
    "Blue Cross",
    "Blue Shield",
    "Cigna",
    "Humana",
    "Kaiser",
    "Medicaid",
    "Medicare Advantage",
    "UnitedHealthcare",
]


def rule_text(publication: Publication) -> str:
    """The words of every rule the publication cites: what those rules name is stated."""
    cited = [require_rule(ref.ref) for ref in publication.sources if ref.kind == "rule"]
    return " ".join(f"{rule.title} {rule.statement} {rule.citation}" for rule in cited)


def assert_nothing_invented(publication: Publication, data: dict[str, Any]) -> None:
    """Every code, modifier and payer the output names is in the record, a cited rule, or
    the key of a data set entry the publication cites (`asp-ndc@2026q1:<code>.<ndc>.field`)."""
    cited = " ".join(ref.ref for ref in publication.sources if ref.kind in ("dataset", "rule"))
    allowed = json.dumps(data, ensure_ascii=False) + " " + rule_text(publication) + " " + cited
    for fmt, text in rendered_texts(publication).items():
        for token in set(CODE_TOKEN.findall(text)) | set(MODIFIER_TOKEN.findall(text)):
            assert token in allowed, f"{fmt} names {token!r}, which the record does not"
        for payer in PAYER_NAMES:
            if payer in text:
                assert payer in allowed, f"{fmt} names payer {payer!r}, which the record does not"


def test_every_required_element_has_an_expected_section() -> None:
    assert sorted(SECTIONS_OF_ELEMENT) == sorted(e.field for e in REQUIRED_ELEMENTS)


# Required elements a shipped data set fills for J9306 when the input lacks them.
FILLED_FOR_J9306 = {"descriptor"}


@pytest.mark.parametrize(
    "element", [e.field for e in REQUIRED_ELEMENTS if e.field not in FILLED_FOR_J9306]
)
def test_removing_a_required_element(element: str) -> None:
    data = example_data("J9306")
    del data[element]
    publication = publish(data)

    for section_id in SECTIONS_OF_ELEMENT[element]:
        section = publication.section(section_id)
        assert element in [m.element for m in section.missing], section_id
        assert MISSING_TEXT in section_text(section)
    gaps = [gap.field for gap in missing_elements(CodeRecord.model_validate(data))]
    assert element in gaps
    label = next(e.label for e in REQUIRED_ELEMENTS if e.field == element)
    assert label in section_text(publication.section("summary"))

    assert facts_missing_from(publication, {element}) == []
    assert_nothing_invented(publication, data)


def test_removing_a_payers_coverage_details() -> None:
    data = example_data("J9306")
    data["payers"][0] = {"name": "Aetna"}
    publication = publish(data)
    section = publication.section("payer-1")
    assert [m.element for m in section.missing] == ["payers[0].coverage"]
    assert MISSING_TEXT in section_text(section)
    assert "Prior authorization" not in section_text(publication.section("payers"))
    assert "coverage details for Aetna, Blue Cross Blue Shield" in section_text(
        publication.section("summary")
    )
    assert_nothing_invented(publication, data)


def test_removing_the_descriptor_fills_it_from_the_hcpcs_file() -> None:
    data = example_data("J9306")
    del data["descriptor"]
    publication = publish(data)
    assert "descriptor" not in [m.element for m in publication.missing]
    overview = publication.section("overview").blocks[0]
    assert (overview.label, overview.text) == ("Descriptor", "Injection, pertuzumab, 1 mg")
    assert "dataset:hcpcs@2025-10:J9306.long_description" in map(str, overview.sources)
    assert "descriptor" not in section_text(publication.section("summary"))
    assert_nothing_invented(publication, data)


def test_a_cpt_descriptor_is_never_filled() -> None:
    publication = publish({"code": "96413"})
    assert publication.title == "CPT 96413"
    assert publication.descriptor is None
    assert "descriptor" in [m.element for m in publication.section("overview").missing]


def test_removing_everything_but_the_code() -> None:
    data = {"code": "J9306"}
    publication = publish(data)
    data_set_filled = FILLED_FOR_J9306
    expected = {e.field for e in REQUIRED_ELEMENTS} - data_set_filled
    assert {m.element for m in publication.missing if m.required} == expected
    assert publication.title == "HCPCS Level II J9306: Injection, pertuzumab, 1 mg"
    for section in publication.sections[1:-1]:
        if section.id != "benchmarks":  # MUE, ASP and OPPS figures come from the data sets
            assert MISSING_TEXT in section_text(section), section.id
    assert_nothing_invented(publication, data)


def test_the_complete_example_invents_nothing() -> None:
    data = example_data("J9306")
    assert_nothing_invented(publish(data), data)


def test_the_invention_check_catches_an_invented_code() -> None:
    data = example_data("J9306")
    publication = publish(data)
    del data["related_codes"]
    with pytest.raises(AssertionError, match="J9355"):
        assert_nothing_invented(publication, data)


def test_cpt_code_needs_no_administration_codes() -> None:
    data = {
        "code": "96413",
        "descriptor": "Chemotherapy administration (descriptor from licensed file)",
    }
    publication = publish(data)
    assert "administration_codes" not in [m.element for m in publication.missing]
    assert "administration_codes" not in [
        gap.field for gap in missing_elements(CodeRecord.model_validate(data))
    ]
    assert "CPT® is a registered trademark" in section_text(publication.section("references"))


OPTIONAL_FIELDS = ["drug", "related_codes", "benchmarks", "documentation", "audience"]


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from([e.field for e in REQUIRED_ELEMENTS] + OPTIONAL_FIELDS)))
def test_any_combination_of_absent_fields(removed: set[str]) -> None:
    data = example_data("J9306")
    for field in removed:
        del data[field]
    publication = publish(data)
    expected = {e.field for e in REQUIRED_ELEMENTS if e.field in removed} - FILLED_FOR_J9306
    if "payers" not in removed:  # three of the four example payers have no coverage details
        expected |= {"payers[1].coverage", "payers[2].coverage", "payers[3].coverage"}
    required_missing = {m.element for m in publication.missing if m.required}
    assert required_missing == expected
    assert facts_missing_from(publication, removed) == []
    assert_nothing_invented(publication, data)
