"""One code-system registry: the record model, the reference-data lookups and the checks
agree on every code's shape because they read the same declaration."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from codefolio.codes import CODE_SYSTEMS, HCPCS, ICD10, MUE_SETTINGS, NDC_UNIT_QUALIFIERS
from codefolio.records import fields
from codefolio.refdata.codes import infer_kind
from codefolio.refdata.models import SETTINGS


@pytest.mark.parametrize(
    ("code", "hcpcs"),
    [("J9306", True), ("Q5112", True), ("V2020", True), ("W1234", False), ("Z5111", False)],
)
def test_hcpcs_shape_is_the_same_in_records_and_lookups(code: str, hcpcs: bool) -> None:
    """HCPCS Level II codes use the letters A to V; records and lookups once disagreed."""
    assert HCPCS.matches(code) is hcpcs
    accepted = True
    try:
        TypeAdapter(fields.BillingCode).validate_python(code)
    except ValidationError:
        accepted = False
    assert accepted is hcpcs
    assert (infer_kind(code) == "hcpcs") is hcpcs


def test_icd10_normaliser_dots_but_never_moves_a_dot() -> None:
    assert ICD10.normalize("c50011") == "C50.011"
    assert ICD10.matches("C5.0011") is False
    with pytest.raises(ValidationError):
        TypeAdapter(fields.Icd10Code).validate_python("C5.0011")
    assert TypeAdapter(fields.Icd10Code).validate_python("c50011") == "C50.011"


def test_fixed_lists_are_declared_once() -> None:
    assert get_args(fields.NdcUnit) == tuple(NDC_UNIT_QUALIFIERS)
    assert tuple(MUE_SETTINGS) == SETTINGS
    assert set(CODE_SYSTEMS) == {"hcpcs", "cpt", "modifier", "pos", "taxonomy", "icd10", "ndc"}
    assert CODE_SYSTEMS["ndc"].normalize("50242-145-01") == "50242014501"
