"""Payer Coverage Considerations: one subsection per payer named in the input."""

from __future__ import annotations

from codefolio.compose.common import join_words, missing, src
from codefolio.compose.model import Block, Missing, Paragraph, Section
from codefolio.records.model import CodeRecord, Payer
from codefolio.records.required import PAYER_COVERAGE_FIELDS, payer_coverage_gap

_LABELS = {
    "prior_authorization": "Prior authorization",
    "policy": "Policy",
    "site_of_care": "Site of care",
    "notes": "Notes",
}


def compose_payers(record: CodeRecord) -> Section:
    if not record.payers:
        return Section(
            id="payers", title="Payer Coverage Considerations", blocks=[missing("payers")]
        )
    names = [payer.name for payer in record.payers]
    intro = Paragraph(
        text=f"Coverage considerations from the input for {join_words(names)}. "
        "Confirm current policy with each payer before billing.",
        sources=src(*(f"payers[{i}].name" for i in range(len(names)))),
    )
    return Section(
        id="payers",
        title="Payer Coverage Considerations",
        blocks=[intro],
        subsections=[_payer(index, payer) for index, payer in enumerate(record.payers)],
    )


def _payer(index: int, payer: Payer) -> Section:
    blocks: list[Block] = [
        Paragraph(label=_LABELS[field], text=value, sources=src(f"payers[{index}].{field}"))
        for field in PAYER_COVERAGE_FIELDS
        if (value := getattr(payer, field)) is not None
    ]
    gap = payer_coverage_gap(index, payer)
    if gap is not None:
        blocks.append(Missing(element=gap.field, label=gap.label))
    return Section(id=f"payer-{index + 1}", title=payer.name, blocks=blocks)
