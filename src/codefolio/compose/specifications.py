"""Clinical & Coding Specifications: clinical context, coding, modifiers, provider taxonomies."""

from __future__ import annotations

from decimal import Decimal

from codefolio.billing.mue import mai_rule_id
from codefolio.billing.ndc import normalize_ndc
from codefolio.billing.package_quantity import package_ndc_quantity
from codefolio.billing.rules import require_rule
from codefolio.billing.units import format_quantity
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
from codefolio.compose.modifiers import compose_modifiers
from codefolio.compose.rules import ROUNDING, cite_rule
from codefolio.compose.worked import BillingWork, worked_dose
from codefolio.records.model import CodeRecord, Drug, Package
from codefolio.refdata import NdcPackage


def compose_specifications(record: CodeRecord, facts: ReferenceFacts, work: BillingWork) -> Section:
    return Section(
        id="specifications",
        title="Clinical & Coding Specifications",
        subsections=[
            _clinical_context(record),
            _coding_specifications(record, facts, work),
            compose_modifiers(record, facts),
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
        blocks.append(_packages(drug, facts, work))
    elif facts.ndc_packages:
        blocks.append(_crosswalk_packages(facts.ndc_packages))
    if work.doses:
        blocks.append(
            Paragraph(
                label="Units",
                text=require_rule("units-round-up").statement,
                sources=[ROUNDING],
            )
        )
        blocks.extend(worked_dose(record, worked) for worked in work.doses)
        blocks.extend(_mue_adjudication(work))
    if not blocks:
        blocks.append(optional_missing("drug", "Billing unit, packages and doses"))
    return Section(id="coding_specifications", title="Coding Specifications", blocks=blocks)


def _mue_adjudication(work: BillingWork) -> list[Block]:
    """What the MUE adjudication indicators of the worked examples mean, said once."""
    rule_ids = [rule_id for mai in work.mais if (rule_id := mai_rule_id(mai))]
    if not rule_ids:
        return []
    text = " ".join(require_rule(rule_id).statement for rule_id in ["mue-limit", *rule_ids])
    sources = [cite_rule(rule_id) for rule_id in ["mue-limit", *rule_ids]]
    if any(mai in (2, 3) for mai in work.mais):
        text += " Modifiers such as 59 or XE/XS/XP/XU do not lift a date of service MUE."
        sources.append(cite_rule("distinct-service-modifiers"))
    return [Paragraph(label="MUE adjudication", text=text, sources=sources)]


def _packages(drug: Drug, facts: ReferenceFacts, work: BillingWork) -> Table:
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
                    _ndc_quantity(package, work),
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


def _ndc_quantity(package: Package, work: BillingWork) -> str:
    """`ML 14`, saying where a quantity the input does not state directly comes from."""
    found = package_ndc_quantity(package, work.concentration)
    if found is None:
        return MISSING_TEXT
    unit, quantity, origin = found
    text = f"{unit} {format_amount(quantity)}"
    if origin == "concentration":
        return f"{text} (the amount at the input's concentration)"
    if origin == "description":
        return f"{text} (the volume in the input's description)"
    return text


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
