"""Every statement traces to the record field (or cited rule) it comes from."""

from __future__ import annotations

import re
from typing import Any

from codefolio.compose.citations import block_sources, rule_reference
from codefolio.compose.model import Publication, Section, SourceRef
from tests.conftest import example_data, publish

# Sections whose statements are about the publication itself, not facts about the code.
META_SECTIONS = {"summary", "references"}


def resolve(data: dict[str, Any], ref: str) -> Any:
    """Follow `payers[2].policy` into the record data; KeyError/IndexError when it is not there."""
    value: Any = data
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", ref):
        value = value[name] if name else value[int(index)]
    return value


def walk(section: Section) -> list[Section]:
    return [section, *(s for sub in section.subsections for s in walk(sub))]


def statements(publication: Publication) -> list[tuple[str, Any, list[SourceRef]]]:
    found = []
    for top in publication.sections:
        for section in walk(top):
            for block in section.blocks:
                if block.type in ("paragraph", "callout"):
                    found.append((top.id, block, block.sources))
                elif block.type == "list":
                    found += [(top.id, item, item.sources) for item in block.items]
                elif block.type == "table":
                    found += [(top.id, row, row.sources) for row in block.rows]
    return found


def test_every_input_source_names_a_field_that_holds_a_value() -> None:
    for code in ["J9306", "J9355"]:
        data = example_data(code)
        publication = publish(data)
        for ref in publication.sources:
            if ref.kind == "input":
                assert resolve(data, ref.ref) not in (None, [], ""), f"{code}: {ref}"


def test_every_factual_statement_has_a_source() -> None:
    for code in ["J9306", "J9355"]:
        publication = publish(example_data(code))
        unsourced = [
            (section_id, statement)
            for section_id, statement, sources in statements(publication)
            if section_id not in META_SECTIONS and not sources
        ]
        assert unsourced == []


def test_publication_sources_are_all_sources_in_reading_order() -> None:
    publication = publish(example_data("J9306"))
    everything = [
        ref
        for top in publication.sections
        for section in walk(top)
        for block in section.blocks
        for ref in block_sources(block)
    ]
    assert publication.sources == list(dict.fromkeys(everything))
    assert str(publication.sources[0]) == "input.code"


def test_rules_cited_are_listed_in_references() -> None:
    publication = publish(example_data("J9306"))
    cited = [ref for ref in dict.fromkeys(publication.sources) if ref.kind == "rule"]
    references = publication.section("references")
    listed = [
        item.text
        for block in references.blocks
        if block.type == "list"
        for item in block.items
        if item.label == "Rule"
    ]
    assert cited and listed == [rule_reference(ref) for ref in cited]
    # Each is listed by title, scope, dates and the document and section it comes from;
    # its id stays in the JSON.
    assert (
        "JZ: nothing discarded from a single-dose container (Medicare Part B, in force from "
        "2023-07-01): CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 17, §40, "
        "Discarded Drugs and Biologicals; CMS, Discarded Drugs and Biologicals: JW Modifier "
        "and JZ Modifier Policy Frequently Asked Questions, JW and JZ modifier use"
    ) in listed
    assert not any("jz-nothing-discarded" in text for text in listed)
