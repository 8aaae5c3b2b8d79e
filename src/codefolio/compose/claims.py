"""Claim Appearance: how the code is reported on each claim form the record's sites use,
walking the form descriptors of `billing.claim_forms` (office CMS-1500/837P, outpatient
facility UB-04/837I), with the worked example's lines."""

from __future__ import annotations

from codefolio.billing.claim_forms import (
    CLAIM_FORMS,
    OFF_CAMPUS_POS,
    SEGMENT_MEANINGS,
    ClaimForm,
    Column,
)
from codefolio.billing.claim_lines import CHARGE, DRUG_REVENUE_CODE, SERVICE_DATE, ClaimLine
from codefolio.billing.pairing import family_of, is_add_on
from codefolio.billing.rules import require_rule
from codefolio.codes import DISTINCT_SERVICE_MODIFIERS
from codefolio.compose.common import join_words, missing, src
from codefolio.compose.facts import ReferenceFacts, sites_phrase
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
from codefolio.compose.modifiers import policy_modifiers
from codefolio.compose.rules import cite_rule
from codefolio.compose.worked import BillingWork, WorkedDose
from codefolio.records.model import CodeRecord, SiteOfService

REVENUE: str = "{revenue}"
"""Placeholder revenue code of an administration family with no one standard code."""

Sites = list[tuple[int, SiteOfService]]


def compose_claims(record: CodeRecord, facts: ReferenceFacts, work: BillingWork) -> Section:
    title = "Claim Appearance"
    if not record.sites_of_service:
        return Section(id="claims", title=title, blocks=[missing("sites_of_service")])
    indexed = list(enumerate(record.sites_of_service))
    example = next((dose for dose in work.doses if dose.units is not None), None)
    subsections = []
    for form in CLAIM_FORMS:
        sites = [(i, site) for i, site in indexed if site.pos in form.places]
        if sites:
            subsections.append(_form_section(form, record, facts, sites, example))
    described = {pos for form in CLAIM_FORMS for pos in form.places}
    blocks: list[Block] = [
        Paragraph(
            text=f"Place of Service {site.pos}: codefolio describes claims for the office "
            "(POS 11) and outpatient hospital (POS 19, 22) settings; for this setting follow "
            "the payer's claim instructions.",
            sources=src(f"sites_of_service[{i}]"),
        )
        for i, site in indexed
        if site.pos not in described
    ]
    return Section(id="claims", title=title, blocks=blocks, subsections=subsections)


def _site_refs(sites: Sites) -> list[SourceRef]:
    return src(*(f"sites_of_service[{i}]" for i, _ in sites))


def drug_line_modifiers(form: ClaimForm, record: CodeRecord, facts: ReferenceFacts) -> list[str]:
    """The modifiers of the record and of CMS policy that may go on this form's drug line."""
    named = [entry.code for entry in record.modifiers] + policy_modifiers(record, facts)
    return [code for code in dict.fromkeys(named) if code in form.drug_line_modifiers]


def _procedure_item(
    form: ClaimForm, label: str, record: CodeRecord, facts: ReferenceFacts
) -> ListItem:
    text = f"{record.code}"
    sources = src("code")
    if record.is_drug_code:
        sources.append(cite_rule("drug-line-modifiers"))
        allowed = drug_line_modifiers(form, record, facts)
        if allowed:
            text += (
                ", with the drug-line modifiers its rules call for "
                f"({join_words(allowed)}; see Modifiers)"
            )
        text += (
            "; procedure modifiers (25, "
            + ", ".join(DISTINCT_SERVICE_MODIFIERS)
            + ") never go on the drug line"
        )
    return ListItem(label=label, text=text, sources=sources)


