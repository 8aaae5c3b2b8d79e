"""The Publication: the one thing every renderer sees. Each statement carries its sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

MISSING_TEXT: Final = "Data not available in the input."
"""The one sentence a publication says where a required input element is absent."""


def _empty() -> Any:
    """An empty list by default, made by a factory: pydantic deep-copies a `[]` default for
    every node, and a publication has hundreds. The schema still says `"default": []`."""
    return Field(default_factory=list, json_schema_extra={"default": []})


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Node):
    """Where a statement comes from.

    `input`: a field path in the record (`payers[2].policy`); `dataset`: a reference data set
    entry (`hcpcs@2025-10:<code>.long_description`); `rule`: a published billing rule.
    """

    kind: Literal["input", "dataset", "rule"]
    ref: str

    def __str__(self) -> str:
        return f"input.{self.ref}" if self.kind == "input" else f"{self.kind}:{self.ref}"

    # Equal by its two fields, as pydantic's own methods, but several times faster: a
    # publication's sources are grouped and deduplicated by the thousand.
    def __hash__(self) -> int:
        return hash((self.kind, self.ref))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.ref == other.ref and self.kind == other.kind


class Paragraph(_Node):
    """Running text; with a label it reads `Label: text`."""

    type: Literal["paragraph"] = "paragraph"
    text: str
    label: str | None = None
    sources: list[SourceRef] = _empty()


class ListItem(_Node):
    text: str
    label: str | None = None
    sources: list[SourceRef] = _empty()


class BulletList(_Node):
    type: Literal["list"] = "list"
    items: list[ListItem]
    ordered: bool = False
    """Numbered items, as the References section's, which source markers point to."""


class Row(_Node):
    cells: list[str]
    sources: list[SourceRef] = _empty()


class ChartPoint(_Node):
    label: str
    value: Decimal


class Chart(_Node):
    """The figures of a table as a bar chart, for formats that can draw one (HTML, PDF).

    The points repeat the table's figures as numbers so no renderer parses text.
    """

    unit: str
    points: list[ChartPoint]


class Table(_Node):
    type: Literal["table"] = "table"
    caption: str
    columns: list[str]
    rows: list[Row]
    chart: Chart | None = None


class Callout(_Node):
    """Text set apart from the flow: a caution or a note the reader must not miss."""

    type: Literal["callout"] = "callout"
    tone: Literal["note", "caution"] = "note"
    text: str
    sources: list[SourceRef] = _empty()


class Missing(_Node):
    """An absent input element; renders as exactly MISSING_TEXT."""

    type: Literal["missing"] = "missing"
    element: str
    label: str
    required: bool = True
    text: Literal["Data not available in the input."] = MISSING_TEXT
    """Always MISSING_TEXT; a field so JSON consumers get the sentence too."""


Block = Annotated[Paragraph | BulletList | Table | Callout | Missing, Field(discriminator="type")]


class Section(_Node):
    id: str
    title: str
    blocks: list[Block] = _empty()
    subsections: list[Section] = _empty()

    @property
    def missing(self) -> list[Missing]:
        """Missing blocks of this section and its subsections."""
        found = [block for block in self.blocks if isinstance(block, Missing)]
        for sub in self.subsections:
            found += sub.missing
        return found


class DataSetEdition(_Node):
    """One edition of an official data set that a publication cites."""

    id: str
    """The key used in dataset SourceRefs: `hcpcs` in `hcpcs@2025-10:<code>.long_description`."""
    name: str
    publisher: str
    edition: str


class Publication(_Node):
    """A complete reference document for one billing code."""

    code: str
    code_system: str
    title: str
    descriptor: str | None = None
    """The code's descriptor as published: from the input, else from the code set."""
    service_type: str | None = None
    drug_names: list[str] = _empty()
    """Generic, then brand names: what catalogue indexes show and search."""
    edition: str
    """What produced this text (the codefolio version): with `datasets`, reproducible."""
    as_of: date | None = None
    """The date the publication is true for: it states the rules in force on this date."""
    datasets: list[DataSetEdition] = _empty()
    """Every data set edition the publication cites, in the order of first use."""
    sections: list[Section]
    sources: list[SourceRef] = _empty()
    findings: list[str] = _empty()

    def section(self, section_id: str) -> Section:
        """The section or subsection with `section_id`; KeyError when there is none."""
        stack = list(self.sections)
        while stack:
            current = stack.pop(0)
            if current.id == section_id:
                return current
            stack[:0] = current.subsections
        raise KeyError(section_id)

    @property
    def missing(self) -> list[Missing]:
        return [block for section in self.sections for block in section.missing]
