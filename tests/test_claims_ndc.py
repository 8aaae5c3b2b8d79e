"""NDC forms of claim and pharmacy extracts: read where the intent is plain, refused
otherwise, always given back in the 11-digit billing form."""

from __future__ import annotations

import pytest

from codefolio.billing.ndc import NdcError, normalize_ndc


@pytest.mark.parametrize(
    ("ndc", "expected"),
    [
        ("000406-0522-05", "00406052205"),  # 6-digit labeler with a leading zero
        ("54868-5338-*3", "54868533803"),  # asterisk for the padding zero
        ("000406052201", "00406052201"),  # 12 digits with a leading zero
        ("000406-522-05", "00406052205"),  # 6-digit labeler, 3-digit product
        ("54868-*338-03", "54868033803"),
        ("0406-0522-05", "00406052205"),  # the 4-4-2 label form still
        ("00406-0522-05", "00406052205"),  # and the 5-4-2 billing form
    ],
)
def test_padded_extract_forms_read_to_eleven_digits(ndc: str, expected: str) -> None:
    assert normalize_ndc(ndc) == expected


@pytest.mark.parametrize(
    "text",
    [
        "100406-0522-05",  # 6-digit labeler without a leading zero
        "0000406-0522-05",  # 7 digits
        "123456789012",  # 12 digits without a leading zero
        "54868-5338-**3",  # two placeholders
        "54868-5338-*03",  # a placeholder that is not padding
        "5486*-5338-03",  # a placeholder inside a segment
        "0406-522-05",  # 4-3-2 is no label form
    ],
)
def test_ambiguous_forms_are_refused(text: str) -> None:
    with pytest.raises(NdcError, match="is not an NDC"):
        normalize_ndc(text)
