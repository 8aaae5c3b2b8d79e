"""Diagnosis Linkage: the ICD-10-CM codes the input lists, with their official descriptions."""

from __future__ import annotations

from codefolio.compose.common import missing, src
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import Block, BulletList, ListItem, Paragraph, Section
from codefolio.records.model import CodeRecord


def compose_diagnoses(record: CodeRecord, facts: ReferenceFacts) -> Section:
    if not record.diagnoses:
        return Section(id="diagnoses", title="Diagnosis Linkage", blocks=[missing("diagnoses")])
    items = []
    for i, entry in enumerate(record.diagnoses):
        sources = src(f"diagnoses[{i}]")
        official = facts.diagnoses.get(entry.code)
        description = entry.description
        if not description and official:
            description = official.description
            sources += cite(official, "description")
        items.append(
            ListItem(label=entry.code, text=description, sources=sources)
            if description
            else ListItem(text=entry.code, sources=sources)
        )
    blocks: list[Block] = [
        Paragraph(
            text=f"ICD-10-CM diagnosis codes the input lists for {record.code}; point the "
            "claim line to the diagnosis that supports medical necessity.",
            sources=src("diagnoses"),
        ),
        BulletList(items=items),
    ]
    return Section(id="diagnoses", title="Diagnosis Linkage", blocks=blocks)
