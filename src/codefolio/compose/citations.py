"""Sources a reader can follow: the precise per-field `SourceRef`s grouped into a few
numbered references (the input record, one per data set, one per rule) and, for a table,
one sentence naming where its rows come from.

Sections cite fields; readers follow editions. Every renderer groups a block's sources
through these functions, so content added to any section is cited the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from codefolio.billing.rules import require_rule
from codefolio.compose.common import join_words, long_date
from codefolio.compose.model import (
    Block,
    DataSetEdition,
    Publication,
    Section,
    SourceRef,
    Table,
)
from codefolio.records.model import RECORD_FORMAT

_QUARTER = re.compile(r"(\d{4})q([1-4])", re.IGNORECASE)
_MONTH = re.compile(r"\d{4}-\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
INPUT_KEY = "input"
# `Citations.of`: the last publication asked about, with its citations.
_LAST: list[tuple[Publication, Citations] | None] = [None]


@dataclass(frozen=True)
class Reference:
    """One entry of the References section; `key` groups the SourceRefs it stands for."""

    number: int
    kind: Literal["input", "dataset", "rule"]
    key: str
    text: str


def unique_sources(sections: Iterable[Section]) -> list[SourceRef]:
    """Every source the sections cite, each once, in order of first citation."""
    found: list[SourceRef] = []
    for section in sections:
        section_sources(section, found)
    return list(dict.fromkeys(found))


def section_sources(section: Section, found: list[SourceRef] | None = None) -> list[SourceRef]:
    """Every source a section and its subsections cite, in reading order (added to `found`).
    A list built in one pass: a catalogue walks every page's sources several times."""
    found = [] if found is None else found
    for block in section.blocks:
        _add_sources(block, found)
    for sub in section.subsections:
        section_sources(sub, found)
    return found


def block_sources(block: Block) -> list[SourceRef]:
    return _add_sources(block, [])


def _add_sources(block: Block, found: list[SourceRef]) -> list[SourceRef]:
    if block.type in ("paragraph", "callout"):
        found += block.sources
    elif block.type == "list":
        for item in block.items:
            found += item.sources
    elif block.type == "table":
        for row in block.rows:
            found += row.sources
    return found


def reference_key(ref: SourceRef) -> str:
    """The reference a source belongs to: the input record, a data set (all its editions
    cited together), or one rule."""
    if ref.kind == "input":
        return INPUT_KEY
    if ref.kind == "dataset":
        return f"dataset:{dataset_of(ref)[0]}"
    return f"rule:{ref.ref}"


def dataset_of(ref: SourceRef) -> tuple[str, str, str]:
    """`asp@2026q1:J1234.payment_limit` -> (`asp`, `2026q1`, `J1234.payment_limit`)."""
    head, _, path = ref.ref.partition(":")
    dataset, _, edition = head.partition("@")
    return dataset, edition, path


def rule_title(ref: SourceRef) -> str:
    """A cited rule as a table's source line names it: its title in the rule table."""
    return require_rule(ref.ref).title


def rule_reference(ref: SourceRef) -> str:
    """`JW: discarded amount from a single-dose container (Medicare Part B, in force from
    2017-01-01): <document, section>`: a rule as the References section lists it."""
    rule = require_rule(ref.ref)
    return f"{rule.title} ({rule.scope}, {rule.dates}): {rule.citation}"


def build_references(
    code: str, sources: Iterable[SourceRef], datasets: Sequence[DataSetEdition]
) -> list[Reference]:
    """The input record first, then each data set edition in `datasets` order, then each
    rule in order of first citation: the same numbers wherever they are computed."""
    sources = list(sources)
    entries: list[tuple[Literal["input", "dataset", "rule"], str, str]] = [
        ("input", INPUT_KEY, f"{code}, record format {RECORD_FORMAT}")
    ]
    cited_sets = {dataset_of(ref)[0] for ref in sources if ref.kind == "dataset"}
    for entry in datasets:
        if entry.id in cited_sets:
            entries.append(("dataset", f"dataset:{entry.id}", edition_name(entry, entry.edition)))
    rules = dict.fromkeys(ref for ref in sources if ref.kind == "rule")
    entries += [("rule", reference_key(ref), rule_reference(ref)) for ref in rules]
    return [
        Reference(number, kind, key, text)
        for number, (kind, key, text) in enumerate(entries, start=1)
    ]


