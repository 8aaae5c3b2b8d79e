"""Common Billing Pairings: administration codes and related drug codes from the input."""

from __future__ import annotations

from collections.abc import Sequence

from codefolio.billing.pairing import pairings
from codefolio.compose.common import join_words, missing, optional_missing, sentence, src
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import MISSING_TEXT, Block, Paragraph, Row, Section, Table
from codefolio.compose.rules import cite_rule
from codefolio.records.model import CodeRecord, infer_code_system

SAME_INGREDIENT = "same active ingredient in the HCPCS file"


def compose_pairings(record: CodeRecord, facts: ReferenceFacts) -> Section:
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
        blocks.extend(_add_on_paragraphs(record))
        blocks.append(
            _code_table(
                "Administration codes",
                "administration_codes",
                "Note",
                [(entry.code, entry.note) for entry in record.administration_codes],
            )
        )
    elif record.is_drug_code:
        blocks.append(missing("administration_codes"))
    related = _related_rows(record, facts)
    if related:
        blocks.append(
            Table(
                caption="Related codes", columns=["Code", "Code system", "Relation"], rows=related
            )
        )
    if not blocks:
        blocks.append(optional_missing("related_codes", "Billing pairings"))
    return Section(id="pairings", title="Common Billing Pairings", blocks=blocks)


def _add_on_paragraphs(record: CodeRecord) -> list[Paragraph]:
    """Add-on administration codes, their primary codes (CPT instructions) and what the
    input says about the add-on's timing."""
    codes = [entry.code for entry in record.administration_codes]
    blocks = []
    for pairing in pairings(codes):
        entry = record.administration_codes[codes.index(pairing.add_on)]
        primaries = " or ".join(pairing.primaries)
        status = (
            "which the input lists too"
            if pairing.primary_present
            else "none of which the input lists: check the record"
        )
        blocks.append(
            Paragraph(
                text=f"{pairing.add_on} is an add-on code, reported only together with "
                f"{primaries}, {status}."
                + (f" The input's note on it: {sentence(entry.note)}" if entry.note else ""),
                sources=[
                    *src(f"administration_codes[{codes.index(pairing.add_on)}]"),
                    cite_rule(pairing.rule_id),
                ],
            )
        )
    return blocks


def _related_rows(record: CodeRecord, facts: ReferenceFacts) -> list[Row]:
    """The input's related codes, then the other HCPCS codes whose descriptor names the same
    active ingredient (biosimilars, combinations): a fact of the code set, not a claim that
    they are interchangeable."""
    rows = [
        Row(
            cells=[entry.code, infer_code_system(entry.code), entry.relation or MISSING_TEXT],
            sources=src(f"related_codes[{index}]"),
        )
        for index, entry in enumerate(record.related_codes)
    ]
    listed = {record.code, *(entry.code for entry in record.related_codes)}
    rows += [
        Row(
            cells=[row.code, "HCPCS Level II", f"{SAME_INGREDIENT}: {row.long_description}"],
            sources=[*src("drug.generic_name"), *cite(row, "long_description")],
        )
        for row in facts.same_ingredient
        if row.code not in listed
    ]
    return rows


def _code_table(
    caption: str, field: str, remark: str, entries: Sequence[tuple[str, str | None]]
) -> Table:
    """One row per code of the record list `field`: code, its code system, the team's remark."""
    return Table(
        caption=caption,
        columns=["Code", "Code system", remark],
        rows=[
            Row(
                cells=[code, infer_code_system(code), text or MISSING_TEXT],
                sources=src(f"{field}[{index}]"),
            )
            for index, (code, text) in enumerate(entries)
        ],
    )
