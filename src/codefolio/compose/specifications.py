"""Clinical & Coding Specifications: clinical context, coding, modifiers, provider taxonomies."""

from __future__ import annotations

from decimal import Decimal

from codefolio.billing.ndc import normalize_ndc
from codefolio.billing.units import ROUNDING_RULE, format_quantity
from codefolio.compose.common import (
    format_amount,
    missing,
    optional_missing,
    paragraphs,
    sentence,
    src,
)
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import (
    MISSING_TEXT,
    Block,
    Paragraph,
    Row,
    Section,
    Table,
)
from codefolio.compose.worked import ROUNDING, BillingWork, worked_dose
from codefolio.records.model import CodeRecord, Drug
from codefolio.refdata import NdcPackage
from codefolio.validation import CPT_MODIFIERS


def compose_specifications(record: CodeRecord, facts: ReferenceFacts, work: BillingWork) -> Section:
    return Section(
        id="specifications",
        title="Clinical & Coding Specifications",
        subsections=[
            _clinical_context(record),
            _coding_specifications(record, facts, work),
            _modifiers(record, facts),
            _taxonomies(record, facts),
        ],
    )


def _clinical_context(record: CodeRecord) -> Section:
    blocks: list[Block] = (
        [
            Paragraph(text=text, sources=src("clinical_context"))
            for text in paragraphs(record.clinical_context)
        ]
        if record.clinical_context
        else [missing("clinical_context")]
    )
    return Section(id="clinical_context", title="Clinical Context", blocks=blocks)


def _coding_specifications(record: CodeRecord, facts: ReferenceFacts, work: BillingWork) -> Section:
    blocks: list[Block] = []
    drug = record.drug
    if work.unit:
        origin = (
            "" if record.drug and record.drug.billing_unit else ", as its HCPCS descriptor states"
        )
        blocks.append(
            Paragraph(
                label="Billing unit",
                text=f"one unit of {record.code} = {work.unit.unit}{origin}",
                sources=[*src("code"), *work.unit.sources],
            )
        )
    elif work.unit_problem:
        blocks.append(
            Paragraph(
                label="Billing unit",
                text=f"{sentence(work.unit_problem)} {MISSING_TEXT}",
                sources=cite(facts.hcpcs, "long_description") if facts.hcpcs else [],
            )
        )
    if work.concentration:
        blocks.append(
            Paragraph(
                label="Concentration",
                text=f"{record.drug.concentration if record.drug else ''} "
                f"({format_quantity(work.concentration.per_ml)} {work.concentration.unit} per mL)",
                sources=src("drug.concentration"),
            )
        )
    if drug and drug.packages:
        blocks.append(_packages(drug, facts))
    elif facts.ndc_packages:
        blocks.append(_crosswalk_packages(facts.ndc_packages))
    if work.doses:
        blocks.append(
            Paragraph(
                label="Units",
                text=f"the dose divided by the billing unit; {ROUNDING_RULE}.",
                sources=[ROUNDING],
            )
        )
        blocks.extend(worked_dose(record, worked) for worked in work.doses)
    if not blocks:
        blocks.append(optional_missing("drug", "Billing unit, packages and doses"))
    return Section(id="coding_specifications", title="Coding Specifications", blocks=blocks)


