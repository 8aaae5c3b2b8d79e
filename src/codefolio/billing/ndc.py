"""National Drug Codes on claims: the 10-digit label forms and the 11-digit billing form.

The FDA labels an NDC in 10 digits as 4-4-2, 5-3-2 or 5-4-1; claims carry 11 digits 5-4-2,
made by padding the short segment with a leading zero. Without its hyphens a 10-digit NDC
could pad three ways, so it is refused rather than guessed.
"""

from __future__ import annotations

import re
from typing import Final

_HYPHENATED = re.compile(r"(\d{4,5})-(\d{3,4})-(\d{1,2})")
_SEGMENTS: Final = {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}


class NdcError(ValueError):
    """Text that is not an NDC, or a 10-digit NDC whose segments cannot be told."""


def normalize_ndc(ndc: str) -> str:
    """The 11-digit 5-4-2 NDC without hyphens, from 4-4-2, 5-3-2, 5-4-1 or 5-4-2 hyphenated
    forms or 11 bare digits. Spaces around and inside are ignored."""
    text = re.sub(r"\s+", "", ndc)
    if re.fullmatch(r"\d{11}", text):
        return text
    if re.fullmatch(r"\d{10}", text):
        raise NdcError(
            f"NDC {ndc.strip()!r} is 10 digits without hyphens, which is ambiguous (4-4-2, "
            "5-3-2 and 5-4-1 pad to 11 digits differently): write it with its hyphens, such "
            "as 50242-0145-01, or as 11 digits"
        )
    match = _HYPHENATED.fullmatch(text)
    lengths = tuple(len(segment) for segment in match.groups()) if match else None
    if match is None or lengths not in _SEGMENTS:
        raise NdcError(
            f"{ndc.strip()!r} is not an NDC (expected 10 digits hyphenated 4-4-2, 5-3-2 or "
            "5-4-1, or 11 digits 5-4-2 with or without hyphens)"
        )
    labeler, product, package = match.groups()
    return labeler.zfill(5) + product.zfill(4) + package.zfill(2)


def format_ndc11(ndc11: str) -> str:
    """5-4-2 hyphenated form of an 11-digit NDC, as the CMS crosswalk prints it."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"
