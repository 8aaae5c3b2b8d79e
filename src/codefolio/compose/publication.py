"""Compose a Publication from a record: every section, in the fixed order, with its sources."""

from __future__ import annotations

from collections.abc import Iterator

from codefolio import __version__
from codefolio.compose.benchmarks import compose_benchmarks
from codefolio.compose.claims import compose_claims
from codefolio.compose.diagnoses import compose_diagnoses
from codefolio.compose.documentation import compose_documentation
from codefolio.compose.model import Block, Publication, Section, SourceRef
from codefolio.compose.overview import compose_overview
from codefolio.compose.pairings import compose_pairings
from codefolio.compose.payers import compose_payers
from codefolio.compose.references import compose_references
from codefolio.compose.specifications import compose_specifications
from codefolio.compose.summary import compose_summary, title_of
from codefolio.records.model import CodeRecord
from codefolio.records.required import missing_elements


def compose_publication(record: CodeRecord) -> Publication:
    body = [
        compose_overview(record),
        compose_specifications(record),
        compose_payers(record),
        compose_pairings(record),
        compose_benchmarks(record),
        compose_claims(record),
        compose_documentation(record),
        compose_diagnoses(record),
    ]
    cited = _unique(ref for section in body for ref in section_sources(section))
    sections = [
        compose_summary(record, body, missing_elements(record)),
        *body,
        compose_references(record, cited),
    ]
    return Publication(
        code=record.code,
        code_system=record.system,
        title=title_of(record),
        descriptor=record.descriptor,
        edition=f"codefolio {__version__}",
        sections=sections,
        sources=_unique(ref for section in sections for ref in section_sources(section)),
    )


def section_sources(section: Section) -> Iterator[SourceRef]:
    """Every source a section and its subsections cite, in reading order."""
    for block in section.blocks:
        yield from block_sources(block)
    for sub in section.subsections:
        yield from section_sources(sub)


def block_sources(block: Block) -> Iterator[SourceRef]:
    if block.type in ("paragraph", "callout"):
        yield from block.sources
    elif block.type == "list":
        for item in block.items:
            yield from item.sources
    elif block.type == "table":
        for row in block.rows:
            yield from row.sources


def _unique(refs: Iterator[SourceRef]) -> list[SourceRef]:
    return list(dict.fromkeys(refs))
