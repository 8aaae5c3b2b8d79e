"""Everything the shipped data sets say about one code: the service behind `codefolio lookup`.

For a HCPCS or CPT code that is the code set row plus its MUE, latest ASP limit, OPPS rate
and NDC packages; for other kinds, the one row. CPT descriptors are never shipped.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codefolio.codes import CPT_MODIFIERS
from codefolio.errors import ReferenceDataError
from codefolio.refdata.codes import Kind, infer_kind, is_cpt_shaped, normalize_code, require_kind
from codefolio.refdata.lookup import ReferenceData
from codefolio.refdata.models import (
    AspLimit,
    Diagnosis,
    HcpcsCode,
    Modifier,
    Mue,
    NdcPackage,
    OppsRate,
    PlaceOfService,
    Taxonomy,
)

if TYPE_CHECKING:
    from pydantic import TypeAdapter

KIND_LABELS: dict[Kind, str] = {
    "hcpcs": "HCPCS/CPT code",
    "modifier": "HCPCS modifier",
    "pos": "Place of Service code",
    "taxonomy": "NUCC taxonomy code",
    "icd10": "ICD-10-CM code",
    "ndc": "NDC",
}
CPT_NOTE = (
    "CPT descriptors are not shipped (AMA copyright); the data sets hold its code number only"
)

CPT_MODIFIER_NOTE = (
    "{code} is a CPT modifier (AMA CPT, Appendix A), which records may use by number; its "
    "descriptor is in the AMA CPT code set and is not shipped (AMA copyright)"
)

Record = HcpcsCode | Modifier | PlaceOfService | Taxonomy | Diagnosis


@dataclass(frozen=True)
class CodeReport:
    """What the data sets hold for one code, each part carrying its own data set edition."""

    code: str
    kind: Kind
    record: Record | None = None
    mue: list[Mue] = field(default_factory=list)
    asp: AspLimit | None = None
    opps: OppsRate | None = None
    ndc_packages: list[NdcPackage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        """The report as JSON (decimals as exact text, dates ISO), by pydantic, loaded here
        only: a lookup printing a table does not need it."""
        return _json_adapter().dump_json(self)


@functools.cache
def _json_adapter() -> TypeAdapter[CodeReport]:
    from pydantic import TypeAdapter

    return TypeAdapter(CodeReport)


def _unknown(ref: ReferenceData, kind: Kind, code: str) -> ReferenceDataError:
    suggestions = ref.nearest(kind, code)
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return ReferenceDataError(f"unknown {KIND_LABELS[kind]} {code!r} (kind {kind}){hint}")


def require_kind_of(code: str, kind: str | None) -> Kind:
    """The kind given, or the one the code's shape implies; raises when nothing fits."""
    if kind is not None:
        return require_kind(kind)
    inferred = infer_kind(code)
    if inferred is None:
        raise ReferenceDataError(
            f"cannot tell what kind of code {code.strip()!r} is: it fits no known shape "
            "(HCPCS J9306 or CPT 96413, modifier JW, POS 11, taxonomy 207RX0202X, "
            "ICD-10-CM C50.011, NDC 50242-0145-01); pass --kind"
        )
    return inferred


def _report_billing_code(ref: ReferenceData, code: str) -> CodeReport:
    record = ref.hcpcs(code)
    history = ref.asp_history(code)
    report = CodeReport(
        code=code,
        kind="hcpcs",
        record=record,
        mue=ref.mue(code),
        asp=history[-1] if history else None,
        opps=ref.opps(code),
        ndc_packages=ref.ndc_packages(code),
    )
    if record is None and not (report.mue or report.asp or report.opps or report.ndc_packages):
        raise _unknown(ref, "hcpcs", code)
    notes = []
    if is_cpt_shaped(code):
        notes.append(CPT_NOTE)
    elif record is None:
        notes.append(f"{code} is not in HCPCS Level II {ref.dataset('hcpcs').edition}")
    return dataclasses.replace(report, notes=notes)


def report_code(ref: ReferenceData, code: str, kind: str | None = None) -> CodeReport:
    """Look a code up in every data set of its kind; raises with suggestions when unknown."""
    checked = require_kind_of(code, kind)
    key = normalize_code(code)
    if checked == "hcpcs":
        return _report_billing_code(ref, key)
    if checked == "ndc":
        packages = ref.ndc(code)
        if not packages:
            raise _unknown(ref, "ndc", code.strip())
        return CodeReport(code=packages[0].ndc, kind="ndc", ndc_packages=packages)
    if checked in ("modifier", "pos") and key in CPT_MODIFIERS:
        return _report_two_digits(ref, key, checked, given=kind is not None)
    finders = {
        "modifier": ref.modifier,
        "pos": ref.pos,
        "taxonomy": ref.taxonomy,
        "icd10": ref.icd10,
    }
    record: Record | None = finders[checked](code)
    if record is None:
        raise _unknown(ref, checked, key)
    return CodeReport(code=record.code, kind=checked, record=record)


def _report_two_digits(ref: ReferenceData, code: str, kind: Kind, *, given: bool) -> CodeReport:
    """Two digits that are a CPT modifier number: a Place of Service code when asked for one
    (or when one exists and no kind was given, saying it is a modifier too), else the CPT
    modifier, whose descriptor is AMA's."""
    place = ref.pos(code) if kind == "pos" else None
    if place is not None:
        notes = [] if given else [f"{code} is also a CPT modifier; pass --kind modifier for it"]
        return CodeReport(code=place.code, kind="pos", record=place, notes=notes)
    if kind == "pos" and given:
        raise _unknown(ref, "pos", code)
    return CodeReport(code=code, kind="modifier", notes=[CPT_MODIFIER_NOTE.format(code=code)])
