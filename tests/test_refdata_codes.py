"""Code normalization and shape inference."""

from __future__ import annotations

import pytest

from codefolio.errors import ReferenceDataError
from codefolio.refdata import infer_kind, normalize_ndc
from codefolio.refdata.codes import normalize_code, normalize_icd10


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50242-0145-01", "50242014501"),  # 5-4-2
        ("50242014501", "50242014501"),  # 11 digits
        ("0002-7510-01", "00002751001"),  # 4-4-2
        ("50242-145-01", "50242014501"),  # 5-3-2
        ("50242-0145-1", "50242014501"),  # 5-4-1
        (" 50242-0145-01\n", "50242014501"),
    ],
)
def test_ndc_shapes_pad_to_5_4_2(raw: str, expected: str) -> None:
    assert normalize_ndc(raw) == expected


def test_unhyphenated_ten_digit_ndc_is_ambiguous() -> None:
    with pytest.raises(ReferenceDataError, match="10 digits without hyphens, which is ambiguous"):
        normalize_ndc("5024214501")


@pytest.mark.parametrize("raw", ["GG100", "502-42-0145", "50242-0145-001", "1234-567-89"])
def test_non_ndcs_are_refused(raw: str) -> None:
    with pytest.raises(ReferenceDataError):
        normalize_ndc(raw)


def test_codes_are_stripped_and_upper_cased() -> None:
    assert normalize_code("   jw") == "JW"
    assert normalize_code(" j 9306 ") == "J9306"
    assert normalize_icd10("c50011") == normalize_icd10("C50.011") == "C50.011"
    assert normalize_icd10("z51.11") == "Z51.11"
    assert normalize_icd10("c50") == "C50"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("J9306", "hcpcs"),
        ("j9306", "hcpcs"),
        ("96413", "hcpcs"),
        ("0001U", "hcpcs"),
        ("11", "pos"),
        ("JW", "modifier"),
        ("59", "pos"),
        ("x9", "modifier"),
        ("207RX0202X", "taxonomy"),
        ("C50.011", "icd10"),
        ("Z51.11", "icd10"),
        ("C50", "icd10"),
        ("50242-0145-01", "ndc"),
        ("50242014501", "ndc"),
        ("5024214501", "ndc"),
        ("hello", None),
        ("9306", None),
        ("J9306-JW", None),
        ("", None),
    ],
)
def test_kind_is_inferred_from_the_shape(code: str, kind: str | None) -> None:
    assert infer_kind(code) == kind
