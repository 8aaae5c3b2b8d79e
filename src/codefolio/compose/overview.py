"""Billing Code Overview: what the code denotes, its service type and sites of service."""

from __future__ import annotations

from codefolio.compose import rules
from codefolio.compose.common import code_phrase, join_words, missing, sentence, src
from codefolio.compose.model import Block, BulletList, ListItem, Paragraph, Section
from codefolio.records.model import CodeRecord, SiteOfService


def site_phrase(site: SiteOfService) -> str:
    """`Place of Service 11 (Office)`, or just the POS code when the name is not known."""
    return (
        f"Place of Service {site.pos} ({site.name})"
        if site.name
        else f"Place of Service {site.pos}"
    )


def compose_overview(record: CodeRecord) -> Section:
    blocks: list[Block] = []
    if record.descriptor:
        blocks.append(
            Paragraph(
                text=f"{code_phrase(record)} represents: {sentence(record.descriptor)}",
                sources=src("code", "descriptor"),
            )
        )
    else:
        blocks.append(missing("descriptor"))
    if record.is_drug_code:
        blocks.append(_drug_product(record))
    blocks.append(
        Paragraph(label="Service Type", text=record.service_type, sources=src("service_type"))
        if record.service_type
        else missing("service_type")
    )
    if record.sites_of_service:
        blocks.append(
            Paragraph(
                label="Typical Sites of Service",
                text=join_words([site_phrase(s) for s in record.sites_of_service]),
                sources=src(
                    *(f"sites_of_service[{i}]" for i in range(len(record.sites_of_service)))
                ),
            )
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
