"""PDF: WeasyPrint typesets the HTML page; the text holds every section and the key facts."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from codefolio.compose.model import MISSING_TEXT, Publication
from codefolio.render import render
from tests.conftest import example_data, publish
from tests.test_render_html import all_sections, chart_publication


@pytest.fixture(scope="module")
def j9306() -> Publication:
    return publish(example_data("J9306"))


@pytest.fixture(scope="module")
def pages(j9306: Publication) -> list[str]:
    data = render(j9306, "pdf")
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def text(pages: list[str]) -> str:
    return " ".join(" ".join(pages).split())


def test_every_page_has_the_code_and_its_number(pages: list[str]) -> None:
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        assert f"Page {number} of {len(pages)}" in " ".join(lines[-3:] + lines[:3])
        assert "J9306" in " ".join(lines[-3:] + lines[:3])


def test_every_section_title_is_in_the_text(j9306: Publication, text: str) -> None:
    titles = [section.title for section in all_sections(j9306.sections)]
    assert len(titles) == 22  # with Review notes and Changes since the previous edition
    for title in titles:
        assert title in text, title


@pytest.mark.parametrize(
    "fact",
    [
        "HCPCS Level II J9306: Injection, pertuzumab, 1 mg",
        "Descriptor: Injection, pertuzumab, 1 mg",
        "CMS HCPCS Level II, October 2025 edition",
        "Medical Oncology Physician",
        "$17.012 per 1 mg for the 2026q1 quarter",
        "Generic name: pertuzumab",
        "Brand names: Perjeta",
        "one unit of J9306 = 1 mg",
        "50242-0145-01",
        "420 mg/14 mL single-dose vial",
        "Worked example, Loading dose: 840 mg ÷ 1 mg = 840 units",
        "J9306-JZ × 840 units",
        "N4 50242014501 ML 28",
        "JW Drug amount discarded/",
        "207RX0202X",
        "Prior authorization: Required",
        "96413 CPT First hour of the intravenous chemotherapy infusion",
        "Typical units per loading dose 840",
        "FL 42, Revenue code: 0636",
        "C50.011",
        "Source: CMS Medically Unlikely Edits, April 1, 2026 edition, row J9306.",
        "Data set: CMS ASP Medicare Part B Drug Payment Limits, 2024 Q1 to 2026 Q1 editions",
        "codefolio 0.1.0",
    ],
)
def test_key_facts_are_in_the_text(text: str, fact: str) -> None:
    assert fact in text


def test_field_level_sources_are_left_out_of_print(text: str) -> None:
    assert "input.administration_codes[0]" not in text
    assert "dataset:" not in text and "Field-level sources" not in text


def page_size(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_pages_are_us_letter_unless_a4_is_asked_for(j9306: Publication) -> None:
    assert page_size(render(j9306, "pdf")) == (612, 792)  # 8.5 x 11 in, in points
    assert page_size(render(j9306, "pdf", paper="a4")) == (595, 842)  # 210 x 297 mm


def test_missing_data_sentence_appears_once_per_gap(j9306: Publication, text: str) -> None:
    # The summary quotes the sentence once; each missing element says it once more.
    assert text.count(MISSING_TEXT) == len(j9306.missing) + 1


@pytest.mark.parametrize("build", [lambda: publish(example_data("J9355")), chart_publication])
def test_weasyprint_understands_all_of_the_page(
    caplog: pytest.LogCaptureFixture, build: Callable[[], Publication]
) -> None:
    """Every CSS rule and element is one WeasyPrint knows; it would log what it ignores."""
    publication = build()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render(publication, "pdf")
    assert [record.getMessage() for record in caplog.records] == []
