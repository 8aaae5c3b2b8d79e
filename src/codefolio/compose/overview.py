"""Billing Code Overview: what the code denotes, its service type and sites of service."""

from __future__ import annotations

from datetime import date

from codefolio.compose import rules
from codefolio.compose.common import (
    join_words,
    long_date,
    missing,
    sentence,
    src,
)
from codefolio.compose.facts import ReferenceFacts, cite, descriptor_of, sites_phrase
from codefolio.compose.model import Block, BulletList, ListItem, Paragraph, Section
from codefolio.records.model import CodeRecord
from codefolio.refdata import HcpcsCode


def compose_overview(record: CodeRecord, facts: ReferenceFacts) -> Section:
    blocks: list[Block] = []
    descriptor = descriptor_of(record, facts)
    if descriptor:
        # Labelled, not a sentence: the title above already reads `<code>: <descriptor>`.
        blocks.append(
            Paragraph(
                label="Descriptor",
                text=descriptor.text,
                sources=[*src("code"), *descriptor.sources],
            )
        )
    else:
        blocks.append(missing("descriptor"))
    if facts.hcpcs is not None:
        blocks.append(_hcpcs_facts(facts.hcpcs))
    if record.is_drug_code:
        blocks.append(_drug_product(record))
    blocks.append(
        Paragraph(label="Service Type", text=record.service_type, sources=src("service_type"))
        if record.service_type
        else missing("service_type")
    )
    if record.sites_of_service:
        sites = sites_phrase(enumerate(record.sites_of_service), facts)
        blocks.append(
            Paragraph(label="Typical Sites of Service", text=sites.text, sources=sites.sources)
        )
    else:
        blocks.append(missing("sites_of_service"))
    if record.drug:
        blocks.extend(_drug_facts(record))
    return Section(id="overview", title="Billing Code Overview", blocks=blocks)


def _drug_product(record: CodeRecord) -> Paragraph:
    text = (
        f"{record.code} denotes the drug product itself, not the service of administering it; "
        "the administration is billed separately with its own codes"
    )
    sources = [*src("code"), rules.DRUG_SUPPLY]
    if record.administration_codes:
        codes = [c.code for c in record.administration_codes]
        text += f" (see Common Billing Pairings: {join_words(codes)})"
        sources += src("administration_codes")
    return Paragraph(text=sentence(text), sources=sources)


def _drug_facts(record: CodeRecord) -> list[Block]:
    drug = record.drug
    assert drug is not None
    facts = [
        ("Generic name", drug.generic_name, "drug.generic_name"),
        ("Brand names", join_words(drug.brand_names) or None, "drug.brand_names"),
        ("Category", drug.category, "drug.category"),
        ("Route", drug.route, "drug.route"),
        ("Billing unit", drug.billing_unit, "drug.billing_unit"),
    ]
    items = [
        ListItem(label=label, text=value, sources=src(path))
        for label, value, path in facts
        if value is not None
    ]
    return [BulletList(items=items)] if items else []


def _hcpcs_facts(row: HcpcsCode) -> BulletList:
    """What the HCPCS file records about the code, each item citing its field."""
    entries: list[tuple[str, str | None, str]] = [
        ("Short descriptor", row.short_description, "short_description"),
        ("Pricing indicator", row.pricing_indicator, "pricing_indicator"),
        ("Coverage code", _coded(row.coverage_code, row.coverage_meaning), "coverage_code"),
        ("BETOS", row.betos, "betos"),
        ("Type of service", ", ".join(row.type_of_service) or None, "type_of_service"),
        ("Added", _date(row.add_date), "add_date"),
        ("Action effective", _date(row.effective_date), "effective_date"),
        ("Terminated", _date(row.termination_date), "termination_date"),
        ("Action code", row.action_code, "action_code"),
    ]
    items = [
        ListItem(label=f"HCPCS {label}", text=value, sources=cite(row, field))
        for label, value, field in entries
        if value
    ]
    return BulletList(items=items)


def _coded(code: str | None, meaning: str | None) -> str | None:
    """`C (Carrier judgment)`: a data set code with its meaning from the file's layout."""
    return f"{code} ({meaning})" if code and meaning else code


def _date(value: date | None) -> str | None:
    return long_date(value) if value else None
