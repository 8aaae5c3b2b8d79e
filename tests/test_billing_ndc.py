"""NDC: the three 10-digit label shapes and the 11-digit form all normalize to 5-4-2."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codefolio.billing.ndc import NdcError, format_ndc11, normalize_ndc


@pytest.mark.parametrize(
    ("ndc", "expected"),
    [
        ("0002-7597-01", "00002759701"),  # 4-4-2: zero before the labeler
        ("50242-145-01", "50242014501"),  # 5-3-2: zero before the product
        ("50242-0145-1", "50242014501"),  # 5-4-1: zero before the package
        ("50242-0145-01", "50242014501"),  # 5-4-2 already
        ("50242014501", "50242014501"),  # 11 digits without hyphens
        (" 50242-0145-01 ", "50242014501"),
    ],
)
def test_shapes_normalize_to_eleven_digits(ndc: str, expected: str) -> None:
    assert normalize_ndc(ndc) == expected
    assert format_ndc11(normalize_ndc(ndc)) == f"{expected[:5]}-{expected[5:9]}-{expected[9:]}"


def test_unhyphenated_ten_digits_are_refused_as_ambiguous() -> None:
    with pytest.raises(NdcError, match="10 digits without hyphens, which is ambiguous"):
        normalize_ndc("5024214501")


@pytest.mark.parametrize("text", ["50242-145", "5024-145-01", "50242-01450-1", "J9306", ""])
def test_non_ndcs_are_refused(text: str) -> None:
    with pytest.raises(NdcError, match="is not an NDC"):
        normalize_ndc(text)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


LABEL_NDC = st.one_of(
    st.tuples(_digits(4), _digits(4), _digits(2)),
    st.tuples(_digits(5), _digits(3), _digits(2)),
    st.tuples(_digits(5), _digits(4), _digits(1)),
    st.tuples(_digits(5), _digits(4), _digits(2)),
).map("-".join)


@given(LABEL_NDC)
def test_normalizing_twice_gives_the_same_result(ndc: str) -> None:
    once = normalize_ndc(ndc)
    assert len(once) == 11 and once.isdigit()
    assert normalize_ndc(once) == once
    assert normalize_ndc(format_ndc11(once)) == once
    # The digits keep their order; only zeros are added.
    assert once.replace("0", "") == ndc.replace("-", "").replace("0", "")
