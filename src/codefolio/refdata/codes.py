"""Code normalization and shape rules: how a code typed by a person becomes a lookup key.

Codes are compared stripped and upper-cased. The HCPCS file right-justifies modifiers with
leading spaces; ICD-10-CM is keyed dotted; an NDC is keyed as its 11-digit 5-4-2 form.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from codefolio.errors import ReferenceDataError

Kind = Literal["hcpcs", "modifier", "pos", "taxonomy", "icd10", "ndc"]
KINDS: tuple[Kind, ...] = get_args(Kind)

_HCPCS = re.compile(r"[A-Z]\d{4}")
_CPT = re.compile(r"\d{4}[0-9FTU]")
_POS = re.compile(r"\d{2}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_TAXONOMY = re.compile(r"[0-9A-Z]{9}X")
_ICD10 = re.compile(r"[A-TV-Z]\d[0-9A-Z](\.?[0-9A-Z]{1,4})?")
_NDC_HYPHENATED = re.compile(r"(\d{4,5})-(\d{3,4})-(\d{1,2})")
# The three 10-digit NDC configurations and how each pads to 5-4-2 (FDA; CMS billing).
_NDC_SEGMENTS = {(4, 4, 2), (5, 3, 2), (5, 4, 1)}


def normalize_code(code: str) -> str:
    """Strip surrounding and inner spaces and upper-case: ` jw ` → `JW`, `j 9306` → `J9306`."""
    return re.sub(r"\s+", "", code).upper()


def normalize_icd10(code: str) -> str:
    """Dotted upper-case ICD-10-CM form: `c50011` and `C50.011` both become `C50.011`."""
    bare = normalize_code(code).replace(".", "")
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def normalize_ndc(ndc: str) -> str:
    """The 11-digit 5-4-2 NDC without hyphens, from any hyphenated 10-digit form or 11 digits.

    An unhyphenated 10-digit NDC is ambiguous (4-4-2, 5-3-2 or 5-4-1 pad differently),
    so it is refused rather than guessed.
    """
    text = normalize_code(ndc)
    if re.fullmatch(r"\d{11}", text):
        return text
    if re.fullmatch(r"\d{10}", text):
        raise ReferenceDataError(
            f"NDC {ndc.strip()!r} is 10 digits without hyphens, which is ambiguous: write it "
            "hyphenated (4-4-2, 5-3-2 or 5-4-1) or as 11 digits (5-4-2)"
        )
    match = _NDC_HYPHENATED.fullmatch(text)
    if match is None:
        raise ReferenceDataError(
            f"{ndc.strip()!r} is not an NDC (expected 11 digits, or 10 digits hyphenated "
            "4-4-2, 5-3-2 or 5-4-1)"
        )
    labeler, product, package = match.groups()
    lengths = (len(labeler), len(product), len(package))
    if lengths not in _NDC_SEGMENTS and lengths != (5, 4, 2):
        raise ReferenceDataError(
            f"NDC {ndc.strip()!r} has segments {'-'.join(map(str, lengths))}; expected "
            "4-4-2, 5-3-2, 5-4-1 or 5-4-2"
        )
    return labeler.zfill(5) + product.zfill(4) + package.zfill(2)


def get_ndc11(ndc: str) -> str | None:
    """`normalize_ndc`, or None where the crosswalk's identifier is not an NDC at all."""
    try:
        return normalize_ndc(ndc)
    except ReferenceDataError:
        return None


def format_ndc11(ndc11: str) -> str:
    """5-4-2 hyphenated form of an 11-digit NDC, as the CMS crosswalk prints it."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


def is_cpt_shaped(code: str) -> bool:
    """Five characters, four digits first: a CPT Category I/II/III code number."""
    return _CPT.fullmatch(normalize_code(code)) is not None


def infer_kind(code: str) -> Kind | None:
    """The kind of code its shape implies, or None when the shape fits no kind.

    Taxonomy before ICD (both start with a letter or digit), NDC before CPT (both digits),
    so each shape has one answer.
    """
    text = normalize_code(code)
    if _HCPCS.fullmatch(text) or _CPT.fullmatch(text):
        return "hcpcs"
    if _POS.fullmatch(text):
        return "pos"
    if _MODIFIER.fullmatch(text):
        return "modifier"
    if _TAXONOMY.fullmatch(text):
        return "taxonomy"
    if re.fullmatch(r"\d{11}", text) or _NDC_HYPHENATED.fullmatch(text):
        return "ndc"
    if re.fullmatch(r"\d{10}", text):
        return "ndc"  # ambiguous, but only an NDC has this shape; lookup explains why
    if _ICD10.fullmatch(text):
        return "icd10"
    return None


def require_kind(kind: str) -> Kind:
    """`kind` as a Kind; raises naming the known kinds."""
    for known in KINDS:
        if kind == known:
            return known
    raise ReferenceDataError(f"unknown kind of code {kind!r} (expected one of {', '.join(KINDS)})")
