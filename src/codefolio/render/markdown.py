"""Publication -> Markdown (CommonMark with pipe tables). Input text is escaped where it would
otherwise be markup, and only there, so `20.000%` and `Pub. 100-04` read as written."""

from __future__ import annotations

import functools
import re

from codefolio.compose.citations import Citations
from codefolio.compose.model import Block, Publication, Section
from codefolio.render.inline import is_segment, repeats_heading

_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Entity and numeric character references (`&amp;`, `&#35;`) would be decoded.
_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
# At the start of a line these make headings, quotes, lists or rules.
_ORDERED_MARKER = re.compile(r"\d{1,9}[.)](?=\s|$)")
# The only characters `_needs_escape` may escape: every other one is left as it is.
_MAYBE_MARKUP = re.compile(r"[*~_\\<&|`\[]")


# Most text of a catalogue repeats from page to page (labels, titles, the sentences every
# publication says): each distinct text is escaped once, among the most recent ones.
@functools.lru_cache(maxsize=16384)
def md_escape(text: str, *, cell: bool = False) -> str:
    """Escape text so that it renders as exactly these characters, on one line.

    A character is escaped only where CommonMark could read it as markup: `*` and `~` that
    could open or close emphasis, `_` not inside a word, `<` that could start a tag or an
    autolink, `[` that could open a link, `&` of an entity, and the characters that start a
    block at the start of the text. In a table cell (`cell`), `|` ends the cell and is
    escaped too.
    """
    text = " ".join(text.split())

    def escape(match: re.Match[str]) -> str:
        index, char = match.start(), match[0]
        before = text[index - 1] if index else ""
        after = text[index + 1 : index + 2]
        return f"\\{char}" if _needs_escape(char, before, after, text, index, cell) else char

    escaped = _MAYBE_MARKUP.sub(escape, text)
    if not cell:
        escaped = _escape_line_start(escaped)
    return escaped


def _needs_escape(char: str, before: str, after: str, text: str, index: int, cell: bool) -> bool:
    if char in "*~":
        return not (before.isspace() and after.isspace())
    if char == "_":
        return not (before.isalnum() and after.isalnum())
    if char == "\\":
        return after == "" or after in _ASCII_PUNCTUATION
    if char == "<":
        return after == "" or after.isalpha() or after in "/!?"
    if char == "&":
        return _ENTITY.match(text, index) is not None
    if char == "|":
        return cell
    return char in "`["


def _escape_line_start(text: str) -> str:
    """Text that would start a block (heading, quote, list item, rule, setext underline)."""
    if marker := _ORDERED_MARKER.match(text):
        return f"{marker[0][:-1]}\\{marker[0][-1]}{text[marker.end() :]}"
    if text[:1] in ("#", ">", "-", "+", "="):
        return f"\\{text}"
    return text


def md_cell(text: str) -> str:
    """A table cell: an X12 segment as a code span, anything else escaped."""
    return f"`{text}`" if is_segment(text) else md_escape(text, cell=True)


def render_markdown(publication: Publication) -> bytes:
    citations = Citations.of(publication)
    lines = [f"# {md_escape(publication.title)}", ""]
    for section in publication.sections:
        _section(section, 2, lines, citations)
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _section(section: Section, level: int, lines: list[str], citations: Citations) -> None:
    lines += [f"{'#' * min(level, 6)} {md_escape(section.title)}", ""]
    for block in section.blocks:
        lines += _block(block, section, citations)
        lines.append("")
    for sub in section.subsections:
        _section(sub, level + 1, lines, citations)


def _labelled(label: str | None, text: str) -> str:
    return f"**{md_escape(label)}:** {md_escape(text)}" if label else md_escape(text)


def _block(block: Block, section: Section, citations: Citations) -> list[str]:
    if block.type == "paragraph":
        return [_labelled(block.label, block.text)]
    if block.type == "list":
        return [
            f"{f'{number}.' if block.ordered else '-'} {_labelled(item.label, item.text)}"
            for number, item in enumerate(block.items, start=1)
        ]
    if block.type == "table":
        header = "| " + " | ".join(md_cell(c) for c in block.columns) + " |"
        rule = "|" + "|".join(" --- " for _ in block.columns) + "|"
        rows = ["| " + " | ".join(md_cell(c) for c in row.cells) + " |" for row in block.rows]
        caption = [] if repeats_heading(block, section) else [f"*{md_escape(block.caption)}*", ""]
        source = citations.source_line(block)
        return [*caption, header, rule, *rows, *(["", md_escape(source)] if source else [])]
    if block.type == "callout":
        return [f"> **{block.tone.capitalize()}:** {md_escape(block.text)}"]
    return [_labelled(block.label, block.text)]