def _packages(drug: Drug, facts: ReferenceFacts) -> Table:
    """The input's packages; billing units per package come from the NDC-HCPCS crosswalk."""

    def dose_kind(single: bool | None) -> str:
        return {True: "Single-dose", False: "Multiple-dose", None: MISSING_TEXT}[single]

    rows = []
    for i, package in enumerate(drug.packages):
        sources = src(f"drug.packages[{i}]")
        match = facts.crosswalk_row(package.ndc)
        if match:
            units = _crosswalk_number(match.billing_units_per_package)
            sources += cite(match, "billing_units_per_package")
        else:
            crosswalk_set = facts.datasets["asp-ndc"]
            units = f"not in the {crosswalk_set.name} {crosswalk_set.edition}"
        rows.append(
            Row(
                cells=[
                    package.ndc,
                    normalize_ndc(package.ndc),
                    package.description or MISSING_TEXT,
                    f"{format_amount(package.amount)} {package.unit or ''}".strip()
                    if package.amount is not None
                    else MISSING_TEXT,
                    dose_kind(package.single_dose),
                    f"{package.ndc_unit} {format_amount(package.ndc_quantity)}"
                    if package.ndc_unit and package.ndc_quantity
                    else MISSING_TEXT,
                    units,
                ],
                sources=sources,
            )
        )
    return Table(
        caption="NDC packages",
        columns=[
            "NDC",
            "NDC on claims (11-digit)",
            "Package",
            "Amount",
            "Container",
            "NDC unit and quantity per package",
            "Billing units per package",
        ],
        rows=rows,
    )


def _crosswalk_packages(packages: list[NdcPackage]) -> Table:
    """The record names no package: the latest ASP NDC-HCPCS crosswalk lists them."""
    return Table(
        caption=f"NDC packages (ASP NDC-HCPCS crosswalk, {packages[0].quarter})",
        columns=[
            "NDC",
            "Drug name",
            "Labeler",
            "Package size",
            "Package quantity",
            "Billing units per package",
        ],
        rows=[
            Row(
                cells=[
                    row.ndc,
                    row.drug_name,
                    row.labeler,
                    _crosswalk_number(row.package_size),
                    _crosswalk_number(row.package_quantity),
                    _crosswalk_number(row.billing_units_per_package),
                ],
                sources=cite(
                    row,
                    "ndc",
                    "drug_name",
                    "labeler",
                    "package_size",
                    "package_quantity",
                    "billing_units_per_package",
                ),
            )
            for row in packages
        ],
    )


def _crosswalk_number(value: Decimal | None) -> str:
    return format_amount(value) if value is not None else "not a number in the crosswalk"


def _modifiers(record: CodeRecord, facts: ReferenceFacts) -> Section:
    if not record.modifiers:
        return Section(id="modifiers", title="Modifiers", blocks=[missing("modifiers")])
    rows = []
    for i, entry in enumerate(record.modifiers):
        sources = src(f"modifiers[{i}]")
        official = facts.modifiers.get(entry.code)
        if official:
            description = official.long_description
            sources += cite(official, "long_description")
        elif entry.code in CPT_MODIFIERS:
            description = "CPT modifier; its descriptor is in the AMA CPT code set"
        else:
            description = MISSING_TEXT
        rows.append(
            Row(cells=[entry.code, description, entry.usage or MISSING_TEXT], sources=sources)
        )
    table = Table(
        caption="Modifiers", columns=["Modifier", "Description", "When to use"], rows=rows
    )
    return Section(id="modifiers", title="Modifiers", blocks=[table])


def _taxonomies(record: CodeRecord, facts: ReferenceFacts) -> Section:
    if not record.provider_taxonomies:
        blocks: list[Block] = [missing("provider_taxonomies")]
        return Section(id="taxonomies", title="Provider Taxonomies", blocks=blocks)
    rows = []
    for i, entry in enumerate(record.provider_taxonomies):
        sources = src(f"provider_taxonomies[{i}].code")
        official = facts.taxonomies.get(entry.code)
        name = entry.name
        if name:
            sources += src(f"provider_taxonomies[{i}].name")
        elif official:
            name = official.display_name
            sources += cite(official, "display_name")
        cells = [entry.code, name or MISSING_TEXT]
        if official:
            cells += [official.classification, official.specialization or "none"]
            sources += cite(official, "classification", "specialization")
        else:
            cells += [MISSING_TEXT, MISSING_TEXT]
        rows.append(Row(cells=cells, sources=sources))
    table = Table(
        caption="Provider taxonomies (NUCC)",
        columns=["Taxonomy code", "Name", "Classification", "Specialization"],
        rows=rows,
    )
    return Section(id="taxonomies", title="Provider Taxonomies", blocks=[table])