def _administration_item(
    form: ClaimForm, record: CodeRecord, facts: ReferenceFacts, sites: Sites
) -> ListItem | None:
    if not record.administration_codes:
        return None
    codes = join_words([a.code for a in record.administration_codes])
    text = f"{codes}, each on its own line of the same claim"
    sources = src("administration_codes")
    if form.uses_revenue_codes:
        text += f", under the revenue code of its family ({_revenue_summary(record)})"
        sources.append(cite_rule("revenue-code-administration"))
    if any(is_add_on(a.code) for a in record.administration_codes):
        text += "; add-on codes only with their primary code (see Common Billing Pairings)"
    if facts.in_force("distinct-service-modifiers"):
        first, *subsets = [
            m for m in form.administration_line_modifiers if m in DISTINCT_SERVICE_MODIFIERS
        ]
        text += (
            f"; {first} (or, as CMS prefers, {', '.join(subsets[:-1])} or {subsets[-1]}) "
            "only on the administration code of an NCCI pair the documentation shows to be "
            "distinct"
        )
        sources.append(cite_rule("distinct-service-modifiers"))
    off_campus = any(site.pos == OFF_CAMPUS_POS for _, site in sites)
    if (
        off_campus
        and "PO" in form.administration_line_modifiers
        and facts.in_force("opps-off-campus-po-pn")
    ):
        text += "; PO or PN on each line for Place of Service 19"
        sources.append(cite_rule("opps-off-campus-po-pn"))
    return ListItem(label="Administration", text=text, sources=sources)


def _revenue_summary(record: CodeRecord) -> str:
    """`96413 and 96415: 0335 (chemotherapy administration, IV); 96365: 0260 (IV therapy)`."""
    grouped: dict[str, list[str]] = {}
    for entry in record.administration_codes:
        family = family_of(entry.code)
        revenue = (
            f"{family.revenue_code} ({family.revenue_name})"
            if family and family.revenue_code
            else "the hospital's chargemaster revenue code"
        )
        grouped.setdefault(revenue, []).append(entry.code)
    return "; ".join(f"{join_words(codes)}: {revenue}" for revenue, codes in grouped.items())


def _form_section(
    form: ClaimForm,
    record: CodeRecord,
    facts: ReferenceFacts,
    sites: Sites,
    example: WorkedDose | None,
) -> Section:
    claim = [cite_rule(form.rule_id)]
    where = sites_phrase(sites, facts)
    intro = Paragraph(
        text=f"For {where.text}, {record.code} is reported on {form.setting}: {form.names}. "
        f"{require_rule(form.rule_id).statement}",
        sources=[*where.sources, *claim],
    )
    items: list[ListItem] = []
    for field in form.fields:
        if field.drug_only and not record.is_drug_code:
            continue
        if "Procedure" in field.label or "HCPCS code" in field.label:
            items.append(_procedure_item(form, field.label, record, facts))
        elif "Place of Service" in field.label:
            pos = join_words([site.pos for _, site in sites])
            items.append(ListItem(label=field.label, text=pos, sources=_site_refs(sites)))
        elif "Revenue" in field.label:
            items.append(
                ListItem(
                    label=field.label,
                    text=field.text,
                    sources=[*src("code"), cite_rule("revenue-code-drug")],
                )
            )
        else:
            items.append(ListItem(label=field.label, text=field.text, sources=claim))
    administration = _administration_item(form, record, facts, sites)
    if administration:
        items.append(administration)
    blocks: list[Block] = [intro, BulletList(items=items)]
    blocks += _hospital_modifiers(form, record, facts, sites)
    if example:
        blocks += _example(form, record, example, sites)
    return Section(id=f"claims-{form.id}", title=form.title, blocks=blocks)


def _hospital_modifiers(
    form: ClaimForm, record: CodeRecord, facts: ReferenceFacts, sites: Sites
) -> list[Block]:
    """PO/PN for an off-campus department, TB for a 340B-acquired drug: only on hospital
    claims and only in force on the as-of date."""
    if not form.uses_revenue_codes:
        return []
    blocks: list[Block] = []
    off_campus = [(i, site) for i, site in sites if site.pos == OFF_CAMPUS_POS]
    if off_campus and facts.in_force("opps-off-campus-po-pn"):
        blocks.append(
            Paragraph(
                label="Place of Service 19 (off-campus department)",
                text=require_rule("opps-off-campus-po-pn").statement,
                sources=[*_site_refs(off_campus), cite_rule("opps-off-campus-po-pn")],
            )
        )
    if record.is_drug_code:
        for rule_id in ("340b-tb", "340b-jg-tb"):
            if facts.in_force(rule_id):
                blocks.append(
                    Paragraph(
                        label="340B-acquired drug",
                        text="only if the hospital acquired the drug under the 340B Drug "
                        "Pricing Program: " + require_rule(rule_id).statement,
                        sources=[cite_rule(rule_id)],
                    )
                )
    return blocks


