"""What a reader sees in every format: labels kept, nothing said twice, references in words,
Markdown free of needless escapes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from codefolio.compose.model import MISSING_TEXT, Publication
from codefolio.render import render
from tests.conftest import example_data, publish
from tests.htmltree import parse_html
from tests.test_render_formats import commonmark
from tests.test_render_text import walk

# What an internal identifier looks like: a data set key, an input field path, a rule id.
INTERNAL_ID = re.compile(r"@|\binput\.|dataset:|rule:|\b[a-z]+_[a-z_]+\b|\w\[\d+\]")
FORMATS = ["md", "txt", "html"]


def rendered(publication: Publication, fmt: str) -> str:
    text = render(publication, fmt).decode("utf-8")
    if fmt == "html":
        return " ".join(parse_html(text).find("main").text.split())
    return text


def scaffolded() -> dict[str, Any]:
    """A starter record: the code and little else, as `codefolio scaffold` writes it."""
    return {"code": "J9306", "payers": [{"name": "Aetna"}]}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("data", [example_data("J9306"), example_data("J9355"), scaffolded()])
def test_every_missing_element_keeps_its_label(data: dict[str, Any], fmt: str) -> None:
    publication = publish(data)
    assert publication.missing
    text = " ".join(rendered(publication, fmt).split())
    for block in publication.missing:
        label = f"**{block.label}:** {MISSING_TEXT}" if fmt == "md" else f"{block.label}: "
        assert (label if fmt == "md" else f"{label}{MISSING_TEXT}") in text, block.label


def test_a_scaffolded_overview_labels_what_it_lacks() -> None:
    markdown = render(publish(scaffolded()), "md").decode("utf-8")
    overview = markdown.split("## Billing Code Overview", 1)[1].split("\n## ", 1)[0]
    assert f"**Service type:** {MISSING_TEXT}" in overview
    assert f"\n{MISSING_TEXT}\n" not in overview  # never a bare sentence without its label


@pytest.mark.parametrize("code", ["J9306", "J9355"])
def test_summary_names_every_element_the_sections_say_is_missing(code: str) -> None:
    publication = publish(example_data(code))
    summary = " ".join(block.text for block in publication.section("summary").blocks)
    for section in walk(publication.sections[1:]):
        for block in section.blocks:
            if block.type == "missing" and block.label.startswith("Coverage details for"):
                assert block.label.removeprefix("Coverage details for ") in summary
            elif block.type == "missing":
                assert block.label.lower() in summary.lower(), block.label


def test_documentation_gap_of_j9355_is_in_the_summary() -> None:
    publication = publish(example_data("J9355"))
    assert [m.label for m in publication.section("documentation").missing] == [
        "Documentation requirements"
    ]
    [gaps] = [b.text for b in publication.section("summary").blocks if "Not available" in b.text]
    assert gaps.endswith("Not available in the input for J9355: documentation requirements.")


@pytest.mark.parametrize("code", ["J9306", "J9355"])
def test_the_title_is_said_once(code: str) -> None:
    publication = publish(example_data(code))
    summary, overview = publication.section("summary"), publication.section("overview")
    texts = [block.text for s in (summary, overview) for block in s.blocks if block.type != "list"]
    assert publication.title not in texts
    assert not any(publication.title in text for text in texts)
    markdown = render(publication, "md").decode("utf-8")
    assert markdown.count(publication.title) == 1


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_no_table_caption_repeats_its_heading(fmt: str) -> None:
    publication = publish(example_data("J9306"))
    lines = render(publication, fmt).decode("utf-8").splitlines()
    for section in walk(publication.sections):
        heading = re.compile(rf"(?:#+|\d+(?:\.\d+)*\.?) {re.escape(section.title)}")
        headings = [i for i, line in enumerate(lines) if heading.fullmatch(line)]
        assert len(headings) == 1, section.title
        following = [line for line in lines[headings[0] + 1 :] if line and set(line) != {"="}]
        assert section.title not in {line.strip("*") for line in following[:3]}, section.title


def test_html_hides_a_caption_that_repeats_its_heading() -> None:
    page = parse_html(render(publish(example_data("J9306")), "html").decode("utf-8"))
    caption = page.find("section", id="sec-modifiers").find("caption")
    assert caption.text == "Modifiers"
    assert caption.attrs["class"] == "visually-hidden"
    taxonomies = page.find("section", id="sec-taxonomies").find("caption")
    assert "class" not in taxonomies.attrs  # "Provider taxonomies (NUCC)" says more


@pytest.mark.parametrize("fmt", FORMATS)
def test_references_are_words_without_internal_ids(fmt: str) -> None:
    publication = publish(example_data("J9306"))
    text = rendered(publication, fmt)
    references = text.split("References and Data Sources", 1)[1].split("Note:", 1)[0]
    assert "CMS Medically Unlikely Edits, April 1, 2026 edition" in references
    assert "Drug supply billed apart from its administration (general" in references
    assert not INTERNAL_ID.search(references), INTERNAL_ID.search(references)
    # Each data set edition and the input record once.
    assert references.count("Input record") == 1
    for entry in publication.datasets:
        assert references.count(f"{entry.publisher} {entry.name},") == 1


def test_table_source_lines_are_words_without_internal_ids() -> None:
    text = render(publish(example_data("J9306")), "txt").decode("utf-8")
    sources = re.findall(r"^Source: (?:.+\n)*?.*\.$", text, flags=re.MULTILINE)
    assert len(sources) == 12
    for line in sources:
        assert not INTERNAL_ID.search(line), line


def test_markdown_escapes_only_what_would_be_markup() -> None:
    markdown = render(publish(example_data("J9306")), "md").decode("utf-8")
    assert "| 20.000% |" in markdown and "\\." not in markdown
    assert "| `SV1*HC:J9306:JZ*{charge}*UN*840***1~` |" in markdown
    assert "\\*" not in markdown and "\\~" not in markdown
    page = commonmark.render(markdown)
    assert "<td><code>SV1*HC:J9306:JZ*{charge}*UN*840***1~</code></td>" in page
    assert "<td>20.000%</td>" in page


def test_money_carries_its_unit() -> None:
    text = render(publish(example_data("J9306")), "txt").decode("utf-8")
    assert "$17.012 per 1 mg for the 2026q1 quarter" in " ".join(text.split())
    assert "MG" not in text
