"""Claim Appearance: how the code is reported on office (CMS-1500/837P) and outpatient
facility (UB-04/837I) claims, for the sites of service the input names."""

from __future__ import annotations

from codefolio.compose import rules
from codefolio.compose.common import join_words, missing, src
from codefolio.compose.facts import ReferenceFacts, Sourced, sites_phrase
from codefolio.compose.model import Block, BulletList, ListItem, Paragraph, Section, SourceRef
from codefolio.records.model import CodeRecord, SiteOfService

# CPT IV chemotherapy administration codes (push 96409/96411, infusion 96413-96417), which a
# hospital reports under revenue code 0335, Chemotherapy administration - IV (NUBC).
_IV_CHEMO_ADMINISTRATION = frozenset({"96409", "96411", "96413", "96415", "96416", "96417"})


def compose_claims(record: CodeRecord, facts: ReferenceFacts) -> Section:
    title = "Claim Appearance"
    if not record.sites_of_service:
        return Section(id="claims", title=title, blocks=[missing("sites_of_service")])
    indexed = list(enumerate(record.sites_of_service))
    office = [(i, s) for i, s in indexed if s.pos in rules.OFFICE_POS]
    facility = [(i, s) for i, s in indexed if s.pos in rules.OUTPATIENT_HOSPITAL_POS]
    other = [(i, s) for i, s in indexed if (i, s) not in office and (i, s) not in facility]
    subsections = []
    if office:
        subsections.append(_office(record, sites_phrase(office, facts), office))
    if facility:
        subsections.append(_facility(record, sites_phrase(facility, facts)))
    blocks: list[Block] = [
        Paragraph(
            text=f"Place of Service {site.pos}: codefolio describes claims for the office "
            "(POS 11) and outpatient hospital (POS 19, 22) settings; for this setting follow "
            "the payer's claim instructions.",
            sources=src(f"sites_of_service[{i}]"),
        )
        for i, site in other
    ]
    return Section(id="claims", title=title, blocks=blocks, subsections=subsections)


def _site_refs(sites: list[tuple[int, SiteOfService]]) -> list[SourceRef]:
    return src(*(f"sites_of_service[{i}]" for i, _ in sites))


def _code_with_modifiers(record: CodeRecord, label: str) -> ListItem:
    text = record.code
    sources = src("code")
    if record.modifiers:
        codes = join_words([m.code for m in record.modifiers])
        text += f", with a modifier from the Modifiers section ({codes}) when its conditions apply"
        sources += src("modifiers")
    return ListItem(label=label, text=text, sources=sources)


def _administration_lines(record: CodeRecord, where: str, extra: str = "") -> list[ListItem]:
    if not record.administration_codes:
        return []
    codes = join_words([a.code for a in record.administration_codes])
    return [
        ListItem(
            label="Administration",
            text=f"{codes} on {where}{extra}",
            sources=src("administration_codes"),
        )
    ]


def _office(record: CodeRecord, where: Sourced, sites: list[tuple[int, SiteOfService]]) -> Section:
    claim = [rules.PROFESSIONAL_CLAIM]
    intro = Paragraph(
        text=f"For {where.text}, {record.code} is reported on a "
        "professional claim: Form CMS-1500, or the electronic 837P.",
        sources=[*where.sources, *claim],
    )
    items = [
        ListItem(
            label="Item 24B, Place of Service",
            text=join_words([site.pos for _, site in sites]),
            sources=_site_refs(sites),
        ),
        _code_with_modifiers(record, "Item 24D, Procedure code and modifier"),
        ListItem(
            label="Item 24E, Diagnosis pointer",
            text="the letter of the item 21 diagnosis that supports the line",
            sources=claim,
        ),
        ListItem(
            label="Item 24G, Units", text="the billing units reported on the line", sources=claim
        ),
    ]
    if record.is_drug_code:
        items += [
            ListItem(
                label="Item 24, shaded line (NDC)",
                text="qualifier N4, the 11-digit NDC (5-4-2), the unit qualifier (UN, ML, GR, F2 "
                "or ME) and the quantity",
                sources=claim,
            ),
            ListItem(
                label="837P",
                text="service line in loop 2400 (SV1); NDC in loop 2410 (LIN with qualifier N4, "
                "CTP with quantity and unit)",
                sources=claim,
            ),
        ]
    items += _administration_lines(record, "their own service lines of the same claim")
    return Section(
        id="claims-office",
        title="Office claim (CMS-1500 / 837P)",
        blocks=[intro, BulletList(items=items)],
    )


def _facility(record: CodeRecord, where: Sourced) -> Section:
    claim = [rules.INSTITUTIONAL_CLAIM]
    intro = Paragraph(
        text=f"For {where.text}, the hospital reports "
        f"{record.code} on an institutional claim: Form UB-04 (CMS-1450), or the electronic "
        "837I, type of bill 013x (hospital outpatient). Place of Service codes are not reported "
        "on the UB-04.",
        sources=[*where.sources, *claim],
    )
    items: list[ListItem] = []
    if record.is_drug_code:
        items.append(
            ListItem(
                label="FL 42, Revenue code",
                text="0636 (drugs requiring detailed coding)",
                sources=[*src("code"), *claim],
            )
        )
    items += [
        _code_with_modifiers(record, "FL 44, HCPCS code and modifier"),
        ListItem(
            label="FL 46, Service units",
            text="the billing units reported on the line",
            sources=claim,
        ),
    ]
    if record.is_drug_code:
        items += [
            ListItem(
                label="FL 43, NDC",
                text="qualifier N4, the 11-digit NDC (5-4-2), the unit qualifier and the quantity",
                sources=claim,
            ),
            ListItem(
                label="837I",
                text="service line in loop 2400 (SV2: revenue code, HCPCS, units); NDC in loop "
                "2410 (LIN, CTP)",
                sources=claim,
            ),
        ]
    chemo_iv = any(a.code in _IV_CHEMO_ADMINISTRATION for a in record.administration_codes)
    items += _administration_lines(
        record,
        "their own revenue lines",
        "; IV chemotherapy administration is reported under revenue code 0335 "
        "(chemotherapy administration, IV)"
        if chemo_iv
        else "",
    )
    return Section(
        id="claims-facility",
        title="Outpatient facility claim (UB-04 / 837I)",
        blocks=[intro, BulletList(items=items)],
    )