def _lines(
    form: ClaimForm, record: CodeRecord, example: WorkedDose
) -> list[tuple[ClaimLine, list[SourceRef], bool]]:
    """The worked dose's drug lines (one per NDC, and the JW line), then one line for every
    administration code of the record; the flag marks lines whose units are illustrative."""
    drug_revenue = DRUG_REVENUE_CODE if form.uses_revenue_codes else None
    lines = [
        (
            ClaimLine(record.code, line.units, line.modifier, line.ndc, drug_revenue),
            example.line_sources,
            False,
        )
        for line in example.lines
    ]
    for index, entry in enumerate(record.administration_codes):
        revenue = None
        if form.uses_revenue_codes:
            family = family_of(entry.code)
            revenue = family.revenue_code if family and family.revenue_code else REVENUE
        lines.append(
            (
                ClaimLine(entry.code, 1, revenue_code=revenue),
                src(f"administration_codes[{index}]"),
                True,
            )
        )
    return lines


def _example(form: ClaimForm, record: CodeRecord, example: WorkedDose, sites: Sites) -> list[Block]:
    claim = [cite_rule(form.rule_id)]
    pointer = "A" if record.diagnoses else MISSING_TEXT
    pointer_sources = src("diagnoses[0]") if record.diagnoses else []
    lines = _lines(form, record, example)
    pos = join_words([site.pos for _, site in sites])

    def cell(column: Column, line: ClaimLine, illustrative: bool) -> str:
        values = {
            "pos": pos,
            "revenue": line.revenue_code or "",
            "ndc": line.ndc.shaded_line if line.ndc else _no_ndc(line, record),
            "procedure": line.procedure,
            "pointer": f"{pointer} (illustrative)" if record.diagnoses else pointer,
            "units": f"{line.units} (illustrative)" if illustrative else str(line.units),
        }
        return values[column]

    rows = []
    for number, (line, sources, illustrative) in enumerate(lines, start=1):
        extra = [*_site_refs(sites), *pointer_sources] if form.id == "office" else []
        rows.append(
            Row(
                cells=[
                    str(number),
                    *(cell(column, line, illustrative) for column, _ in form.columns),
                ],
                sources=[*sources, *extra, *claim],
            )
        )
    table = Table(
        caption=form.lines_caption,
        columns=["Line", *(heading for _, heading in form.columns)],
        rows=rows,
    )
    intro = Paragraph(
        text=f"{form.form} lines for the worked example {example.dose.label!r} in Coding "
        "Specifications, with the same units, modifiers and NDC quantities; every "
        "administration code of the input has its own line. Administration units and the "
        "diagnosis pointer are illustrative: bill the documented time and the diagnosis that "
        "supports the line.",
        sources=example.line_sources,
    )
    segments = form.build_segments([line for line, _, _ in lines], "1" if record.diagnoses else "")
    return [intro, table, _segments_table(form, segments, example)]


def _no_ndc(line: ClaimLine, record: CodeRecord) -> str:
    """An administration line has no NDC; a drug line lacks one only when the input does."""
    return "none (administration)" if line.code != record.code else MISSING_TEXT


def _segments_table(form: ClaimForm, segments: list[str], example: WorkedDose) -> Table:
    """The X12 segments of the lines; each row cites the dose it was worked from and the
    claim-form rule (the line's other sources are on the form table above)."""
    sources = [*src(f"drug.doses[{example.index}]"), cite_rule(form.rule_id)]
    placeholders = f"{CHARGE} and {SERVICE_DATE} are the line charge and the date of service"
    if any(REVENUE in segment for segment in segments):
        placeholders += f", {REVENUE} the hospital's revenue code for the administration"
    return Table(
        caption=f"{form.transaction} service lines (loops 2400 and 2410); {placeholders}",
        columns=["Segment", "Carries"],
        rows=[
            Row(cells=[segment, SEGMENT_MEANINGS[segment.split("*", 1)[0]]], sources=sources)
            for segment in segments
        ],
    )
