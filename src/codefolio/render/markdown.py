"""Publication -> Markdown (CommonMark with pipe tables). Input text is escaped, never markup."""

from __future__ import annotations

import re

from codefolio.compose.model import Block, Publication, Section

# Characters that would turn input text into Markdown or HTML markup.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~]|&(?=#?[A-Za-z0-9]+;))")
# At the start of a line these make lists, headings, quotes or rules.
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md_escape(text: str) -> str:
    """Escape text so that it renders as exactly these characters, on one line."""
    text = _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def render_markdown(publication: Publication) -> bytes:
    lines = [f"# {md_escape(publication.title)}", ""]
    for section in publication.sections:
        _section(section, 2, lines)
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _section(section: Section, level: int, lines: list[str]) -> None:
    lines += [f"{'#' * min(level, 6)} {md_escape(section.title)}", ""]
    for block in section.blocks:
        lines += _block(block)
        lines.append("")
    for sub in section.subsections:
        _section(sub, level + 1, lines)


def _labelled(label: str | None, text: str) -> str:
    return f"**{md_escape(label)}:** {md_escape(text)}" if label else md_escape(text)


def _block(block: Block) -> list[str]:
    if block.type == "paragraph":
        return [_labelled(block.label, block.text)]
    if block.type == "list":
        return [f"- {_labelled(item.label, item.text)}" for item in block.items]
    if block.type == "table":
        header = "| " + " | ".join(md_escape(c) for c in block.columns) + " |"
        rule = "|" + "|".join(" --- " for _ in block.columns) + "|"
        rows = ["| " + " | ".join(md_escape(c) for c in row.cells) + " |" for row in block.rows]
        return [f"*{md_escape(block.caption)}*", "", header, rule, *rows]
    if block.type == "callout":
        return [f"> **{block.tone.capitalize()}:** {md_escape(block.text)}"]
    return [md_escape(block.text)]
