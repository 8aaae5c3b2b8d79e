"""Small helpers every section uses: source references, word lists, numbers, paragraphs."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from codefolio.compose.model import BulletList, ListItem, Missing, SourceRef
from codefolio.records.model import CodeRecord
from codefolio.records.required import required_label

# Nodes every publication of a catalogue repeats (input fields, absent elements) are made
# once, among the most recent ones: they are frozen, so publications share them.
_SHARED = 4096


def src(*paths: str) -> list[SourceRef]:
    """Input field references, e.g. src("code", "descriptor")."""
    return [_input_ref(path) for path in paths]


@functools.lru_cache(maxsize=_SHARED)
def _input_ref(path: str) -> SourceRef:
    return SourceRef(kind="input", ref=path)


@functools.lru_cache(maxsize=_SHARED)
def missing(field: str) -> Missing:
    """The Missing block for a required element, labelled from the one list of them."""
    return Missing(element=field, label=required_label(field))


@functools.lru_cache(maxsize=_SHARED)
def optional_missing(field: str, label: str) -> Missing:
    """An absent element the record need not give; the section still says so plainly."""
    return Missing(element=field, label=label, required=False)


def join_words(words: Sequence[str]) -> str:
    """`['A', 'B', 'C']` -> `A, B, and C` (serial comma, as in the house publications)."""
    if len(words) <= 2:
        return " and ".join(words)
    return f"{', '.join(words[:-1])}, and {words[-1]}"


def format_amount(amount: Decimal) -> str:
    """840 not 840.0 or 8.4E+2; 0.1 stays 0.1."""
    return format(amount.normalize(), "f")


@functools.lru_cache(maxsize=_SHARED)  # the same dates recur on every page of a catalogue
def long_date(day: date) -> str:
    """`April 1, 2026`: the date written out, never `04/01/2026` or `01/04/2026`."""
    return f"{day.strftime('%B')} {day.day}, {day.year}"


# Mass and volume units as US drug labels write them; the CMS ASP files print them in capitals.
_UNIT_SPELLING: Final = {"MG": "mg", "MCG": "mcg", "G": "g", "GM": "g", "ML": "mL"}


def per_unit(dosage: str) -> str:
    """A billing unit as a data set writes it (`1 MG`, `0.5 ML`) as a label would (`1 mg`,
    `0.5 mL`); any other unit (`1 IU`, `per dose`) stays as written."""
    amount, _, word = " ".join(dosage.split()).partition(" ")
    spelled = _UNIT_SPELLING.get(word.upper())
    return f"{amount} {spelled}" if spelled and amount[:1].isdigit() else dosage


def paragraphs(text: str) -> list[str]:
    """Split free text into paragraphs, folding the line breaks inside each.

    A YAML folded block (`>-`, the recommended style) keeps a paragraph break as one newline;
    a literal block (`|`) or JSON keeps it as a blank line and may wrap lines inside it.
    """
    breaks = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    return [" ".join(part.split()) for part in re.split(breaks, text) if part.strip()]


def code_phrase(record: CodeRecord) -> str:
    """`<code system> code <code>`, the way the text names the code."""
    return f"{record.system} code {record.code}"


def sentence(text: str) -> str:
    """End with a full stop unless the text already ends a sentence."""
    return text if text.endswith((".", "!", "?")) else f"{text}."


def item_list(field: str, entries: Sequence[tuple[str | None, str]]) -> BulletList:
    """One list item per entry of the record list `field`, each citing its own entry."""
    return BulletList(
        items=[
            ListItem(label=label, text=text, sources=src(f"{field}[{index}]"))
            for index, (label, text) in enumerate(entries)
        ]
    )
