"""Renderers: hostile input text stays text, Markdown is valid CommonMark, layout is stable."""

from __future__ import annotations

import html
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from codefolio.errors import RenderError
from codefolio.render import parse_formats, render
from codefolio.render.markdown import md_escape
from tests.conftest import example_data, publish

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1))",
    "![x](http://example.invalid/x.png)",
    "**bold** _em_ `code` ~~strike~~",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "| a | b |",
    "&lt;b&gt; &amp;",
    "back\\slash",
    "<http://example.invalid>",
]

commonmark = MarkdownIt("commonmark").enable("table")


def as_html_text(text: str) -> str:
    """How a CommonMark renderer writes literal text into HTML (quotes escaped, apostrophes not)."""
    return html.escape(" ".join(text.split()), quote=False).replace('"', "&quot;")


# Text a record field can hold: printable characters, tabs and newlines (controls are refused).
record_text = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cc", "Cs"], blacklist_characters="\u2028\u2029\x85"
    )
    | st.sampled_from("\t\n"),
    max_size=80,
)


@given(record_text)
def test_escaped_text_renders_as_exactly_that_text(text: str) -> None:
    rendered = commonmark.render(md_escape(text))
    expected = as_html_text(text)
    assert rendered == (f"<p>{expected}</p>\n" if expected else "")


HOSTILE_FIELDS = 9


def hostile_record(hostile: str) -> dict[str, Any]:
    """The J9306 example with `hostile` in HOSTILE_FIELDS text fields."""
    data: dict[str, Any] = example_data("J9306")
    data["descriptor"] = hostile
    data["service_type"] = hostile
    data["clinical_context"] = hostile
    data["modifiers"][0]["usage"] = hostile
    data["payers"][0]["name"] = hostile
    data["payers"][0]["notes"] = hostile
    data["administration_codes"][0]["note"] = hostile
    data["benchmarks"][0]["label"] = hostile
    data["documentation"][0] = hostile
    return data


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_every_field_shows_as_text(hostile: str) -> None:
    publication = publish(hostile_record(hostile))

    markdown = render(publication, "md").decode()
    page = commonmark.render(markdown)
    assert "<script" not in page and "<img" not in page and "<a " not in page
    assert "<h1>" in page and page.count("<h1>") == 1
    assert "<blockquote>\n<p>" in page  # only the disclaimer is a quote
    assert page.count("<blockquote>") == 1
    assert page.count(as_html_text(hostile)) >= HOSTILE_FIELDS

    text = render(publication, "txt").decode()
    assert text.count(hostile) >= HOSTILE_FIELDS


def test_markdown_tables_keep_their_columns() -> None:
    data = example_data("J9306")
    data["administration_codes"][0]["note"] = "first | hour"
    page = commonmark.render(render(publish(data), "md").decode())
    assert "<th>Code</th>\n<th>Code system</th>\n<th>Note</th>" in page
    assert "<td>first | hour</td>" in page


def test_outputs_are_utf8_and_end_with_one_newline() -> None:
    publication = publish(example_data("J9306"))
    for fmt in ["md", "txt"]:
        data = render(publication, fmt)
        text = data.decode("utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert "Oncology—chemotherapy/biologics" in text


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("md,txt", ["md", "txt"]),
        (" TXT , md ,txt", ["txt", "md"]),
        ("md", ["md"]),
        ("md,txt,html,pdf,json", ["md", "txt", "html", "pdf", "json"]),
    ],
)
def test_parse_formats(spec: str, expected: list[str]) -> None:
    assert parse_formats(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("docx", "unknown output format 'docx'; choose from md, txt, html, pdf, json"),
        (
            "md,docx,rtf",
            "unknown output format 'docx', 'rtf'; choose from md, txt, html, pdf, json",
        ),
        (" , ", "unknown output format none given; choose from md, txt, html, pdf, json"),
    ],
)
def test_parse_formats_rejects(spec: str, message: str) -> None:
    with pytest.raises(RenderError, match="^" + message.replace("(", r"\(") + "$"):
        parse_formats(spec)
