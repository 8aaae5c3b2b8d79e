"""Changes since the previous edition: what the newest quarterly update changed for the code,
data set by data set (a subsection of Summary & Overview)."""

from __future__ import annotations

from codefolio.compose.model import Block, Paragraph, Section, SourceRef
from codefolio.refdata import ReferenceData
from codefolio.refdata.diff import EditionDiff

TITLE = "Changes since the previous edition"


def compose_changes(code: str, diffs: dict[str, EditionDiff], ref: ReferenceData) -> Section:
    """One paragraph per data set whose edition in force changed `code` from the edition
    before it, then one saying the others did not (or that nothing did)."""
    blocks: list[Block] = []
    for dataset_id, diff in diffs.items():
        if not diff.changes:
            continue
        name = ref.dataset(dataset_id).name
        described = "; ".join(change.describe() for change in diff.changes)
        blocks.append(
            Paragraph(
                text=f"{name}, {diff.from_edition} to {diff.to_edition}: {described}.",
                sources=[
                    SourceRef(kind="dataset", ref=change.source(diff.from_edition, diff.to_edition))
                    for change in diff.changes
                ],
            )
        )
    if blocks:
        text = f"No other data set changed its facts for {code} from its previous edition."
    elif diffs:
        text = f"No data set changed its facts for {code} from its previous edition."
    else:
        text = "Every data set is held in one edition only: there is no previous edition."
    blocks.append(Paragraph(text=text))
    return Section(id="changes", title=TITLE, blocks=blocks)
