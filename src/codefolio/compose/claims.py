"""Claim Appearance: how the code is reported on office (CMS-1500/837P) and outpatient
facility (UB-04/837I) claims, for the sites of service the input names."""

from __future__ import annotations

from codefolio.billing.claim_lines import (
    CHARGE,
    CHEMO_IV_REVENUE_CODE,
    DRUG_REVENUE_CODE,
    SERVICE_DATE,
    ClaimLine,
    segments_837i,
    segments_837p,
)
from codefolio.billing.pairing import ADD_ON_PRIMARIES
from codefolio.compose import rules
from codefolio.compose.common import join_words, missing, src
from codefolio.compose.facts import ReferenceFacts, Sourced, sites_phrase
from codefolio.compose.model import (
    MISSING_TEXT,
    Block,
    BulletList,
    ListItem,
    Paragraph,
    Row,
    Section,
    SourceRef,
    Table,
)
from codefolio.compose.worked import BillingWork, WorkedDose
from codefolio.records.model import CodeRecord, SiteOfService

# CPT IV chemotherapy administration codes (push 96409/96411, infusion 96413-96417), which a
# hospital reports under revenue code 0335, Chemotherapy administration - IV (NUBC).
_IV_CHEMO_ADMINISTRATION = frozenset({"96409", "96411", "96413", "96415", "96416", "96417"})


def compose_claims(record: CodeRecord, facts: ReferenceFacts, work: BillingWork) -> Section:
    title = "Claim Appearance"
    if not record.sites_of_service:
        return Section(id="claims", title=title, blocks=[missing("sites_of_service")])
    indexed = list(enumerate(record.sites_of_service))
    office = [(i, s) for i, s in indexed if s.pos in rules.OFFICE_POS]
    facility = [(i, s) for i, s in indexed if s.pos in rules.OUTPATIENT_HOSPITAL_POS]
    other = [(i, s) for i, s in indexed if (i, s) not in office and (i, s) not in facility]
    subsections = []
    example = next((dose for dose in work.doses if dose.units is not None), None)
    if office:
        subsections.append(_office(record, sites_phrase(office, facts), office, example))
    if facility:
        subsections.append(_facility(record, sites_phrase(facility, facts), example))
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


def _office(
    record: CodeRecord,
    where: Sourced,
    sites: list[tuple[int, SiteOfService]],
    example: WorkedDose | None,
) -> Section:
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
    blocks: list[Block] = [intro, BulletList(items=items)]
    if example:
        blocks += _office_example(record, example, sites)
    return Section(id="claims-office", title="Office claim (CMS-1500 / 837P)", blocks=blocks)


def _facility(record: CodeRecord, where: Sourced, example: WorkedDose | None) -> Section:
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
    blocks: list[Block] = [intro, BulletList(items=items)]
    if example:
        blocks += _facility_example(record, example)
    return Section(
        id="claims-facility", title="Outpatient facility claim (UB-04 / 837I)", blocks=blocks
    )


def drug_lines(
    record: CodeRecord, example: WorkedDose, revenue_code: str | None = None
) -> list[ClaimLine]:
    """The drug's lines for a worked dose: administered (with JZ when nothing billable is
    discarded) and, for a billable discarded amount, its own JW line."""
    units, wastage = example.units, example.wastage
    assert units is not None

    modifier = wastage.modifier if wastage else None
    lines = [
        ClaimLine(
            record.code,
            units.units,
            "JZ" if modifier == "JZ" else None,
            example.ndc_report(units.in_billing_measure),
            revenue_code,
        )
    ]
    if wastage and modifier == "JW":
        lines.append(
            ClaimLine(
                record.code,
                wastage.discarded_units,
                "JW",
                example.ndc_report(wastage.discarded),
                revenue_code,
            )
        )
    return lines


def administration_lines(
    record: CodeRecord, revenue_code: str | None = None
) -> list[tuple[int, ClaimLine]]:
    """One unit of each initial IV chemotherapy administration code the record lists; add-on
    codes are billed by documented time, which a worked example cannot know."""
    return [
        (index, ClaimLine(entry.code, 1, revenue_code=revenue_code))
        for index, entry in enumerate(record.administration_codes)
        if entry.code in _IV_CHEMO_ADMINISTRATION and entry.code not in ADD_ON_PRIMARIES
    ]


def _example_intro(example: WorkedDose, form: str) -> Paragraph:
    return Paragraph(
        text=f"{form} lines for the worked example {example.dose.label!r} in Coding "
        "Specifications, with the same units, modifier and NDC quantity:",
        sources=example.line_sources,
    )


