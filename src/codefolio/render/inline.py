"""Layout choices every format makes alike: X12 segments are code, not prose; a caption that
repeats its section's heading is not shown again."""

from __future__ import annotations

import re

from codefolio.compose.model import Section, Table

# An X12 segment as the claim sections show it: a 2-3 character segment id, `*`-separated
# elements and the `~` terminator, with no spaces (ASC X12 005010 syntax).
_X12_SEGMENT = re.compile(r"[A-Z][A-Z0-9]{1,2}\*[^\s`|]*~")


def is_segment(text: str) -> bool:
    """True when the whole text is one X12 segment, shown as code in every format."""
    return _X12_SEGMENT.fullmatch(text) is not None


def repeats_heading(table: Table, section: Section) -> bool:
    """A table whose caption is its section's heading: the caption says nothing new."""
    return table.caption.casefold() == section.title.casefold()


def is_token(text: str) -> bool:
    """A short cell without spaces (a code, an NDC, a figure): kept on one line, since a
    break at its hyphen would read as two values."""
    return 0 < len(text) <= 16 and not any(char.isspace() for char in text)
