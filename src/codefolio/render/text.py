"""Publication -> plain text, laid out like the house publications: heading lines,
`Label: value` lines and list items."""

from __future__ import annotations

from codefolio.compose.model import Block, Publication, Section


def render_text(publication: Publication) -> bytes:
    lines = [line for section in publication.sections for line in section_lines(section)]
    return ("\n".join(lines).strip("\n") + "\n").encode("utf-8")


def section_lines(section: Section) -> list[str]:
    """A section and its subsections as text lines, each heading after a blank line."""
    lines = ["", section.title]
    for block in section.blocks:
        lines += _block(block)
    for sub in section.subsections:
        lines += section_lines(sub)
    return lines


def _labelled(label: str | None, text: str) -> str:
    return f"{label}: {text}" if label else text


def _block(block: Block) -> list[str]:
    if block.type == "paragraph":
        return [_labelled(block.label, block.text)]
    if block.type == "list":
        return [f"- {_labelled(item.label, item.text)}" for item in block.items]
    if block.type == "table":
        return [
            f"{block.caption}:",
            *(
                "- "
                + "; ".join(
                    f"{col}: {cell}" for col, cell in zip(block.columns, row.cells, strict=True)
                )
                for row in block.rows
            ),
        ]
    if block.type == "callout":
        return [f"{block.tone.capitalize()}: {block.text}"]
    return [block.text]
