"""Compose a Publication from a record: every section, in the fixed order, with its sources."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from codefolio import __version__
from codefolio.compose.benchmarks import compose_benchmarks
from codefolio.compose.changes import compose_changes
from codefolio.compose.citations import unique_sources
from codefolio.compose.claims import compose_claims
from codefolio.compose.diagnoses import compose_diagnoses
from codefolio.compose.documentation import compose_documentation
from codefolio.compose.facts import descriptor_of, gather_facts
from codefolio.compose.model import Publication
from codefolio.compose.overview import compose_overview
from codefolio.compose.pairings import compose_pairings
from codefolio.compose.payers import compose_payers
from codefolio.compose.references import cited_datasets, compose_references
from codefolio.compose.review import compose_review_notes, stale_editions
from codefolio.compose.specifications import compose_specifications
from codefolio.compose.summary import compose_summary, title_of
from codefolio.compose.worked import work_billing
from codefolio.records.model import CodeRecord
from codefolio.refdata import ReferenceData, open_reference_data
from codefolio.refdata.diff import changes_since_previous
from codefolio.validation import Finding, check_record, unfilled_gaps


def compose_publication(
    record: CodeRecord,
    refdata: ReferenceData | None = None,
    findings: Sequence[Finding] | None = None,
    as_of: date | None = None,
) -> Publication:
    """The publication of `record` as of `as_of` (default today): the rules in force on that
    date, the facts of the shipped data sets (`refdata`, by default the embedded store) and
    the `findings` of checking the record against them (checked here when not given)."""
    refdata = refdata or open_reference_data()
    as_of = as_of or date.today()
    if findings is None:
        findings = check_record(record, refdata, as_of)
    facts = gather_facts(record, refdata, as_of)
    work = work_billing(record, facts)
    staleness = stale_editions(facts, refdata)
    body = [
        compose_overview(record, facts),
        compose_specifications(record, facts, work),
        compose_payers(record),
        compose_pairings(record, facts),
        compose_benchmarks(record, facts, staleness),
        compose_claims(record, facts, work),
        compose_documentation(record),
        compose_diagnoses(record, facts),
    ]
    current = refdata.at(as_of)
    changes = compose_changes(record.code, changes_since_previous(current, record.code), current)
    cited = unique_sources([*body, changes])
    datasets = cited_datasets(cited, facts.datasets)
    descriptor = descriptor_of(record, facts)
    notes = compose_review_notes(findings, staleness, work)
    summary = compose_summary(record, facts, body, unfilled_gaps(record, refdata), staleness, work)
    summary = summary.model_copy(update={"subsections": [*([notes] if notes else []), changes]})
    sections = [
        summary,
        *body,
        compose_references(record, cited, datasets),
    ]
    return Publication(
        code=record.code,
        code_system=record.system,
        title=title_of(record, facts),
        descriptor=descriptor.text if descriptor else None,
        service_type=record.service_type,
        drug_names=_drug_names(record),
        edition=f"codefolio {__version__}",
        as_of=as_of,
        datasets=datasets,
        sections=sections,
        sources=unique_sources(sections),
        findings=[str(finding) for finding in findings],
    )


def _drug_names(record: CodeRecord) -> list[str]:
    drug = record.drug
    if drug is None:
        return []
    return ([drug.generic_name] if drug.generic_name else []) + list(drug.brand_names)
