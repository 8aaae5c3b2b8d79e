"""The J9306 publication holds every fact of the reference publication, in its sections."""

from __future__ import annotations

from typing import Any

import pytest

from codefolio.compose.model import MISSING_TEXT, Publication, Section
from tests.conftest import publish, rendered_texts
from tests.test_render_text import table_cells

SECTION_ORDER = [
    ("summary", "Summary & Overview"),
    ("overview", "Billing Code Overview"),
    ("specifications", "Clinical & Coding Specifications"),
    ("payers", "Payer Coverage Considerations"),
    ("pairings", "Common Billing Pairings"),
    ("benchmarks", "Coding Benchmarks"),
    ("claims", "Claim Appearance"),
    ("documentation", "Documentation Requirements"),
    ("diagnoses", "Diagnosis Linkage"),
    ("references", "References and Data Sources"),
]
SPECIFICATION_PARTS = [
    "Clinical Context",
    "Coding Specifications",
    "Modifiers",
    "Provider Taxonomies",
]

# Every factual statement of the reference publication (shared/seed/J9306_reference.txt):
# (the section it belongs in, the words that state it, the record fields it rests on).
FACTS: list[tuple[str, str, set[str]]] = [
    ("summary", "reports the drug pertuzumab (Perjeta)", {"drug"}),
    ("summary", "Category: HER2-directed monoclonal antibody (biologic).", {"drug"}),
    ("summary", "billed per 1 mg", {"drug"}),
    ("summary", "billed separately from the service of administering the drug", set()),
    ("summary", "Aetna, Blue Cross Blue Shield, Cigna Health, and UnitedHealthcare", {"payers"}),
    ("summary", "Place of Service 11 (Office)", {"sites_of_service"}),
    ("summary", "Place of Service 22 (On Campus-Outpatient Hospital)", {"sites_of_service"}),
    ("summary", "Common Billing Pairings", {"administration_codes", "related_codes"}),
    ("summary", "Claim Appearance", {"sites_of_service"}),
    (
        "summary",
        f"Where a required input element is missing, the publication says “{MISSING_TEXT}”",
        set(),
    ),
    (
        "summary",
        "intended for national audiences involved in oncology billing, revenue cycle, and "
        "clinical coding",
        {"audience"},
    ),
    ("overview", "Descriptor: Injection, pertuzumab, 1 mg", {"descriptor"}),
    ("overview", "denotes the drug product itself, not the service of administering it", set()),
    ("overview", "Service Type: Oncology—chemotherapy/biologics", {"service_type"}),
    ("overview", "Place of Service 11 (Office)", {"sites_of_service"}),
    ("overview", "Place of Service 22 (On Campus-Outpatient Hospital)", {"sites_of_service"}),
    ("clinical_context", "56-year-old woman", {"clinical_context"}),
    (
        "clinical_context",
        "invasive carcinoma of the breast involving the nipple and areola",
        {"clinical_context"},
    ),
    ("clinical_context", "HER2-directed targeted therapy", {"clinical_context"}),
    ("clinical_context", "check of cardiac function", {"clinical_context"}),
    ("clinical_context", "lot number, the NDC, the amount given", {"clinical_context"}),
    ("clinical_context", "outpatient infusion suite (Place of Service 22)", {"clinical_context"}),
    ("clinical_context", "physician's office (Place of Service 11)", {"clinical_context"}),
    ("coding_specifications", "one unit of J9306 = 1 mg", {"drug"}),
    ("coding_specifications", "50242-0145-01", {"drug"}),
    (
        "modifiers",
        "Reports, on its own line, the part of a single-use vial that was discarded",
        {"modifiers"},
    ),
    ("modifiers", "Distinct procedural service", {"modifiers"}),
    ("modifiers", "clinical documentation supports it as separate", {"modifiers"}),
    ("taxonomies", "207RX0202X", {"provider_taxonomies"}),
    ("taxonomies", "207RH0003X", {"provider_taxonomies"}),
    ("payer-1", "Prior authorization: Required", {"payers"}),
    ("payer-1", "Policy: Clinical Policy Bulletin, pertuzumab", {"payers"}),
    ("pairings", "96413", {"administration_codes"}),
    ("pairings", "96415", {"administration_codes"}),
    ("pairings", "96417", {"administration_codes"}),
    ("pairings", "J9355", {"related_codes"}),
    ("claims-office", "Form CMS-1500, or the electronic 837P", {"sites_of_service"}),
    (
        "claims-facility",
        "Form UB-04 (CMS-1450), or the electronic 837I, type of bill 013x",
        {"sites_of_service"},
    ),
    ("claims-facility", "0636 (drugs requiring detailed coding)", {"sites_of_service"}),
    ("diagnoses", "C50.011", {"diagnoses"}),
    ("documentation", "Lot number and NDC of the vial used", {"documentation"}),
]


