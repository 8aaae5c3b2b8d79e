"""Code normalization and shape rules: how a code typed by a person becomes a lookup key.

Codes are compared stripped and upper-cased. The HCPCS file right-justifies modifiers with
leading spaces; ICD-10-CM is keyed dotted; an NDC is keyed as its 11-digit 5-4-2 form.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from codefolio.billing import ndc as billing_ndc
from codefolio.codes import CPT, HCPCS, ICD10, MODIFIER, POS, TAXONOMY
from codefolio.codes import normalize_code as normalize_code
from codefolio.codes import normalize_icd10 as normalize_icd10
from codefolio.errors import ReferenceDataError

Kind = Literal["hcpcs", "modifier", "pos", "taxonomy", "icd10", "ndc"]
KINDS: tuple[Kind, ...] = get_args(Kind)

_HCPCS = re.compile(HCPCS.pattern)
_CPT = re.compile(CPT.pattern)
_POS = re.compile(POS.pattern)
_MODIFIER = re.compile(MODIFIER.pattern)
_TAXONOMY = re.compile(TAXONOMY.pattern)


def normalize_ndc(ndc: str) -> str:
    """`billing.ndc.normalize_ndc`, failing as a reference-data error for lookups."""
    try:
        return billing_ndc.normalize_ndc(ndc)
    except billing_ndc.NdcError as exc:
        raise ReferenceDataError(str(exc)) from None


def get_ndc11(ndc: str) -> str | None:
    """`normalize_ndc`, or None where the crosswalk's identifier is not an NDC at all."""
    try:
        return normalize_ndc(ndc)
    except ReferenceDataError:
        return None


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
    if re.fullmatch(r"\d{11}|\d{4,5}-\d{3,4}-\d{1,2}", text):
        return "ndc"
    if re.fullmatch(r"\d{10}", text):
        return "ndc"  # ambiguous, but only an NDC has this shape; lookup explains why
    if ICD10.matches(text):
        return "icd10"
    return None


def require_kind(kind: str) -> Kind:
    """`kind` as a Kind; raises naming the known kinds."""
    for known in KINDS:
        if kind == known:
            return known
    raise ReferenceDataError(f"unknown kind of code {kind!r} (expected one of {', '.join(KINDS)})")
