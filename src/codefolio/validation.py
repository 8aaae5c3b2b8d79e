"""Check every code in a record against the shipped official code sets.

The record model checks shapes; this checks existence, dates and agreement with the data
sets. Unknown codes are errors; terminated codes and input that disagrees with a data set
are warnings (the publication keeps the input).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from codefolio.billing.pairing import pairings
from codefolio.billing.units import (
    ConversionError,
    convert,
    parse_billing_unit,
    parse_concentration,
)
from codefolio.codes import CPT_MODIFIERS, HCPCS
from codefolio.errors import Problem, RecordError
from codefolio.records import MissingElement, missing_elements, read_record
from codefolio.records.model import CodeRecord
from codefolio.records.source import FieldPath, format_path
from codefolio.refdata import ReferenceData

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One result of checking a record against the data sets."""

    severity: Severity
    field: FieldPath
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {format_path(self.field)}: {self.message}"


def check_record(record: CodeRecord, ref: ReferenceData, as_of: date) -> list[Finding]:
    """Every finding for `record`, in field order, against the data set editions in force
    on `as_of`; `as_of` dates terminations."""
    ref = ref.at(as_of)
    return [
        *_check_billing_code(("code",), record.code, ref, as_of),
        *_check_descriptor(record, ref),
        *_check_sites(record, ref),
        *_check_modifiers(record, ref, as_of),
        *_check_taxonomies(record, ref),
        *_check_diagnoses(record, ref),
        *(
            finding
            for index, entry in enumerate(record.administration_codes)
            for finding in _check_billing_code(
                ("administration_codes", index, "code"), entry.code, ref, as_of
            )
        ),
        *(
            finding
            for index, entry in enumerate(record.related_codes)
            for finding in _check_billing_code(
                ("related_codes", index, "code"), entry.code, ref, as_of
            )
        ),
        *_check_packages(record, ref),
        *_check_billing(record, ref),
        *_check_pairing(record),
    ]


def unfilled_gaps(record: CodeRecord, ref: ReferenceData) -> list[MissingElement]:
    """Required elements that neither the input nor a shipped data set gives: a Level II
    code's descriptor comes from the HCPCS file when the record has none."""
    return [
        gap
        for gap in missing_elements(record)
        if not (gap.field == "descriptor" and ref.hcpcs(record.code))
    ]


@dataclass(frozen=True)
class RecordReport:
    """What `validate` found in one record file."""

    path: Path
    code: str | None
    errors: list[Problem]
    warnings: list[Problem]
    gaps: list[MissingElement]

    @property
    def valid(self) -> bool:
        return not self.errors


def validate_files(paths: Sequence[Path], ref: ReferenceData, as_of: date) -> list[RecordReport]:
    """Load and check every file; problems are reported, never raised."""
    reports = []
    for path in paths:
        try:
            loaded = read_record(path)
        except RecordError as error:
            reports.append(RecordReport(path, None, error.problems, [], []))
            continue
        findings = check_record(loaded.record, ref, as_of)
        located = {
            severity: [
                loaded.problem(f.field, f.message) for f in findings if f.severity == severity
            ]
            for severity in ("error", "warning")
        }
        reports.append(
            RecordReport(
                path,
                loaded.record.code,
                located["error"],
                located["warning"],
                unfilled_gaps(loaded.record, ref),
            )
        )
    return reports


def _edition(ref: ReferenceData, dataset: str) -> str:
    """`HCPCS Level II 2025-10`: how a message names the data set it checked."""
    return f"{ref.dataset(dataset).name} {ref.edition(dataset)}"


def _suggest(ref: ReferenceData, kind: str, code: str) -> str:
    near = ref.nearest(kind, code)
    return f" (did you mean {', '.join(near)}?)" if near else ""


def _dates(
    field: FieldPath, what: str, added: date | None, end: date | None, as_of: date, edition: str
) -> Iterator[Finding]:
    """A code is in use from its add date to its termination date (the HCPCS file's action
    effective date dates its latest change, not the code itself)."""
    if end is not None and end < as_of:
        yield Finding("warning", field, f"{what} was terminated on {end.isoformat()} ({edition})")
    if added is not None and added > as_of:
        yield Finding(
            "warning", field, f"{what} is not in use until {added.isoformat()} ({edition})"
        )


