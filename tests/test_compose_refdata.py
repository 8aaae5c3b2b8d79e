"""Publications carry the shipped data sets' facts, each citing its edition; the input wins."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from codefolio.compose.common import long_date, per_unit
from codefolio.compose.model import MISSING_TEXT, Publication, Row, Table
from codefolio.refdata import ReferenceRow, open_reference_data
from tests.conftest import example_data, publish, rendered_texts
from tests.test_compose_facts import section_text
from tests.test_compose_sources import statements


def table(publication: Publication, section_id: str, caption_start: str) -> Table:
    for block in publication.section(section_id).blocks:
        if block.type == "table" and block.caption.startswith(caption_start):
            return block
    raise AssertionError(f"no table {caption_start!r} in {section_id}")


def cited(row: Row) -> set[str]:
    return {str(ref) for ref in row.sources}


@pytest.fixture(scope="module")
def j9306() -> Publication:
    return publish(example_data("J9306"))


def test_mue_per_setting_with_its_adjudication_indicator(j9306: Publication) -> None:
    mue = table(j9306, "benchmarks", "Medically Unlikely Edits")
    assert [row.cells for row in mue.rows] == [
        ["Practitioner", "840", "3 (Date of Service Edit: Clinical)", "Prescribing Information"],
        [
            "Outpatient hospital",
            "840",
            "3 (Date of Service Edit: Clinical)",
            "Prescribing Information",
        ],
        ["DME supplier", "0", "3 (Date of Service Edit: Clinical)", "CMS Policy"],
    ]
    assert "dataset:mue@2026-04-01:J9306.practitioner.value" in cited(mue.rows[0])
    assert "dataset:mue@2026-04-01:J9306.outpatient_hospital.mai" in cited(mue.rows[1])


def test_latest_asp_payment_limit(j9306: Publication) -> None:
    paragraph = next(
        block
        for block in j9306.section("benchmarks").blocks
        if block.type == "paragraph" and block.label == "Medicare Part B payment limit (ASP)"
    )
    # The as-of date (2026-11-27) is in 2026q4: the newest quarter shipped is flagged.
    assert paragraph.text == (
        "$17.012 per 1 mg for the 2026q1 quarter (effective 2026-01-01 to 2026-03-31); "
        "co-insurance 19.643% (Inflation-adjusted coinsurance). Check before billing: newest "
        "ASP Medicare Part B Drug Payment Limits edition shipped: 2026q1; as-of date is in "
        "2026q4."
    )
    assert "dataset:asp@2026q1:J9306.payment_limit" in map(str, paragraph.sources)


def test_asp_history_per_quarter_with_a_chart(j9306: Publication) -> None:
    history = table(j9306, "benchmarks", "ASP payment limit per quarter")
    quarters = [row.cells[0] for row in history.rows]
    assert quarters == [f"{y}q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)] + ["2026q1"]
    assert history.rows[0].cells[2] == "$15.427"
    assert history.rows[-1].cells[2] == "$17.012"
    assert "dataset:asp@2024q1:J9306.payment_limit" in cited(history.rows[0])
    assert history.chart is not None
    assert history.chart.unit == "USD per 1 mg"
    assert [p.value for p in history.chart.points][:2] == [Decimal("15.427"), Decimal("15.418")]
    assert len(history.chart.points) == 9


def test_ndc_package_with_billing_units_from_the_crosswalk(j9306: Publication) -> None:
    packages = table(j9306, "coding_specifications", "NDC packages")
    row = packages.rows[0]
    assert row.cells[0] == "50242-0145-01"
    assert row.cells[-1] == "420"
    assert packages.columns[-1] == "Billing units per package"
    assert "dataset:asp-ndc@2026q1:J9306.50242-0145-01.billing_units_per_package" in cited(row)


def test_crosswalk_packages_fill_in_when_the_record_has_none() -> None:
    data = example_data("J9306")
    del data["drug"]["packages"]
    packages = table(publish(data), "coding_specifications", "NDC packages (ASP NDC-HCPCS")
    assert packages.caption.endswith("2026q1)")
    assert [row.cells for row in packages.rows] == [
        ["50242-0145-01", "Perjeta", "Genentech, Inc.", "14", "1", "420"]
    ]


def test_opps_status_indicator_and_apc(j9306: Publication) -> None:
    paragraph = next(
        b
        for b in j9306.section("benchmarks").blocks
        if b.type == "paragraph" and "OPPS" in (b.label or "")
    )
    assert paragraph.text.startswith(
        "status indicator K, APC 1471, payment rate $17.017 (edition 2025-10); status indicator "
        "K: non-pass-through drug or nonimplantable biological: paid under OPPS with a separate "
        "APC payment."
    )
    assert {str(r) for r in paragraph.sources} == {
        "dataset:opps@2025-10:J9306.status_indicator",
        "dataset:opps@2025-10:J9306.apc",
        "dataset:opps@2025-10:J9306.payment_rate",
        "rule:opps-status-indicators",
    }


def test_taxonomy_names_from_nucc(j9306: Publication) -> None:
    taxonomies = table(j9306, "taxonomies", "Provider taxonomies")
    assert [row.cells for row in taxonomies.rows] == [
        ["207RX0202X", "Medical Oncology Physician", "Internal Medicine", "Medical Oncology"],
        [
            "207RH0003X",
            "Hematology & Oncology Physician",
            "Internal Medicine",
            "Hematology & Oncology",
        ],
    ]
    assert "dataset:nucc@25.1:207RX0202X.display_name" in cited(taxonomies.rows[0])


def test_pos_names_from_the_pos_code_set(j9306: Publication) -> None:
    overview = section_text(j9306.section("overview"))
    assert (
        "Typical Sites of Service: Place of Service 11 (Office) and Place of Service 22 "
        "(On Campus-Outpatient Hospital)" in overview
    )
    assert "dataset:pos@2024-05-02:11.name" in map(str, j9306.sources)
    assert "dataset:pos@2024-05-02:22.name" in map(str, j9306.sources)


def test_modifier_descriptions_from_the_hcpcs_file(j9306: Publication) -> None:
    modifiers = table(j9306, "modifiers", "Modifiers")
    jw, fifty_nine, *_policy = modifiers.rows
    assert jw.cells[:2] == ["JW", "Drug amount discarded/not administered to any patient"]
    assert "dataset:hcpcs@2025-10:JW.long_description" in cited(jw)
    assert fifty_nine.cells[1] == "CPT modifier; its descriptor is in the AMA CPT code set"


def test_diagnosis_description_from_icd10cm(j9306: Publication) -> None:
    diagnoses = section_text(j9306.section("diagnoses"))
    assert "C50.011: Malignant neoplasm of nipple and areola, right female breast" in diagnoses
    assert "dataset:icd10cm@2026-04-01:C50.011.description" in map(str, j9306.sources)


def test_hcpcs_file_facts_in_the_overview(j9306: Publication) -> None:
    overview = section_text(j9306.section("overview"))
    for fact in [
        "HCPCS Pricing indicator: 51",
        "HCPCS Coverage code: C",
        "HCPCS BETOS: O1D",
        "HCPCS Added: January 1, 2014",
        "HCPCS Action code: N",
    ]:
        assert fact in overview


def test_references_list_every_data_set_edition(j9306: Publication) -> None:
    assert [(d.id, d.edition) for d in j9306.datasets] == [
        ("hcpcs", "2025-10"),
        ("pos", "2024-05-02"),
        ("asp-ndc", "2026q1"),
        ("mue", "2026-04-01"),
        ("nucc", "25.1"),
        ("asp", "2024q1 to 2026q1"),
        ("opps", "2025-10"),
        ("icd10cm", "2026-04-01"),
    ]
    references = section_text(j9306.section("references"))
    for entry in j9306.datasets:
        assert f"{entry.publisher} {entry.name}, " in references
    text = rendered_texts(j9306)["txt"]
    assert "2. Data set: CMS HCPCS Level II, October 2025 edition\n" in text
    assert "Data set: CMS ASP Medicare Part B Drug Payment Limits, 2024 Q1 to 2026 Q1" in text
    assert "9. Data set: CDC/NCHS ICD-10-CM, April 1, 2026 edition\n" in text


def test_the_input_wins_and_the_conflict_is_a_finding() -> None:
    data = example_data("J9306")
    data["descriptor"] = "Pertuzumab injection, per 1 mg"
    data["provider_taxonomies"][0]["name"] = "Oncologist"
    publication = publish(data)
    assert publication.title == "HCPCS Level II J9306: Pertuzumab injection, per 1 mg"
    assert "Oncologist" in section_text(publication.section("taxonomies"))
    assert publication.findings == [
        "warning: descriptor: differs from the HCPCS Level II 2025-10 long descriptor "
        "'Injection, pertuzumab, 1 mg'; the publication keeps the input",
        "warning: provider_taxonomies[0].name: differs from 'Medical Oncology Physician' in "
        "Health Care Provider Taxonomy 25.1; the publication keeps the input",
    ]


def test_the_j9306_example_has_no_findings(j9306: Publication) -> None:
    assert j9306.findings == []


def _resolve(ref: str) -> tuple[ReferenceRow, str]:
    """Look a `dataset@edition:key.field` reference up again in the store."""
    store = open_reference_data()
    head, path = ref.split(":", 1)
    dataset, edition = head.split("@")
    key, field = path.rsplit(".", 1)
    rows: list[Any]
    if dataset == "hcpcs":
        rows = [store.hcpcs(key) or store.modifier(key)]
    elif dataset == "mue":
        code, setting = key.split(".")
        rows = [row for row in store.mue(code) if row.setting == setting]
    elif dataset == "asp":
        rows = [row for row in store.asp_history(key) if row.quarter == edition]
    elif dataset == "asp-ndc":
        code, ndc = key.split(".", 1)
        rows = [row for row in store.ndc_packages(code, edition) if row.ndc == ndc]
    else:
        lookup = {"pos": store.pos, "nucc": store.taxonomy, "icd10cm": store.icd10}
        rows = [lookup[dataset](key) if dataset in lookup else store.opps(key)]
    assert len(rows) == 1 and rows[0] is not None, ref
    assert rows[0].edition == edition, ref
    return rows[0], field


def _shown(value: Any) -> list[str]:
    if isinstance(value, list):
        return [" ".join(value), ", ".join(value)]
    if isinstance(value, Decimal):
        return [str(value), format(value.normalize(), "f")]
    if isinstance(value, date):
        return [value.isoformat(), long_date(value)]
    # Billing units are shown as a label writes them: the file's `1 MG` reads `1 mg`.
    return [str(value), per_unit(str(value))]


@pytest.mark.parametrize("code", ["J9306", "J9355"])
def test_every_data_set_fact_shows_the_value_it_cites(code: str) -> None:
    """Each cited field, looked up again, appears in the statement that cites it."""
    checked = 0
    for _, statement, sources in statements(publish(example_data(code))):
        text = statement.text if hasattr(statement, "text") else " ".join(statement.cells)
        for ref in sources:
            if ref.kind != "dataset":
                continue
            row, field = _resolve(ref.ref)
            value = getattr(row, field)
            if value in (None, "", []):
                continue
            assert any(shown in text for shown in _shown(value)), (ref.ref, text)
            checked += 1
    assert checked > 20


def test_a_cpt_code_gets_no_invented_descriptor_but_its_data_set_figures() -> None:
    publication = publish({"code": "96413"})
    text = " ".join(rendered_texts(publication)["txt"].split())  # unwrapped
    assert MISSING_TEXT in section_text(publication.section("overview"))
    mue = table(publication, "benchmarks", "Medically Unlikely Edits")
    assert mue.rows[0].cells[:2] == ["Practitioner", "1"]
    assert "status indicator S, APC 5694" in text
    assert "status indicator S: significant procedure, not discounted when multiple" in text
    assert not re.search(r"[Cc]hemotherapy administration", text)


def test_asp_history_shows_a_change_of_billing_unit_and_charts_only_comparable_quarters() -> None:
    """J2277 was priced per 1 MG in 2024q3 and per 0.25 MG from 2024q4 on."""
    publication = publish({"code": "J2277"})
    history = table(publication, "benchmarks", "ASP payment limit per quarter")
    assert [row.cells[3] for row in history.rows][:2] == ["1 mg", "0.25 mg"]
    assert history.chart is not None and history.chart.unit == "USD per 0.25 mg"
    assert history.chart.points[0].label == "2024q4"
    assert len(history.chart.points) == len(history.rows) - 1
    [note] = [b for b in publication.section("benchmarks").blocks if b.type == "callout"]
    assert note.text == (
        "The billing unit changed: 2024q3 priced per 1 mg, the other quarters per 0.25 mg; "
        "the chart shows only the quarters priced per 0.25 mg."
    )


def test_a_package_the_crosswalk_does_not_list_says_so() -> None:
    data = example_data("J9306")
    data["drug"]["packages"][0]["ndc"] = "12345-6789-01"
    packages = table(publish(data), "coding_specifications", "NDC packages")
    assert packages.rows[0].cells[-1] == "not in the ASP NDC-HCPCS Crosswalk 2026q1"