class Citations:
    """Reference numbers for a publication's statements, and source lines for its tables."""

    @classmethod
    def of(cls, publication: Publication) -> Citations:
        """The publication's citations, made once for all the formats rendered from it in
        turn (the last publication's are kept; a publication is frozen)."""
        last = _LAST[0]
        if last is not None and last[0] is publication:
            return last[1]
        citations = cls(publication)
        _LAST[0] = (publication, citations)
        return citations

    def __init__(self, publication: Publication) -> None:
        self.sources = unique_sources(publication.sections)
        datasets = publication.datasets
        self.references = build_references(publication.code, self.sources, datasets)
        self._numbers = {entry.key: entry.number for entry in self.references}
        self._datasets = {entry.id: entry for entry in datasets}
        self._lines: dict[int, tuple[Table, str | None]] = {}

    def numbers(self, sources: Iterable[SourceRef]) -> list[int]:
        """The reference numbers of one statement or table: each once, ascending."""
        return sorted({self._numbers[reference_key(ref)] for ref in sources})

    def grouped(self, sources: Iterable[SourceRef]) -> dict[int, list[SourceRef]]:
        """Each reference's precise sources, in reference order: the detail behind a number."""
        groups: dict[int, list[SourceRef]] = {}
        for ref in dict.fromkeys(sources):
            groups.setdefault(self._numbers[reference_key(ref)], []).append(ref)
        return dict(sorted(groups.items()))

    def source_line(self, table: Table) -> str | None:
        """`Source: CMS Medically Unlikely Edits, April 1, 2026 edition, row J1234.`: where
        the table's rows come from, in words (the input record, each data set edition with
        the rows cited, then the billing rules by title); None for a table citing nothing.
        Each format asks; the line is made once per table."""
        known = self._lines.get(id(table))
        if known is not None and known[0] is table:
            return known[1]
        line = self._source_line(table)
        self._lines[id(table)] = (table, line)
        return line

    def _source_line(self, table: Table) -> str | None:
        refs = list(dict.fromkeys(ref for row in table.rows for ref in row.sources))
        parts = ["the input record"] if any(ref.kind == "input" for ref in refs) else []
        editions: dict[str, list[str]] = {}
        rows: dict[str, list[str]] = {}
        for ref in refs:
            if ref.kind == "dataset":
                dataset, edition, path = dataset_of(ref)
                _add(editions.setdefault(dataset, []), edition)
                _add(rows.setdefault(dataset, []), _row_key(path))
        parts += [self._dataset_phrase(d, editions[d], rows[d]) for d in editions]
        titles = [f"“{rule_title(ref)}”" for ref in refs if ref.kind == "rule"]
        if titles:
            noun = "billing rule" if len(titles) == 1 else "billing rules"
            parts.append(f"{noun} {join_words(titles)}")
        return f"Source: {'; '.join(parts)}." if parts else None

    def _dataset_phrase(self, dataset: str, editions: list[str], rows: list[str]) -> str:
        editions = sorted(editions)
        span = editions[0] if len(editions) == 1 else f"{editions[0]} to {editions[-1]}"
        known = self._datasets.get(dataset)
        entry = known or DataSetEdition(id=dataset, name=dataset, publisher="", edition=span)
        noun = "row" if len(rows) == 1 else "rows"
        return f"{edition_name(entry, span)}, {noun} {join_words(rows)}"


def edition_name(entry: DataSetEdition, edition: str) -> str:
    """`CMS HCPCS Level II, October 2025 edition`: publisher, name and edition in words."""
    name = f"{entry.publisher} {entry.name}".strip()
    first, _, last = edition.partition(" to ")
    if last:
        return f"{name}, {edition_words(first)} to {edition_words(last)} editions"
    words = edition_words(first)
    return f"{name}, {words}" if words.startswith("version") else f"{name}, {words} edition"


@functools.lru_cache(maxsize=1024)  # a catalogue names the same few editions on every page
def edition_words(edition: str) -> str:
    """An edition label a US reader cannot misread: `2025-10` -> `October 2025`,
    `2026-04-01` -> `April 1, 2026`, `2026q1` -> `2026 Q1`, `25.1` -> `version 25.1`."""
    if _DAY.fullmatch(edition):
        return long_date(date.fromisoformat(edition))
    if _MONTH.fullmatch(edition):
        return date.fromisoformat(f"{edition}-01").strftime("%B %Y")
    if quarter := _QUARTER.fullmatch(edition):
        return f"{quarter[1]} Q{quarter[2]}"
    return f"version {edition}"


def _row_key(path: str) -> str:
    """The data set row a field path names: `J1234.practitioner.value` -> `J1234`; an
    ICD-10-CM code keeps its dot (`C50.011.description` -> `C50.011`)."""
    parts = path.split(".")
    row = parts[0]
    if len(parts) > 2 and parts[1].isalnum() and parts[1].upper() == parts[1]:
        row = f"{row}.{parts[1]}"
    return row


def _add(seen: list[str], value: str) -> None:
    if value not in seen:
        seen.append(value)
