"""Typed lookups on the real shipped data, with the facts a J9306 publication relies on."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from codefolio.errors import ReferenceDataError
from codefolio.refdata import ReferenceData, lookup


def test_hcpcs_j9306(refdata: ReferenceData) -> None:
    code = refdata.hcpcs("J9306")
    assert code is not None
    assert code.long_description == "Injection, pertuzumab, 1 mg"
    assert code.pricing_indicator == "51"
    assert (code.coverage_code, code.coverage_meaning) == ("C", "Carrier judgment")
    assert (code.betos, code.type_of_service, code.action_code) == ("O1D", ["1"], "N")
    assert (code.add_date, code.effective_date, code.termination_date) == (
        date(2014, 1, 1),
        date(2014, 1, 1),
        None,
    )
    assert code.source("long_description") == "hcpcs@2025-10:J9306.long_description"


def test_results_are_frozen_and_cite_only_real_fields(refdata: ReferenceData) -> None:
    code = refdata.hcpcs("J9306")
    assert code is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.code = "J9307"  # type: ignore[misc]
    with pytest.raises(ReferenceDataError, match="no field 'descriptor'"):
        code.source("descriptor")


def test_mue_j9306_per_setting(refdata: ReferenceData) -> None:
    edits = refdata.mue("J9306")
    assert [(e.setting, e.value, e.mai) for e in edits] == [
        ("practitioner", 840, 3),
        ("outpatient_hospital", 840, 3),
        ("dme_supplier", 0, 3),
    ]
    assert {e.mai_description for e in edits} == {"Date of Service Edit: Clinical"}
    assert edits[0].rationale == "Prescribing Information"
    assert edits[0].source("value") == "mue@2026-04-01:J9306.practitioner.value"


def test_mue_and_opps_for_cpt_96413(refdata: ReferenceData) -> None:
    assert [(e.setting, e.value) for e in refdata.mue("96413")] == [
        ("practitioner", 1),
        ("outpatient_hospital", 1),
    ]
    rate = refdata.opps("96413")
    assert rate is not None
    assert (rate.status_indicator, rate.apc, rate.short_descriptor) == ("S", "5694", None)
    assert (rate.relative_weight, rate.payment_rate) == (Decimal("3.7198"), Decimal("331.690"))
    assert rate.minimum_unadjusted_copayment == Decimal("66.34")
    assert rate.national_unadjusted_copayment is None
    assert refdata.hcpcs("96413") is None


def test_opps_j9306(refdata: ReferenceData) -> None:
    rate = refdata.opps("J9306")
    assert rate is not None
    assert (rate.status_indicator, rate.apc) == ("K", "1471")
    assert rate.payment_rate == Decimal("17.017")
    assert rate.relative_weight is None
    assert rate.source("status_indicator") == "opps@2025-10:J9306.status_indicator"


def test_asp_history_j9306_nine_quarters(refdata: ReferenceData) -> None:
    history = refdata.asp_history("J9306")
    assert [h.quarter for h in history] == [
        "2024q1", "2024q2", "2024q3", "2024q4",
        "2025q1", "2025q2", "2025q3", "2025q4", "2026q1",
    ]  # fmt: skip
    first, last = history[0], history[-1]
    assert (first.payment_limit, first.coinsurance_percent) == (
        Decimal("15.427"),
        Decimal("20.000"),
    )
    assert (last.payment_limit, last.coinsurance_percent) == (Decimal("17.012"), Decimal("19.643"))
    assert (last.dosage, last.notes) == ("1 MG", "Inflation-adjusted coinsurance")
    assert (last.effective_start, last.effective_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert last.edition == "2026q1"
    assert last.source("payment_limit") == "asp@2026q1:J9306.payment_limit"


def test_asp_not_available_limit_is_none(refdata: ReferenceData) -> None:
    a9606 = refdata.asp_history("A9606")[-1]
    assert a9606.payment_limit is None
    assert a9606.coinsurance_percent == Decimal("20.000")


def test_ndc_packages_j9306(refdata: ReferenceData) -> None:
    (package,) = refdata.ndc_packages("J9306")
    assert (package.ndc, package.ndc11, package.drug_name) == (
        "50242-0145-01",
        "50242014501",
        "Perjeta",
    )
    assert package.labeler == "Genentech, Inc."
    assert package.billing_units_per_package == Decimal("420")
    assert (package.package_size, package.package_quantity) == (Decimal("14"), Decimal("1"))
    assert package.quarter == "2026q1"
    assert (
        package.source("billing_units_per_package")
        == "asp-ndc@2026q1:J9306.50242-0145-01.billing_units_per_package"
    )
    (old,) = refdata.ndc_packages("j9306", quarter="2024Q1")
    assert (old.labeler, old.quarter) == ("GENENTECH, INC.", "2024q1")


def test_crosswalk_identifiers_that_are_not_ndcs(refdata: ReferenceData) -> None:
    (row,) = refdata.ndc_packages("J7331")
    assert (row.ndc, row.ndc11) == ("888867413689", None)
    odd = [p for p in refdata.ndc_packages("J7674", "2024q2") if p.ndc == "64281-0110-06"]
    assert odd[0].billing_units is None  # the file says "21.3125?"
    assert odd[0].billing_units_per_package == Decimal("127.875")


@pytest.mark.parametrize("ndc", ["50242-0145-01", "50242-145-01", "50242014501", " 50242-0145-01 "])
def test_ndc_lookup_in_any_shape(refdata: ReferenceData, ndc: str) -> None:
    assert [(p.hcpcs_code, p.ndc) for p in refdata.ndc(ndc)] == [("J9306", "50242-0145-01")]


def test_modifiers(refdata: ReferenceData) -> None:
    jw, jz, jg = (refdata.modifier(code) for code in ("JW", " jz ", "jg"))
    assert jw is not None and jz is not None and jg is not None
    assert jw.long_description == "Drug amount discarded/not administered to any patient"
    assert jz.long_description == "Zero drug amount discarded/not administered to any patient"
    assert (jz.add_date, jz.termination_date) == (date(2023, 1, 1), None)
    assert jg.termination_date == date(2024, 12, 31)
    assert jg.source("termination_date") == "hcpcs@2025-10:JG.termination_date"


def test_place_of_service(refdata: ReferenceData) -> None:
    office, campus = refdata.pos("11"), refdata.pos(" 22")
    assert office is not None and campus is not None
    assert office.name == "Office"
    assert office.description.startswith("Location, other than a hospital")
    assert campus.name == "On Campus-Outpatient Hospital"
    assert office.source("name") == "pos@2024-05-02:11.name"


def test_taxonomy(refdata: ReferenceData) -> None:
    row = refdata.taxonomy("207rx0202x")
    assert row is not None
    assert row.display_name == "Medical Oncology Physician"
    assert (row.grouping, row.classification, row.specialization, row.section) == (
        "Allopathic & Osteopathic Physicians",
        "Internal Medicine",
        "Medical Oncology",
        "Individual",
    )
    assert row.source("display_name") == "nucc@25.1:207RX0202X.display_name"
    group = refdata.taxonomy("193200000X")
    assert group is not None and group.specialization is None
    assert "definition" not in [field.name for field in dataclasses.fields(row)]


@pytest.mark.parametrize("code", ["C50.011", "C50011", "c50.011", " c50011 "])
def test_icd10_in_any_shape(refdata: ReferenceData, code: str) -> None:
    diagnosis = refdata.icd10(code)
    assert diagnosis is not None
    assert diagnosis.code == "C50.011"
    assert diagnosis.description == "Malignant neoplasm of nipple and areola, right female breast"
    assert diagnosis.billable is True
    assert diagnosis.source("description") == "icd10cm@2026-04-01:C50.011.description"


def test_icd10_categories_are_not_billable(refdata: ReferenceData) -> None:
    category = refdata.icd10("C50")
    assert category is not None and category.billable is False
    assert refdata.icd10("C00-C96") is None


def test_unknown_codes_give_none_or_empty(refdata: ReferenceData) -> None:
    assert refdata.hcpcs("J9998") is None
    assert refdata.hcpcs("") is None
    assert refdata.modifier("ZZ") is None
    assert refdata.pos("30") is None
    assert refdata.taxonomy("0000000000X") is None
    assert refdata.icd10("C50.999") is None
    assert refdata.opps("J9998") is None
    assert refdata.mue("J9998") == []
    assert refdata.asp_history("J9998") == []
    assert refdata.ndc_packages("J9998") == []
    assert refdata.ndc("00000-0000-00") == []


def test_nearest_codes_of_each_kind(refdata: ReferenceData) -> None:
    assert refdata.nearest("hcpcs", "J9307")[:2] == ["J9306", "J9308"]
    assert refdata.nearest("hcpcs", "96414", limit=3) == ["96413", "96415", "96416"]
    assert refdata.nearest("modifier", "jx", limit=2) == ["JW", "JZ"]
    assert refdata.nearest("pos", "23", limit=3) == ["22", "24", "21"]
    assert refdata.nearest("taxonomy", "207RX0202Y", limit=1) == ["207RX0202X"]
    assert refdata.nearest("icd10", "c50.019", limit=2) == ["C50.012", "C50.011"]
    assert refdata.nearest("ndc", "50242-0145-02", limit=1) == ["50242-0145-01"]
    assert refdata.nearest("pos", "11", limit=0) == []
    with pytest.raises(ReferenceDataError, match="unknown kind of code 'cpt'"):
        refdata.nearest("cpt", "96413")


NAMES = ["trastuzumab", "Pembrolizumab", "interferon  alfa-2b", "in", "100%", "a_b", "é", "-"]


def test_a_drug_is_found_in_the_same_descriptors_by_store_query_index_or_full_read(
    refdata: ReferenceData,
) -> None:
    # The first names are found by a store query, later ones through the word index; both
    # must give what reading every descriptor and applying the rule directly gives.
    edition = refdata.edition("hcpcs")
    every = refdata._conn.execute(
        "SELECT code, long_description FROM hcpcs_editions WHERE edition = ? ORDER BY code",
        (edition,),
    ).fetchall()

    def naming(ingredient: str) -> list[str]:
        name = " ".join(ingredient.lower().split())
        rule = re.compile(rf"(?<![\w-]){re.escape(name)}(?:-[a-z]{{4}})?(?![\w-])")
        return [code for code, text in every if rule.search(text.lower())]

    fresh = ReferenceData.open(refdata.path.parent)
    first = {name: [row.code for row in fresh.hcpcs_naming(name)] for name in NAMES}
    for filler in range(10):  # past the first names: the word index answers
        fresh.hcpcs_naming(f"no such drug {filler}")
    assert fresh._words
    indexed = {name: [row.code for row in fresh.hcpcs_naming(name)] for name in NAMES}
    fresh.close()
    expected = {name: naming(name) for name in NAMES}
    assert first == expected == {name: indexed[name] for name in NAMES}
    assert len(expected["trastuzumab"]) > 3 and expected["in"]


def test_the_store_query_reads_every_descriptor_python_folds_differently() -> None:
    # SQLite's LIKE ignores the case of ASCII letters only: a descriptor holding any other
    # character, or a NUL, is always read so that Python folds and checks it.
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE hcpcs_editions (code, long_description, edition)")
    descriptors = {
        "A1": "Injection, TRASTUZUMAB, 10 mg",  # ASCII, found by LIKE
        "A2": "Injection, \u0130nfliximab",  # dotted capital I: Python folds it to "i̇"
        "A3": "Injection, \u212aetorolac",  # Kelvin sign: Python folds it to "k"
        "A4": "Injection, ab\x00c trastuzumab",  # a NUL ends the text SQLite's LIKE sees
        "A5": "Injection, 100% of a_b",  # LIKE's own wildcards, matched literally
        "A6": "Injection, pertuzumab",  # holds none of the names
    }
    conn.executemany("INSERT INTO hcpcs_editions VALUES (?, ?, 'e')", list(descriptors.items()))
    for name in ["trastuzumab", "i\u0307nfliximab", "ketorolac", "100%", "a_b", "0_o"]:
        read = {code for code, _ in conn.execute(lookup._HOLDING, ("e", lookup.containing(name)))}
        holding = {code for code, text in descriptors.items() if name in text.lower()}
        assert holding <= read, name
        assert "A6" not in read
