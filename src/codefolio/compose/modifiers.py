"""Modifiers: the record's modifiers beside the Medicare rules that govern them, and the
modifiers CMS policy requires although the record does not list them (JW/JZ for
single-dose containers, TB for 340B-acquired drugs on hospital claims, PO/PN for
off-campus hospital departments), each stated only when in force on the as-of date."""

from __future__ import annotations

from codefolio.billing.claim_forms import INSTITUTIONAL, OFF_CAMPUS_POS
from codefolio.billing.rules import BillingRule, require_rule
from codefolio.codes import CPT_MODIFIERS, DISTINCT_SERVICE_MODIFIERS
from codefolio.compose.common import missing, src
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import MISSING_TEXT, Block, Paragraph, Row, Section, SourceRef, Table
from codefolio.compose.rules import cite_rule
from codefolio.records.model import CodeRecord

_NOT_LISTED = "Not listed in the input; required by CMS policy where its rule applies."


def rule_text(rule: BillingRule) -> str:
    """`Medicare Part B, in force from 2017-01-01: <statement>`."""
    return f"{rule.scope}, {rule.dates}: {rule.statement}"


def _single_dose_kinds(record: CodeRecord) -> set[bool | None]:
    return {package.single_dose for package in (record.drug.packages if record.drug else [])}


def governing_rules(code: str, record: CodeRecord, facts: ReferenceFacts) -> list[str]:
    """The ids of the rules in force on the as-of date that govern modifier `code` for this
    record."""
    hospital = any(site.pos in INSTITUTIONAL.places for site in record.sites_of_service)
    candidates: dict[str, list[str]] = {
        "JW": ["jw-discarded-amount"],
        "JZ": ["jz-nothing-discarded"],
        "PO": ["opps-off-campus-po-pn"],
        "PN": ["opps-off-campus-po-pn"],
        "JG": ["340b-jg-tb"],
        "TB": ["340b-jg-tb", "340b-tb"] if hospital or code in _listed(record) else [],
        "25": ["drug-line-modifiers"],
        **{modifier: ["distinct-service-modifiers"] for modifier in DISTINCT_SERVICE_MODIFIERS},
    }
    if code in ("JW", "JZ") and _single_dose_kinds(record) == {False}:
        return ["jw-jz-multiple-dose"] if facts.in_force("jw-jz-multiple-dose") else []
    return [rule_id for rule_id in candidates.get(code, []) if facts.in_force(rule_id)]


def _listed(record: CodeRecord) -> set[str]:
    return {entry.code for entry in record.modifiers}


def policy_modifiers(record: CodeRecord, facts: ReferenceFacts) -> list[str]:
    """Modifiers CMS policy names for this record that the record does not list, in the
    order a claim line reads them."""
    wanted = []
    if record.is_drug_code and _single_dose_kinds(record) != {False}:
        wanted += ["JW", "JZ"]
    if record.is_drug_code and any(s.pos in INSTITUTIONAL.places for s in record.sites_of_service):
        wanted += ["JG", "TB"]
    if any(site.pos == OFF_CAMPUS_POS for site in record.sites_of_service):
        wanted += ["PO", "PN"]
    listed = _listed(record)
    return [code for code in wanted if code not in listed and governing_rules(code, record, facts)]


def _description(code: str, facts: ReferenceFacts) -> tuple[str, list[SourceRef]]:
    official = facts.modifiers.get(code) or facts.policy_modifiers.get(code)
    if official:
        return official.long_description, cite(official, "long_description")
    if code in CPT_MODIFIERS:
        return "CPT modifier; its descriptor is in the AMA CPT code set", []
    return MISSING_TEXT, []


def _row(
    code: str, usage: str, sources: list[SourceRef], record: CodeRecord, facts: ReferenceFacts
) -> Row:
    description, described = _description(code, facts)
    rule_ids = governing_rules(code, record, facts)
    rules = " ".join(rule_text(require_rule(rule_id)) for rule_id in rule_ids)
    return Row(
        cells=[code, description, usage, rules or "No billing rule in force on the as-of date."],
        sources=[*sources, *described, *(cite_rule(rule_id) for rule_id in rule_ids)],
    )


def compose_modifiers(record: CodeRecord, facts: ReferenceFacts) -> Section:
    rows = [
        _row(entry.code, entry.usage or MISSING_TEXT, src(f"modifiers[{i}]"), record, facts)
        for i, entry in enumerate(record.modifiers)
    ]
    rows += [_row(code, _NOT_LISTED, [], record, facts) for code in policy_modifiers(record, facts)]
    blocks: list[Block] = [] if record.modifiers else [missing("modifiers")]
    if rows:
        blocks.append(
            Table(
                caption="Modifiers",
                columns=["Modifier", "Description", "When to use", "Billing rule"],
                rows=rows,
            )
        )
    if (
        record.is_drug_code
        and _single_dose_kinds(record) == {False}
        and facts.in_force("jw-jz-multiple-dose")
    ):
        blocks.append(
            Paragraph(
                text=f"Every package of {record.code} in the input is a multiple-dose "
                "container, so neither JW nor JZ applies. "
                + require_rule("jw-jz-multiple-dose").statement,
                sources=[*src("drug.packages"), cite_rule("jw-jz-multiple-dose")],
            )
        )
    return Section(id="modifiers", title="Modifiers", blocks=blocks)