def section_text(section: Section) -> str:
    """All the words of a section and its subsections, one statement per line and never
    wrapped, so a fact is found whatever the width of a rendered page."""
    return "\n".join(statement_lines(section))


def statement_lines(section: Section) -> list[str]:
    lines = ["", section.title]
    for block in section.blocks:
        if block.type == "paragraph" or block.type == "missing":
            lines.append(f"{block.label}: {block.text}" if block.label else block.text)
        elif block.type == "list":
            lines += [
                f"- {item.label}: {item.text}" if item.label else f"- {item.text}"
                for item in block.items
            ]
        elif block.type == "table":
            lines.append(f"{block.caption}:")
            lines += [
                "- " + "; ".join(f"{c}: {v}" for c, v in zip(block.columns, row.cells, strict=True))
                for row in block.rows
            ]
        else:
            lines.append(f"{block.tone.capitalize()}: {block.text}")
    for sub in section.subsections:
        lines += statement_lines(sub)
    return lines


def facts_missing_from(publication: Publication, removed: set[str]) -> list[str]:
    absent = []
    for section_id, fact, depends_on in FACTS:
        if depends_on & removed:
            continue
        if fact not in section_text(publication.section(section_id)):
            absent.append(f"{section_id}: {fact}")
    return absent


def test_sections_in_order(j9306: dict[str, Any]) -> None:
    publication = publish(j9306)
    assert [(s.id, s.title) for s in publication.sections] == SECTION_ORDER
    parts = publication.section("specifications").subsections
    assert [part.title for part in parts] == SPECIFICATION_PARTS
    assert [s.title for s in publication.section("payers").subsections] == [
        "Aetna",
        "Blue Cross Blue Shield",
        "Cigna Health",
        "UnitedHealthcare",
    ]


def test_every_reference_fact_is_in_its_section(j9306: dict[str, Any]) -> None:
    assert facts_missing_from(publish(j9306), set()) == []


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_every_reference_fact_is_in_each_format(j9306: dict[str, Any], fmt: str) -> None:
    # Plain text wraps at 80 columns: a fact may continue on the next line, or on the next
    # line of its table cell.
    publication = publish(j9306)
    text = " ".join(rendered_texts(publication)[fmt].split())
    if fmt == "txt":
        text += "\n" + "\n".join(table_cells(publication))
    absent = [fact for _, fact, _ in FACTS if fact not in text]
    assert absent == []
    for section_title in [title for _, title in SECTION_ORDER] + SPECIFICATION_PARTS:
        assert section_title in text


def test_payers_without_coverage_details_say_so(j9306: dict[str, Any]) -> None:
    publication = publish(j9306)
    for section_id in ["payer-2", "payer-3", "payer-4"]:
        blocks = publication.section(section_id).blocks
        assert [b.type for b in blocks] == ["missing"]
    summary = section_text(publication.section("summary"))
    assert (
        "coverage details for Blue Cross Blue Shield, Cigna Health, and UnitedHealthcare" in summary
    )


def test_administration_codes_without_notes_say_so(j9306: dict[str, Any]) -> None:
    j9306["administration_codes"] = [{"code": "96413"}]
    table = publish(j9306).section("pairings").blocks[1]
    assert table.type == "table"
    assert table.rows[0].cells == ["96413", "CPT", MISSING_TEXT]
