"""The input record, format `codefolio/1`: what a billing team knows about one code."""

import re
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from codefolio.billing.ndc import normalize_ndc
from codefolio.records.fields import (
    CPT_PATTERN,
    HCPCS_PATTERN,
    Amount,
    BillingCode,
    BillingUnitText,
    ConcentrationText,
    Icd10Code,
    ModifierCode,
    NdcCode,
    NdcUnit,
    NumberText,
    PosCode,
    TaxonomyCode,
    Text,
    UnitText,
)

RECORD_FORMAT: Literal["codefolio/1"] = "codefolio/1"
CodeSystem = Literal["HCPCS Level II", "CPT"]


class _Strict(BaseModel):
    """Unknown fields are errors, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _reject_duplicates(values: Iterable[str], what: str) -> None:
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        key = value.casefold()
        if key in first:
            raise PydanticCustomError(
                "duplicate",
                "{what} {value} is listed twice (items [{first}] and [{again}]); keep one",
                {"what": what, "value": repr(value), "first": first[key], "again": index},
            )
        first[key] = index


class SiteOfService(_Strict):
    pos: PosCode
    name: Text | None = None


class Package(_Strict):
    ndc: NdcCode
    description: Text | None = None
    amount: Amount | None = None
    unit: UnitText | None = None
    single_dose: bool | None = None
    ndc_unit: NdcUnit | None = None
    """The NDC unit of measure qualifier reported on claims (UN, ML, GR, F2, ME)."""
    ndc_quantity: Amount | None = None
    """How many of `ndc_unit` one package holds (14 for a 14 mL vial reported in ML)."""


class Dose(_Strict):
    label: Text
    amount: Amount
    unit: UnitText


class Drug(_Strict):
    generic_name: Text | None = None
    brand_names: list[Text] = []
    category: Text | None = None
    route: Text | None = None
    billing_unit: BillingUnitText | None = None
    concentration: ConcentrationText | None = None
    """Drug per volume ("30 mg/mL", "420 mg/14 mL"), to turn mL into mg and back."""
    packages: list[Package] = []
    doses: list[Dose] = []

    @field_validator("packages")
    @classmethod
    def _unique_ndcs(cls, packages: list[Package]) -> list[Package]:
        """One package per NDC, however it is hyphenated (50242-145-01 is 50242-0145-01)."""
        _reject_duplicates((normalize_ndc(p.ndc) for p in packages), "NDC")
        return packages


class Diagnosis(_Strict):
    code: Icd10Code
    description: Text | None = None


class Modifier(_Strict):
    code: ModifierCode
    usage: Text | None = None


class Taxonomy(_Strict):
    code: TaxonomyCode
    name: Text | None = None


def _yes_no_text(value: object) -> object:
    """RECORD.md allows `prior_authorization: true/false`; publications say it in words."""
    if isinstance(value, bool):
        return "Required" if value else "Not required"
    return value


class Payer(_Strict):
    name: Text
    prior_authorization: Annotated[Text, BeforeValidator(_yes_no_text)] | None = None
    policy: Text | None = None
    site_of_care: Text | None = None
    notes: Text | None = None


class CodeNote(_Strict):
    """A code billed with this one, and what the team says about the pairing."""

    code: BillingCode
    note: Text | None = None


class RelatedCode(_Strict):
    code: BillingCode
    relation: Text | None = None


class Benchmark(_Strict):
    label: Text
    value: NumberText
    source: Text | None = None


class CodeRecord(_Strict):
    """One billing code as the team knows it. Everything but `code` is optional."""

    format: Literal["codefolio/1"] = RECORD_FORMAT
    code: BillingCode
    code_system: CodeSystem | None = None
    descriptor: Text | None = None
    service_type: Text | None = None
    sites_of_service: list[SiteOfService] = []
    drug: Drug | None = None
    clinical_context: Text | None = None
    diagnoses: list[Diagnosis] = []
    modifiers: list[Modifier] = []
    provider_taxonomies: list[Taxonomy] = []
    payers: list[Payer] = []
    administration_codes: list[CodeNote] = []
    related_codes: list[RelatedCode] = []
    benchmarks: list[Benchmark] = []
    documentation: list[Text] = []
    audience: Text | None = None

    @field_validator("sites_of_service")
    @classmethod
    def _unique_sites(cls, sites: list[SiteOfService]) -> list[SiteOfService]:
        _reject_duplicates((s.pos for s in sites), "Place of Service")
        return sites

    @field_validator("diagnoses", "modifiers", "provider_taxonomies", "administration_codes")
    @classmethod
    def _unique_codes(
        cls, items: list[Diagnosis] | list[Modifier] | list[Taxonomy] | list[CodeNote]
    ) -> list[Diagnosis] | list[Modifier] | list[Taxonomy] | list[CodeNote]:
        _reject_duplicates((item.code for item in items), "code")
        return items

    @field_validator("payers")
    @classmethod
    def _unique_payers(cls, payers: list[Payer]) -> list[Payer]:
        _reject_duplicates((p.name for p in payers), "payer")
        return payers

    @field_validator("code_system")
    @classmethod
    def _system_matches_code(
        cls, system: CodeSystem | None, info: ValidationInfo
    ) -> CodeSystem | None:
        code = info.data.get("code")
        if system is not None and code is not None and infer_code_system(code) != system:
            raise PydanticCustomError(
                "code_system_mismatch",
                "code {code} has the shape of a {inferred} code, not {given}",
                {"code": repr(code), "inferred": infer_code_system(code), "given": system},
            )
        return system

    @model_validator(mode="after")
    def _infer_code_system(self) -> "CodeRecord":
        if self.code_system is None:
            object.__setattr__(self, "code_system", infer_code_system(self.code))
        return self

    @property
    def system(self) -> CodeSystem:
        """The code system, always known after validation."""
        return self.code_system or infer_code_system(self.code)

    @property
    def is_drug_code(self) -> bool:
        """Drug codes bill the product; their administration is billed on its own line.

        HCPCS J codes are drugs administered other than by the oral method (CMS HCPCS Level II).
        """
        return self.drug is not None or self.code.startswith("J")


def infer_code_system(code: str) -> CodeSystem:
    if re.fullmatch(HCPCS_PATTERN, code):
        return "HCPCS Level II"
    if re.fullmatch(CPT_PATTERN, code):
        return "CPT"
    raise ValueError(f"{code!r} is neither a HCPCS Level II nor a CPT code")