def _check_billing_code(
    field: FieldPath, code: str, ref: ReferenceData, as_of: date
) -> Iterator[Finding]:
    """HCPCS Level II codes must be in the HCPCS file; CPT codes are checked by shape only
    because the CPT code set is the AMA's and is not shipped."""
    if not HCPCS.matches(code):
        return
    edition = _edition(ref, "hcpcs")
    row = ref.hcpcs(code)
    if row is None:
        newer = _newer_listings(code, ref)
        if newer:
            yield Finding(
                "warning",
                field,
                f"{code} is not in {edition} but is listed in {', '.join(newer)}: it may be "
                "newer than the shipped HCPCS edition; check its descriptor",
            )
        else:
            message = f"{code} is not a code in {edition}{_suggest(ref, 'hcpcs', code)}"
            yield Finding("error", field, message)
        return
    yield from _dates(field, code, row.add_date, row.termination_date, as_of, edition)


def _newer_listings(code: str, ref: ReferenceData) -> list[str]:
    """Data set editions later than the HCPCS file's that list `code` all the same (a code
    added after the shipped HCPCS edition appears there first)."""
    since = ref.dataset("hcpcs").release(ref.edition("hcpcs")).effective_start
    mue = ref.dataset("mue").release(ref.edition("mue"))
    found = []
    if ref.mue(code) and mue.effective_start and since and mue.effective_start > since:
        found.append(_edition(ref, "mue"))
    later = [
        limit
        for limit in ref.asp_history(code)
        if since and limit.effective_start and limit.effective_start > since
    ]
    if later:
        found.append(f"{ref.dataset('asp').name} {later[-1].edition}")
    return found


def _check_descriptor(record: CodeRecord, ref: ReferenceData) -> Iterator[Finding]:
    row = ref.hcpcs(record.code)
    if record.descriptor and row and not _same(record.descriptor, row.long_description):
        yield Finding(
            "warning",
            ("descriptor",),
            f"differs from the {_edition(ref, 'hcpcs')} long descriptor "
            f"{row.long_description!r}; the publication keeps the input",
        )


def _check_sites(record: CodeRecord, ref: ReferenceData) -> Iterator[Finding]:
    for index, site in enumerate(record.sites_of_service):
        place = ref.pos(site.pos)
        if place is None:
            yield Finding(
                "error",
                ("sites_of_service", index, "pos"),
                f"{site.pos} is not a code in {_edition(ref, 'pos')}",
            )
        elif site.name and not _same(site.name, place.name):
            yield _conflict(("sites_of_service", index, "name"), ref, "pos", place.name)


def _check_modifiers(record: CodeRecord, ref: ReferenceData, as_of: date) -> Iterator[Finding]:
    edition = _edition(ref, "hcpcs")
    for index, entry in enumerate(record.modifiers):
        field: FieldPath = ("modifiers", index, "code")
        if entry.code in CPT_MODIFIERS:
            continue
        modifier = ref.modifier(entry.code)
        if modifier is None:
            message = (
                f"{entry.code} is neither a modifier in {edition} nor a CPT modifier"
                f"{_suggest(ref, 'modifier', entry.code)}"
            )
            yield Finding("error", field, message)
            continue
        what = f"modifier {entry.code}"
        yield from _dates(field, what, modifier.add_date, modifier.termination_date, as_of, edition)


def _check_taxonomies(record: CodeRecord, ref: ReferenceData) -> Iterator[Finding]:
    for index, entry in enumerate(record.provider_taxonomies):
        taxonomy = ref.taxonomy(entry.code)
        if taxonomy is None:
            message = (
                f"{entry.code} is not a code in {_edition(ref, 'nucc')}"
                f"{_suggest(ref, 'taxonomy', entry.code)}"
            )
            yield Finding("error", ("provider_taxonomies", index, "code"), message)
            continue
        names = (taxonomy.display_name, taxonomy.classification, taxonomy.specialization)
        if entry.name and not any(name and _same(entry.name, name) for name in names):
            field: FieldPath = ("provider_taxonomies", index, "name")
            yield _conflict(field, ref, "nucc", taxonomy.display_name)


