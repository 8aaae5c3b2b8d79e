"""One index row per publication, read off the Publication alone (never the record)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from codefolio.compose.model import MISSING_TEXT, Publication

# Labels of the Billing Code Overview statements the index shows or searches.
_SERVICE_TYPE = "Service Type"
_DRUG_NAME_LABELS = ("Generic name", "Brand names")


@dataclass(frozen=True)
class IndexRow:
    code: str
    code_system: str
    href: str
    descriptor: str
    service_type: str
    drug_names: str
    missing: int
    """Distinct required elements the input lacks (a section may repeat one another states)."""

    @property
    def search_text(self) -> str:
        """What the index search box matches: code, descriptor and drug names."""
        return " ".join([self.code, self.descriptor, self.drug_names]).lower()


def page_name(publication: Publication) -> str:
    return f"{publication.code}.html"


def index_row(publication: Publication) -> IndexRow:
    labelled = dict(_overview_statements(publication))
    names = [labelled[label] for label in _DRUG_NAME_LABELS if label in labelled]
    return IndexRow(
        code=publication.code,
        code_system=publication.code_system,
        href=page_name(publication),
        descriptor=publication.descriptor or MISSING_TEXT,
        service_type=labelled.get(_SERVICE_TYPE, MISSING_TEXT),
        drug_names="; ".join(names),
        missing=len({block.element for block in publication.missing if block.required}),
    )


def _overview_statements(publication: Publication) -> Iterator[tuple[str, str]]:
    """(label, text) of every labelled paragraph and list item in Billing Code Overview."""
    try:
        overview = publication.section("overview")
    except KeyError:
        return
    for block in overview.blocks:
        if block.type == "paragraph" and block.label:
            yield block.label, block.text
        elif block.type == "list":
            yield from ((item.label, item.text) for item in block.items if item.label)
