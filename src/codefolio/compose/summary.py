"""Summary & Overview: what the code is, who is addressed, what the publication covers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codefolio.compose.common import code_phrase, join_words, sentence, src
from codefolio.compose.facts import ReferenceFacts, descriptor_of, sites_phrase
from codefolio.compose.model import MISSING_TEXT, Block, Paragraph, Section, SourceRef
from codefolio.records.model import CodeRecord
from codefolio.records.required import MissingElement

if TYPE_CHECKING:
    from codefolio.compose.review import Staleness
    from codefolio.compose.worked import BillingWork


def compose_summary(
    record: CodeRecord,
    facts: ReferenceFacts,
    body: list[Section],
    gaps: list[MissingElement],
    staleness: dict[str, Staleness],
    work: BillingWork,
) -> Section:
    """`body`: the composed sections after this one, so the summary says what they hold."""
    # The title is the page's heading; the summary opens with the date it is true for.
    blocks: list[Block] = [as_of_paragraph(facts, staleness), _what_it_is(record, facts)]
    if record.payers:
        names = [payer.name for payer in record.payers]
        blocks.append(
            Paragraph(
                text=f"Key payers addressed: {join_words(names)}.",
                sources=src(*(f"payers[{i}].name" for i in range(len(names)))),
            )
        )
    blocks.append(Paragraph(text=_coverage(body)))
    blocks.append(Paragraph(text=_gaps(record, gaps, _unquantified(work), body)))
    if record.audience:
        blocks.append(
            Paragraph(
                text=f"This publication is intended for {sentence(record.audience)}",
                sources=src("audience"),
            )
        )
    return Section(id="summary", title="Summary & Overview", blocks=blocks)


def title_of(record: CodeRecord, facts: ReferenceFacts) -> str:
    """`<code system> <code>: <descriptor>`, or without the descriptor when none is known."""
    head = f"{record.system} {record.code}"
    descriptor = descriptor_of(record, facts)
    return f"{head}: {descriptor.text}" if descriptor else head


def _what_it_is(record: CodeRecord, facts: ReferenceFacts) -> Paragraph:
    sources: list[SourceRef] = src("code")
    drug = record.drug
    if drug and drug.generic_name:
        text = f"{code_phrase(record)} reports the drug {drug.generic_name}"
        sources += src("drug.generic_name")
        if drug.brand_names:
            text += f" ({join_words(drug.brand_names)})"
            sources += src("drug.brand_names")
        if drug.billing_unit:
            text += f", billed per {drug.billing_unit}"
            sources += src("drug.billing_unit")
        text += "."
        if drug.category:
            text += f" Category: {sentence(drug.category)}"
            sources += src("drug.category")
    elif descriptor := descriptor_of(record, facts):
        text = f"{code_phrase(record)} reports: {sentence(descriptor.text)}"
        sources += descriptor.sources
    else:
        text = f"{code_phrase(record)}."
    if record.is_drug_code:
        text += " It is billed separately from the service of administering the drug."
    if record.service_type:
        text += f" Service type: {sentence(record.service_type)}"
        sources += src("service_type")
    if record.sites_of_service:
        sites = sites_phrase(enumerate(record.sites_of_service), facts)
        text += f" Typical sites of service: {sites.text}."
        sources += sites.sources
    return Paragraph(text=text, sources=sources)


def as_of_paragraph(facts: ReferenceFacts, staleness: dict[str, Staleness]) -> Paragraph:
    """The date the publication is true for, and every data set edition of another quarter."""
    text = (
        f"{facts.as_of.isoformat()}. The billing rules stated are those in force on this date; "
        "figures come from the data set editions named with them."
    )
    older = [note for note in staleness.values() if note.older]
    newer = [note for note in staleness.values() if not note.older]
    quarter = next(iter(staleness.values())).as_of_quarter if staleness else ""
    if older:
        editions = join_words([f"{n.name} {n.edition_text}" for n in older])
        text += (
            f" Check before billing: the newest editions shipped of {editions} are of an "
            f"earlier quarter than the as-of date ({quarter})."
        )
    if newer:
        editions = join_words([f"{n.name} {n.edition_text}" for n in newer])
        text += (
            f" The oldest editions shipped of {editions} are of a later quarter than the "
            f"as-of date ({quarter})."
        )
    return Paragraph(label="As of", text=text)


def _unquantified(work: BillingWork) -> list[str]:
    """NDCs of worked claim lines whose NDC unit and quantity the input does not give."""
    return sorted(
        {
            f"NDC {line.supply.ndc11}"
            for dose in work.doses
            for line in dose.lines
            if line.supply is not None and line.ndc is None
        }
    )


def _gaps(
    record: CodeRecord, gaps: list[MissingElement], unquantified: list[str], body: list[Section]
) -> str:
    """The required elements the record lacks, and every other element a section below says
    is missing, so the summary and the sections never disagree."""
    text = f"Where a required input element is missing, the publication says “{MISSING_TEXT}”"
    named = {gap.field for gap in gaps}
    shown = [block for section in body for block in section.missing]
    optional = [block.label for block in shown if block.element not in named]
    if not gaps and not unquantified and not optional:
        return text
    parts = [gap.label for gap in gaps if gap.payer is None]
    if unquantified:
        parts.append(f"the NDC unit and quantity of {join_words(unquantified)}")
    payers = [gap.payer for gap in gaps if gap.payer is not None]
    if payers:
        parts.append(f"coverage details for {join_words(payers)}")
    parts += [label[:1].lower() + label[1:] for label in dict.fromkeys(optional)]
    return f"{text} Not available in the input for {record.code}: {join_words(parts)}."


def _coverage(body: list[Section]) -> str:
    """Name the parts of the publication that hold content (not only Missing blocks)."""
    covered = [
        part.title
        for section in body
        # The specifications section is four topics in one; name each.
        for part in (section.subsections if section.id == "specifications" else [section])
        if _has_content(part)
    ]
    if not covered:
        return "The input holds no content beyond the code itself."
    return f"This publication covers: {join_words(covered)}."


def _has_content(section: Section) -> bool:
    return any(block.type != "missing" for block in section.blocks) or any(
        _has_content(sub) for sub in section.subsections
    )
