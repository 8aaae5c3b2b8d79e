"""Changes since the previous edition: what the newest quarterly update changed for the code,
data set by data set (a subsection of Summary & Overview)."""

from __future__ import annotations

from codefolio.compose.model import Block, Paragraph, Section, SourceRef
from codefolio.refdata import ReferenceData
from codefolio.refdata.diff import EditionDiff

TITLE = "Changes since the previous edition"


def compose_changes(code: str, diffs: dict[str, EditionDiff], ref: ReferenceData) -> Section:
    """One paragraph per data set held in more than one edition: the changes to `code` from
    the previous edition to the one in force, or that there were none."""
    blocks: list[Block] = []
    for dataset_id, diff in diffs.items():
        name = ref.dataset(dataset_id).name
        head = f"{name}, {diff.from_edition} to {diff.to_edition}"
        # Cited by the edition in force, as the figures it changed are.
        sources = [SourceRef(kind="dataset", ref=f"{dataset_id}@{diff.to_edition}:{code}")]
        if diff.changes:
            text = f"{head}: {'; '.join(change.describe() for change in diff.changes)}."
        else:
            text = f"{head}: no change for {code}."
        blocks.append(Paragraph(text=text, sources=sources))
    if not blocks:
        blocks.append(
            Paragraph(
                text="Every data set is held in one edition only: there is no previous "
                "edition to compare with."
            )
        )
    return Section(id="changes", title=TITLE, blocks=blocks)
