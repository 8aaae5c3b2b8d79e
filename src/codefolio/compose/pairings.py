"""Common Billing Pairings: administration codes and related drug codes from the input."""

from __future__ import annotations

from codefolio.compose.common import join_words, missing, optional_missing, src
from codefolio.compose.model import MISSING_TEXT, Block, Paragraph, Row, Section, Table
from codefolio.records.model import CodeRecord, infer_code_system


def compose_pairings(record: CodeRecord) -> Section:
    blocks: list[Block] = []
    if record.administration_codes:
        codes = [entry.code for entry in record.administration_codes]
        blocks.append(
            Paragraph(
                text=f"{record.code} is billed together with the administration service, which "
                f"is reported on its own claim line with {join_words(codes)}.",
                sources=src("code", "administration_codes"),
            )
        )
        blocks.append(
            Table(
                caption="Administration codes",
                columns=["Code", "Code system", "Note"],
                rows=[
                    Row(
                        cells=[
                            entry.code,
                            infer_code_system(entry.code),
                            entry.note or MISSING_TEXT,
                        ],
                        sources=src(f"administration_codes[{i}]"),
                    )
                    for i, entry in enumerate(record.administration_codes)
                ],
            )
        )
    elif record.is_drug_code:
        blocks.append(missing("administration_codes"))
    if record.related_codes:
        blocks.append(
            Table(
                caption="Related codes",
                columns=["Code", "Code system", "Relation"],
                rows=[
                    Row(
                        cells=[
                            entry.code,
                            infer_code_system(entry.code),
                            entry.relation or MISSING_TEXT,
                        ],
                        sources=src(f"related_codes[{i}]"),
                    )
                    for i, entry in enumerate(record.related_codes)
                ],
            )
        )
    if not blocks:
        blocks.append(optional_missing("related_codes", "Billing pairings"))
    return Section(id="pairings", title="Common Billing Pairings", blocks=blocks)
