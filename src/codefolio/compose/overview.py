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
from codefolio.compose.rules import cite_rule
from codefolio.records.model import CodeRecord
from codefolio.refdata import HcpcsCode
from codefolio.refdata.meanings import (
    ACTION_CODES,
    BETOS,
    PRICING_INDICATORS,
    TYPES_OF_SERVICE,
    meaning,
)


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
    entries: list[tuple[str, str | None, str, bool]] = [
        ("Short descriptor", row.short_description, "short_description", False),
        (
            "Pricing indicator",
            _meant(PRICING_INDICATORS, row.pricing_indicator),
            "pricing_indicator",
            True,
        ),
        ("Coverage code", _coded(row.coverage_code, row.coverage_meaning), "coverage_code", False),
        ("BETOS", _meant(BETOS, row.betos), "betos", True),
        ("Type of service", _services(row.type_of_service), "type_of_service", True),
        ("Added", _date(row.add_date), "add_date", False),
        ("Action effective", _date(row.effective_date), "effective_date", False),
        ("Terminated", _date(row.termination_date), "termination_date", False),
        ("Action code", _meant(ACTION_CODES, row.action_code), "action_code", True),
    ]
    layout = cite_rule("hcpcs-record-layout")
    items = [
        ListItem(
            label=f"HCPCS {label}",
            text=value,
            sources=[*cite(row, field), *([layout] if defined else [])],
        )
        for label, value, field, defined in entries
        if value
    ]
    return BulletList(items=items)


def _services(codes: list[str]) -> str | None:
    """`1 (medical care)`, or `1, P (1: medical care; P: ...)` for several types."""
    if len(codes) <= 1:
        return _meant(TYPES_OF_SERVICE, codes[0] if codes else None)
    return f"{', '.join(codes)} ({'; '.join(meaning(TYPES_OF_SERVICE, c) for c in codes)})"


def _meant(table: dict[str, str], code: str | None) -> str | None:
    """`51 (drugs)`: the code, then its meaning in the file's record layout."""
    return f"{code} ({meaning(table, code).split(': ', 1)[1]})" if code else None


def _coded(code: str | None, meaning: str | None) -> str | None:
    """`C (Carrier judgment)`: a data set code with its meaning from the file's layout."""
    return f"{code} ({meaning})" if code and meaning else code


def _date(value: date | None) -> str | None:
    return long_date(value) if value else None
