"""Diagnosis Linkage: the ICD-10-CM codes the input lists for this code."""

from __future__ import annotations

from codefolio.compose.common import item_list, labelled, missing, src
from codefolio.compose.model import Block, Paragraph, Section
from codefolio.records.model import CodeRecord


def compose_diagnoses(record: CodeRecord) -> Section:
    blocks: list[Block]
    if record.diagnoses:
        blocks = [
            Paragraph(
                text=f"ICD-10-CM diagnosis codes the input lists for {record.code}; point the "
                "claim line to the diagnosis that supports medical necessity.",
                sources=src("diagnoses"),
            ),
            item_list("diagnoses", [labelled(d.code, d.description) for d in record.diagnoses]),
        ]
    else:
        blocks = [missing("diagnoses")]
    return Section(id="diagnoses", title="Diagnosis Linkage", blocks=blocks)