def _example_lines(
    record: CodeRecord,
    example: WorkedDose,
    drug_revenue_code: str | None = None,
    administration_revenue_code: str | None = None,
) -> list[tuple[ClaimLine, list[SourceRef]]]:
    """The worked dose's drug lines, then its administration lines, each with its sources;
    revenue codes for an institutional claim."""
    lines = [
        (line, example.line_sources) for line in drug_lines(record, example, drug_revenue_code)
    ]
    lines += [
        (line, src(f"administration_codes[{index}]"))
        for index, line in administration_lines(record, administration_revenue_code)
    ]
    return lines


def _office_example(
    record: CodeRecord, example: WorkedDose, sites: list[tuple[int, SiteOfService]]
) -> list[Block]:
    claim = [rules.PROFESSIONAL_CLAIM]
    pos = join_words([site.pos for _, site in sites])
    pointer = "A" if record.diagnoses else MISSING_TEXT
    pointer_sources = src("diagnoses[0]") if record.diagnoses else []
    lines = _example_lines(record, example)
    table = Table(
        caption="CMS-1500 item 24 lines",
        columns=[
            "Line",
            "24B POS",
            "24D Procedure, modifier",
            "24E Pointer",
            "24G Units",
            "Shaded line (NDC)",
        ],
        rows=[
            Row(
                cells=[
                    str(number),
                    pos,
                    line.procedure,
                    pointer,
                    str(line.units),
                    line.ndc.shaded_line if line.ndc else _no_ndc(line, record),
                ],
                sources=[*sources, *_site_refs(sites), *pointer_sources, *claim],
            )
            for number, (line, sources) in enumerate(lines, start=1)
        ],
    )
    segments = segments_837p([line for line, _ in lines], "1" if record.diagnoses else "")
    return [_example_intro(example, "CMS-1500"), table, _segments_table("837P", segments, example)]


def _facility_example(record: CodeRecord, example: WorkedDose) -> list[Block]:
    claim = [rules.INSTITUTIONAL_CLAIM]
    lines = _example_lines(record, example, DRUG_REVENUE_CODE, CHEMO_IV_REVENUE_CODE)
    table = Table(
        caption="UB-04 lines (type of bill 013x)",
        columns=["Line", "FL 42 Revenue code", "FL 43 NDC", "FL 44 HCPCS, modifier", "FL 46 Units"],
        rows=[
            Row(
                cells=[
                    str(number),
                    line.revenue_code or "",
                    line.ndc.shaded_line if line.ndc else _no_ndc(line, record),
                    line.procedure,
                    str(line.units),
                ],
                sources=[*sources, *claim],
            )
            for number, (line, sources) in enumerate(lines, start=1)
        ],
    )
    segments = segments_837i([line for line, _ in lines])
    return [_example_intro(example, "UB-04"), table, _segments_table("837I", segments, example)]


def _no_ndc(line: ClaimLine, record: CodeRecord) -> str:
    """An administration line has no NDC; a drug line lacks one only when the input does."""
    return "none (administration)" if line.code != record.code else MISSING_TEXT


def _segments_table(transaction: str, segments: list[str], example: WorkedDose) -> Table:
    """The X12 segments of the lines; each row cites the dose it was worked from and the
    claim-form rule (the line's other sources are on the form table above)."""
    claim = rules.PROFESSIONAL_CLAIM if transaction == "837P" else rules.INSTITUTIONAL_CLAIM
    sources = [*src(f"drug.doses[{example.index}]"), claim]
    return Table(
        caption=f"{transaction} service lines (loops 2400 and 2410); {CHARGE} and "
        f"{SERVICE_DATE} are the line charge and the date of service",
        columns=["Segment", "Carries"],
        rows=[
            Row(
                cells=[segment, _SEGMENT_MEANINGS[segment.split("*", 1)[0]]],
                sources=sources,
            )
            for segment in segments
        ],
    )


_SEGMENT_MEANINGS = {
    "LX": "service line number",
    "SV1": "professional service: HC qualifier, procedure code and modifier, charge, UN units, "
    "quantity, diagnosis pointer",
    "SV2": "institutional service: revenue code, HC qualifier, HCPCS code and modifier, charge, "
    "UN units, quantity",
    "DTP": "date of service (472)",
    "LIN": "drug identification: N4 qualifier and the 11-digit NDC",
    "CTP": "drug quantity and its unit qualifier",
}
