"""Clinical & Coding Specifications: clinical context, coding, modifiers, provider taxonomies."""

from __future__ import annotations

from codefolio.compose.common import (
    format_amount,
    item_list,
    labelled,
    missing,
    optional_missing,
    paragraphs,
    src,
)
from codefolio.compose.model import (
    MISSING_TEXT,
    Block,
    Paragraph,
    Row,
    Section,
    Table,
)
from codefolio.records.model import CodeRecord, Drug


def compose_specifications(record: CodeRecord) -> Section:
    return Section(
        id="specifications",
        title="Clinical & Coding Specifications",
        subsections=[
            _clinical_context(record),
            _coding_specifications(record),
            _modifiers(record),
            _taxonomies(record),
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


def _coding_specifications(record: CodeRecord) -> Section:
    blocks: list[Block] = []
    drug = record.drug
    if drug and drug.billing_unit:
        blocks.append(
            Paragraph(
                label="Billing unit",
                text=f"one unit of {record.code} = {drug.billing_unit}",
                sources=src("code", "drug.billing_unit"),
            )
        )
    if drug and drug.packages:
        blocks.append(_packages(drug))
    if drug and drug.doses:
        blocks.append(
            Table(
                caption="Doses",
                columns=["Dose", "Amount"],
                rows=[
                    Row(
                        cells=[dose.label, f"{format_amount(dose.amount)} {dose.unit}"],
                        sources=src(f"drug.doses[{i}]"),
                    )
                    for i, dose in enumerate(drug.doses)
                ],
            )
        )
    if not blocks:
        blocks.append(optional_missing("drug", "Billing unit, packages and doses"))
    return Section(id="coding_specifications", title="Coding Specifications", blocks=blocks)


def _packages(drug: Drug) -> Table:
    def dose_kind(single: bool | None) -> str:
        return {True: "Single-dose", False: "Multiple-dose", None: MISSING_TEXT}[single]

    return Table(
        caption="NDC packages",
        columns=["NDC", "Package", "Amount", "Container"],
        rows=[
            Row(
                cells=[
                    package.ndc,
                    package.description or MISSING_TEXT,
                    f"{format_amount(package.amount)} {package.unit or ''}".strip()
                    if package.amount is not None
                    else MISSING_TEXT,
                    dose_kind(package.single_dose),
                ],
                sources=src(f"drug.packages[{i}]"),
            )
            for i, package in enumerate(drug.packages)
        ],
    )


def _modifiers(record: CodeRecord) -> Section:
    block = (
        item_list("modifiers", [(m.code, m.usage or MISSING_TEXT) for m in record.modifiers])
        if record.modifiers
        else missing("modifiers")
    )
    return Section(id="modifiers", title="Modifiers", blocks=[block])


def _taxonomies(record: CodeRecord) -> Section:
    block = (
        item_list(
            "provider_taxonomies", [labelled(t.code, t.name) for t in record.provider_taxonomies]
        )
        if record.provider_taxonomies
        else missing("provider_taxonomies")
    )
    return Section(id="taxonomies", title="Provider Taxonomies", blocks=[block])
