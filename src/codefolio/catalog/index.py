"""One index row per publication, read off the Publication alone (never the record)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the index is written by rebuilds that compose nothing
    from codefolio.compose.model import Publication


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
    from codefolio.compose.model import MISSING_TEXT

    return IndexRow(
        code=publication.code,
        code_system=publication.code_system,
        href=page_name(publication),
        descriptor=publication.descriptor or MISSING_TEXT,
        service_type=publication.service_type or MISSING_TEXT,
        drug_names="; ".join(publication.drug_names),
        missing=len({block.element for block in publication.missing if block.required}),
    )
