"""The claim checker agrees with the publications: their worked-example claim lines check
clean, as 837 and as CSV, and a variant that breaks one rule raises exactly that rule."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from codefolio.claims.engines import DuckDBEngine
from codefolio.claims.reference import export_reference
from codefolio.claims.run import CheckResult, check_claims
from codefolio.records.model import CodeRecord
from tests.claims_fixtures import PUBLISHED, claim_837, records, rows_of, write_csv
from tests.conftest import example_data


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    return export_reference(tmp_path_factory.mktemp("reference"), records())


def run(paths: list[Path], reference: Mapping[str, Path]) -> CheckResult:
    engine = DuckDBEngine()
    try:
        return check_claims(paths, engine, reference=reference)
    finally:
        engine.close()


def test_worked_example_lines_check_clean_as_837_and_csv(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    # Each claim a beneficiary of its own: one beneficiary's two chemotherapy claims of a
    # day would be above the MUE of 96413 together (MAI 3 sums across claims).
    texts = [claim_837(code, form, member=f"M{code}{form}") for code, form in PUBLISHED]
    files = []
    for index, text in enumerate(texts):
        files.append(tmp_path / f"{index}.837")
        files[-1].write_text(text)
    extract = write_csv(tmp_path / "claims.csv", [row for text in texts for row in rows_of(text)])
    for paths in (files, [extract]):
        result = run(paths, reference)
        assert (result.findings, result.problems) == ([], [])
        assert result.lines == sum(text.count("~LX*") for text in texts) == 12


def swap(old: str, new: str) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        changed = [line.replace(old, new) for line in lines]
        assert changed != lines, old
        return changed

    return edit


def extra_96415(lines: list[str]) -> list[str]:
    """96415 twice on the date, 5 units each: 10 against its MUE of 8 (MAI 3)."""
    five = swap("SV1*HC:96415*{charge}*UN*1***1~", "SV1*HC:96415*{charge}*UN*5***1~")(lines)
    return [*five, "LX*5~", "SV1*HC:96415*{charge}*UN*5***1~", "DTP*472*D8*{date}~"]


X12_VARIANTS = [
    ("JZ dropped", "J9306", swap("HC:J9306:JZ", "HC:J9306"), "jz-nothing-discarded"),
    ("MUE on two lines of one date", "J9306", extra_96415, "mue-mai-3"),
    ("59 on the drug line", "J9306", swap("HC:J9306:JZ", "HC:J9306:JZ:59"), "drug-line-modifiers"),
    ("NDC of another code", "J9306", swap("N4*50242014501", "N4*50242013201"), "ndc-crosswalk"),
    ("add-on alone", "J9306", swap("HC:96413*", "HC:96372*"), "add-on-chemotherapy"),
    ("terminated modifier", "J9306", swap("HC:J9306:JZ", "HC:J9306:JZ:JG"), "code-valid-on-date"),
    (
        "JW and JZ together",
        "J9355",
        swap("SV1*HC:J9355*", "SV1*HC:J9355:JZ*"),
        "jw-jz-not-together",
    ),
    (
        "JW without its line",
        "J9355",
        swap("SV1*HC:J9355*", "SV1*HC:J9355:JW*"),
        "jw-discarded-amount",
    ),
    ("NDC quantity off", "J9306", swap("CTP****28*ML", "CTP****20*ML"), "ndc-quantity-units"),
]


@pytest.fixture(scope="module")
def variant_rules(
    tmp_path_factory: pytest.TempPathFactory, reference: Mapping[str, Path]
) -> dict[str, list[set[str]]]:
    """Each 837 variant's rules broken, checked as 837 files and as one CSV, all variants in
    one run (each claim a beneficiary of its own, so one run is as good as one each)."""
    folder = tmp_path_factory.mktemp("variants")
    texts = {
        name: claim_837(code, "837P", edit, claim_id=f"V{index}", member=f"M{index}")
        for index, (name, code, edit, _rule) in enumerate(X12_VARIANTS)
    }
    files = []
    for index, text in enumerate(texts.values()):
        files.append(folder / f"{index}.837")
        files[-1].write_text(text)
    extract = write_csv(folder / "all.csv", [r for text in texts.values() for r in rows_of(text)])
    found: dict[str, list[set[str]]] = {name: [] for name in texts}
    for paths in (files, [extract]):
        result = run(paths, reference)
        assert result.problems == []
        for index, name in enumerate(texts):
            found[name].append({f.rule_id for f in result.findings if f.claim_id == f"V{index}"})
    return found


@pytest.mark.parametrize(
    ("name", "rule"), [(v[0], v[3]) for v in X12_VARIANTS], ids=[v[0] for v in X12_VARIANTS]
)
def test_a_variant_raises_exactly_its_rule_as_837_and_csv(
    name: str, rule: str, variant_rules: dict[str, list[set[str]]]
) -> None:
    assert variant_rules[name] == [{rule}, {rule}]


def _edit_rows(
    code: str, form: str, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    return change([dict(row) for row in rows_of(claim_837(code, form))])


def _set(**values: object) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    return lambda rows: [{**row, **values} for row in rows]


CSV_VARIANTS = [
    ("category diagnosis", "J9306", "837P", _set(diagnosis_codes="C50"), "icd10-valid-billable"),
    (
        "unknown diagnosis",
        "J9306",
        "837I",
        _set(diagnosis_codes="C50.011;Q99.99"),
        "icd10-valid-billable",
    ),
    ("POS 19 without PO/PN", "J9306", "837I", _set(pos="19"), "opps-off-campus-po-pn"),
    ("drug alone", "J9306", "837P", lambda rows: rows[:1], "drug-supply-separate"),
    (
        "unknown code",
        "J9306",
        "837P",
        lambda rows: [*rows[:-1], {**rows[-1], "code": "ZZ123"}],
        "code-valid-on-date",
    ),
    (
        "NDC in its 10-digit label form",
        "J9306",
        "837P",
        lambda rows: [{**rows[0], "ndc": "50242-145-01"}, *rows[1:]],
        "ndc-reporting",
    ),
]


@pytest.fixture(scope="module")
def extract_rules(
    tmp_path_factory: pytest.TempPathFactory, reference: Mapping[str, Path]
) -> dict[str, set[str]]:
    """Each extract variant's rules broken, all variants in one CSV and one run (each claim
    a beneficiary of its own)."""
    rows = [
        {**row, "claim_id": f"E{index}", "patient_key": f"P{index}"}
        for index, (_name, code, form, change, _rule) in enumerate(CSV_VARIANTS)
        for row in _edit_rows(code, form, change)
    ]
    result = run([write_csv(tmp_path_factory.mktemp("extract") / "all.csv", rows)], reference)
    assert result.problems == []
    return {
        name: {f.rule_id for f in result.findings if f.claim_id == f"E{index}"}
        for index, (name, *_rest) in enumerate(CSV_VARIANTS)
    }


@pytest.mark.parametrize(
    ("name", "rule"), [(v[0], v[4]) for v in CSV_VARIANTS], ids=[v[0] for v in CSV_VARIANTS]
)
def test_an_extract_variant_raises_exactly_its_rule(
    name: str, rule: str, extract_rules: dict[str, set[str]]
) -> None:
    assert extract_rules[name] == {rule}


def test_jz_on_a_multiple_dose_drug(tmp_path: Path) -> None:
    data = example_data("J9306")
    for package in data["drug"]["packages"]:
        package["single_dose"] = False
    tables = export_reference(tmp_path / "ref", [CodeRecord.model_validate(data)])
    x12 = tmp_path / "claim.837"
    x12.write_text(claim_837("J9306", "837P"))
    result = run([x12], tables)
    assert [(f.line, f.rule_id) for f in result.findings] == [(1, "jw-jz-multiple-dose")]


def test_mai_3_denies_every_line_of_the_code_on_the_date(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    x12 = tmp_path / "claim.837"
    x12.write_text(claim_837("J9306", "837P", extra_96415))
    findings = run([x12], reference).findings
    assert [(f.line, f.severity) for f in findings] == [(3, "deny"), (5, "deny")]
    assert findings[0].message == (
        "10 units of 96415 on 2026-11-26 are above the MUE of 8 (MAI 3, date of service edit "
        "summed over the beneficiary's claims: "
        "every line of the code is denied)"
    )


def test_a_rejected_file_is_reported_without_patient_data_and_the_others_run(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    name = "ZZNAME" * 12
    broken = tmp_path / "a.837"
    broken.write_text(claim_837("J9306", "837P").replace("NM1*IL*1*DOE", f"NM1*IL*1*{name}"))
    good = tmp_path / "b.837"
    good.write_text(claim_837("J9306", "837P", swap("HC:J9306:JZ", "HC:J9306")))
    result = run([broken, good], reference)
    assert [str(p) for p in result.problems] == [
        f'{broken}:15 Subscriber Name: Data element "Subscriber Last Name" (NM103) is too '
        'long: len("…") = 72 > 60 (max_len)'
    ]
    assert {f.rule_id for f in result.findings} == {"jz-nothing-discarded"}
    text = repr(result)
    assert name not in text and "DOE" not in text and "1EG4TE5MK73" not in text


def test_bad_extract_rows_are_reported_by_file_and_row(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    rows = rows_of(claim_837("J9306", "837P"))
    rows[1] = {**rows[1], "units": "many"}
    rows[2] = {**rows[2], "service_date": "11/26/2026"}
    extract = write_csv(tmp_path / "claim.csv", rows)
    result = run([extract], reference)
    assert [str(p) for p in result.problems] == [
        f"{extract}: row 3: units is not a number; row skipped",
        f"{extract}: row 4: service_date is not YYYY-MM-DD; row skipped",
    ]
    assert result.lines == 2
    # Row 3 held 96413, the primary of 96417; row 4 held 96415, which 96417 also needs not.
    assert {(f.line, f.rule_id) for f in result.findings} == {(4, "add-on-chemotherapy")}


def test_an_extract_without_required_columns_is_reported(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    extract = tmp_path / "claim.csv"
    extract.write_text("claim_id,code\nA,J9306\n")
    result = run([extract], reference)
    assert [str(p) for p in result.problems] == [
        f"{extract}: missing columns: line, claim_type, service_date, units"
    ]
    assert result.findings == []