def _check_diagnoses(record: CodeRecord, ref: ReferenceData) -> Iterator[Finding]:
    edition = _edition(ref, "icd10cm")
    for index, entry in enumerate(record.diagnoses):
        diagnosis = ref.icd10(entry.code)
        if diagnosis is None:
            message = f"{entry.code} is not a code in {edition}{_suggest(ref, 'icd10', entry.code)}"
            yield Finding("error", ("diagnoses", index, "code"), message)
            continue
        if not diagnosis.billable:
            yield Finding(
                "warning",
                ("diagnoses", index, "code"),
                f"{entry.code} is a category in {edition}, not a billable code; "
                "report one of its more specific codes",
            )
        if entry.description and not _same(entry.description, diagnosis.description):
            yield _conflict(
                ("diagnoses", index, "description"), ref, "icd10cm", diagnosis.description
            )


def _check_packages(record: CodeRecord, ref: ReferenceData) -> Iterator[Finding]:
    if not record.drug:
        return
    name = _edition(ref, "asp-ndc")
    for index, package in enumerate(record.drug.packages):
        rows = ref.ndc(package.ndc)
        field: FieldPath = ("drug", "packages", index, "ndc")
        if not rows:
            yield Finding("warning", field, f"NDC {package.ndc} is not in the {name}")
        elif all(row.hcpcs_code != record.code for row in rows):
            codes = ", ".join(sorted({row.hcpcs_code for row in rows}))
            yield Finding(
                "warning",
                field,
                f"NDC {package.ndc} maps to {codes} in the {name}, not to {record.code}",
            )


def _check_billing(record: CodeRecord, ref: ReferenceData) -> Iterator[Finding]:
    """The input's billing unit against the HCPCS descriptor's, and doses and packages that
    cannot be expressed in it (so their worked example cannot be computed)."""
    drug = record.drug
    if not drug:
        return
    official = ref.hcpcs(record.code)
    stated = parse_billing_unit(official.long_description) if official else None
    given = parse_billing_unit(drug.billing_unit) if drug.billing_unit else None
    if given and stated and given != stated:
        # Every unit count, MUE comparison and payment figure is per the descriptor's unit,
        # so another unit would make them all wrong: an error, not a warning.
        yield Finding(
            "error",
            ("drug", "billing_unit"),
            f"{drug.billing_unit!r} contradicts the billing unit {str(stated)!r} that the "
            f"{_edition(ref, 'hcpcs')} descriptor of {record.code} states; every unit count "
            f"would be wrong: write {str(stated)!r} or leave the field out",
        )
    unit = given or stated
    if unit is None:
        return
    concentration = parse_concentration(drug.concentration) if drug.concentration else None
    amounts: list[tuple[FieldPath, Decimal | None, str | None]] = [
        (("drug", "packages", i, "unit"), p.amount, p.unit) for i, p in enumerate(drug.packages)
    ]
    amounts += [(("drug", "doses", i, "unit"), d.amount, d.unit) for i, d in enumerate(drug.doses)]
    for field, amount, measure in amounts:
        if amount is None or measure is None:
            continue
        try:
            convert(amount, measure, unit.unit, concentration)
        except ConversionError as exc:
            yield Finding("warning", field, f"no worked example: {exc}")


def _check_pairing(record: CodeRecord) -> Iterator[Finding]:
    codes = [entry.code for entry in record.administration_codes]
    for pairing in pairings(codes):
        if not pairing.primary_present:
            yield Finding(
                "warning",
                ("administration_codes", codes.index(pairing.add_on), "code"),
                f"{pairing.add_on} is an add-on code, reported only with "
                f"{' or '.join(pairing.primaries)}, which the record does not list",
            )


def _conflict(field: FieldPath, ref: ReferenceData, dataset: str, official: str) -> Finding:
    return Finding(
        "warning",
        field,
        f"differs from {official!r} in {_edition(ref, dataset)}; the publication keeps the input",
    )


def _same(given: str, official: str) -> bool:
    """Input and data set agree when they differ only in case and spacing."""
    return " ".join(given.split()).casefold() == " ".join(official.split()).casefold()
