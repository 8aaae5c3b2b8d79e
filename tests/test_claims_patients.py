"""MUE MAI 2 and 3 sum a beneficiary's lines of the code and date across claims: by a salted
hash of the 837 member id, or an extract's opaque `patient_key`; without a key, within the
claim. Neither the member id nor the key appears in any finding."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from codefolio.claims.reference import export_reference
from codefolio.claims.x12 import patient_key
from tests.claims_fixtures import MEMBER, claim_837, records, rows_of, write_csv
from tests.test_claims_check import extra_96415, run


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    return export_reference(tmp_path_factory.mktemp("reference"), records())


def _mue(findings: list) -> set[tuple[str, int, str]]:  # type: ignore[type-arg]
    return {(f.claim_id, f.line, f.code) for f in findings if f.rule_id.startswith("mue-")}


def test_one_beneficiarys_two_claims_of_a_day_are_summed(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    first, second, other = (tmp_path / f"{name}.837" for name in ("a", "b", "c"))
    first.write_text(claim_837("J9306", "837P", claim_id="A"))
    second.write_text(claim_837("J9355", "837P", claim_id="B"))
    other.write_text(claim_837("J9355", "837P", claim_id="C", member="9ZZ9ZZ9ZZ99"))
    result = run([first, second, other], reference)
    # 96413 (MUE 1, MAI 3) once on each of the beneficiary's claims: both lines denied; the
    # other beneficiary's claim of the same day is not touched.
    assert _mue(result.findings) == {("A", 2, "96413"), ("B", 3, "96413")}
    messages = {f.message for f in result.findings if f.rule_id == "mue-mai-3"}
    assert messages == {
        "2 units of 96413 on 2026-11-26 are above the MUE of 1 (MAI 3, date of service edit "
        "summed over the beneficiary's claims: every line of the code is denied)"
    }
    assert MEMBER not in repr(result) and "9ZZ9ZZ9ZZ99" not in repr(result)
    # Each beneficiary's claim alone is within the MUE.
    assert _mue(run([first], reference).findings) == set()


def test_an_extract_sums_by_patient_key_and_without_one_within_the_claim(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    rows = [
        {**row, "claim_id": claim, "patient_key": "opaque-7"}
        for claim, code in (("A", "J9306"), ("B", "J9355"))
        for row in rows_of(claim_837(code, "837P"))
    ]
    keyed = run([write_csv(tmp_path / "keyed.csv", rows)], reference)
    assert _mue(keyed.findings) == {("A", 2, "96413"), ("B", 3, "96413")}
    assert "opaque-7" not in repr(keyed)
    unkeyed = [{**row, "patient_key": None} for row in rows]
    assert _mue(run([write_csv(tmp_path / "plain.csv", unkeyed)], reference).findings) == set()
    # Without a key the lines of one claim are still summed.
    within = [
        {**row, "patient_key": None} for row in rows_of(claim_837("J9306", "837P", extra_96415))
    ]
    result = run([write_csv(tmp_path / "within.csv", within)], reference)
    assert _mue(result.findings) == {("J9306837P", 3, "96415"), ("J9306837P", 5, "96415")}
    assert all("summed over the claim:" in f.message for f in result.findings)


def test_the_patient_key_is_a_salted_one_way_hash_of_payer_and_member() -> None:
    (row, *_rest) = rows_of(claim_837("J9306", "837P"))
    key = str(row["patient_key"])
    assert len(key) == 32 and MEMBER not in key
    assert key == patient_key("12345", MEMBER)
    assert patient_key("12345", MEMBER, b"another run") != key
    assert patient_key("67890", MEMBER) != key  # another payer's member of that id
    assert rows_of(claim_837("J9306", "837P", member="9ZZ9ZZ9ZZ99"))[0]["patient_key"] != key


def test_a_dependents_claim_has_no_patient_key() -> None:
    """The member id of a 2000C patient loop's claim is the subscriber's, shared by the
    family: such a claim is summed within itself."""
    text = claim_837("J9306", "837P").replace(
        "NM1*PR*2*MEDICARE*****PI*12345~",
        "NM1*PR*2*MEDICARE*****PI*12345~HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JOHN~",
    )
    assert {row["patient_key"] for row in rows_of(text)} == {None}
