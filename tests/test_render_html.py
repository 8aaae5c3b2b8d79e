"""HTML: one self-contained, accessible page per code; input text is always text."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from codefolio.compose.model import (
    MISSING_TEXT,
    Chart,
    ChartPoint,
    DataSetEdition,
    Paragraph,
    Publication,
    Row,
    Section,
    SourceRef,
    Table,
)
from codefolio.render import render
from codefolio.render.html_sections import text_html
from codefolio.render.templating import render_template
from tests.conftest import example_data, publish
from tests.htmltree import Element, parse_html
from tests.test_render_formats import HOSTILE, HOSTILE_FIELDS, hostile_record


def page_of(publication: Publication) -> Element:
    return parse_html(render(publication, "html").decode("utf-8"))


@pytest.fixture(scope="module")
def j9306() -> Publication:
    return publish(example_data("J9306"))


@pytest.fixture(scope="module")
def j9306_page(j9306: Publication) -> Element:
    return page_of(j9306)


def all_sections(sections: list[Section]) -> list[Section]:
    return [s for section in sections for s in [section, *all_sections(section.subsections)]]


def test_page_is_self_contained(j9306_page: Element) -> None:
    assert j9306_page.find("html").attrs["lang"] == "en"
    assert [e.tag for e in j9306_page.iter() if e.attrs.get("src")] == []
    assert j9306_page.find_all("script") == []
    links = [e.attrs["href"] or "" for e in j9306_page.iter() if "href" in e.attrs]
    assert links and all(link.startswith(("#", "data:")) for link in links), links
    csp = j9306_page.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert "default-src 'none'" in (csp.attrs["content"] or "")
    style = j9306_page.find("style").text
    assert "@media print" in style and "@page" in style
    assert "@import" not in style and "url(" not in style


def test_header_names_code_and_editions_in_words(j9306_page: Element) -> None:
    [h1] = j9306_page.find_all("h1")
    assert h1.text == "HCPCS Level II J9306: Injection, pertuzumab, 1 mg"
    header = j9306_page.find("header", class_="masthead")
    assert header.find("span", class_="running-code").text == "J9306"
    # The descriptor is in the title; the masthead does not say it again.
    assert header.find_all("p", class_="descriptor") == []
    editions = [e.text for e in header.find("dl").iter() if e.tag in ("dt", "dd")]
    assert editions == [
        "As of",
        "November 27, 2026",
        "Data set editions",
        "CMS HCPCS Level II, October 2025 edition",
        "CMS Place of Service Code Set, May 2, 2024 edition",
        "CMS ASP NDC-HCPCS Crosswalk, 2026 Q1 edition",
        "CMS Medically Unlikely Edits, April 1, 2026 edition",
        "NUCC Health Care Provider Taxonomy, version 25.1",
        "CMS ASP Medicare Part B Drug Payment Limits, 2024 Q1 to 2026 Q1 editions",
        "CMS OPPS Addendum B, October 2025 edition",
        "CDC/NCHS ICD-10-CM, April 1, 2026 edition",
        "Edition",
        "codefolio 0.1.0",
    ]


def test_contents_link_every_section_in_order(j9306: Publication, j9306_page: Element) -> None:
    toc = j9306_page.find("nav", class_="toc")
    entries = [(a.attrs["href"], a.text) for a in toc.iter("a")]
    expected = [(f"#sec-{s.id}", s.title) for s in all_sections(j9306.sections)]
    assert entries == expected
    ids = {e.attrs.get("id") for e in j9306_page.iter()}
    assert all(href[1:] in ids for href, _ in entries)
    headings = [
        (e.tag, e.text) for e in j9306_page.find("main").iter() if re.fullmatch(r"h\d", e.tag)
    ]
    assert headings[:5] == [
        ("h2", "Summary & Overview"),
        ("h3", "Review notes"),
        ("h3", "Changes since the previous edition"),
        ("h2", "Billing Code Overview"),
        ("h2", "Clinical & Coding Specifications"),
    ]
    assert ("h3", "Modifiers") in headings and ("h3", "Aetna") in headings


def test_tables_have_captions_and_column_headers(j9306_page: Element) -> None:
    tables = {t.find("caption").text: t for t in j9306_page.iter("table")}
    assert list(tables) == [
        "NDC packages",
        "Modifiers",
        "Provider taxonomies (NUCC)",
        "Administration codes",
        "Related codes",
        "Medically Unlikely Edits (units per patient per day, by setting), edition 2026-04-01; "
        "check before billing: newest Medically Unlikely Edits edition shipped: 2026-04-01 "
        "(2026q2); as-of date is in 2026q4",
        "ASP payment limit per quarter, 2024q1 to 2026q1",
        "Benchmarks from the input",
        "CMS-1500 item 24 lines",
        "837P service lines (loops 2400 and 2410); {charge} and {date} are the line charge "
        "and the date of service",
        "UB-04 lines (type of bill 013x)",
        "837I service lines (loops 2400 and 2410); {charge} and {date} are the line charge "
        "and the date of service",
    ]
    for table in tables.values():
        assert all(th.attrs["scope"] == "col" for th in table.iter("th"))
    admin = tables["Administration codes"]
    assert [th.text for th in admin.iter("th")] == ["Code", "Code system", "Note"]
    rows = [[td.own_text for td in tr.iter("td")] for tr in admin.find("tbody").iter("tr")]
    assert rows[0] == ["96413", "CPT", "First hour of the intravenous chemotherapy infusion"]
    assert len(rows) == 3
    ndc = tables["NDC packages"].find("tbody").find("tr")
    assert [td.own_text for td in ndc.iter("td")] == [
        "50242-0145-01",
        "50242014501",
        "420 mg/14 mL single-dose vial",
        "420 mg",
        "Single-dose",
        "ML 14",
        "420",
    ]


def test_modifiers_and_taxonomies_are_tables(j9306_page: Element) -> None:
    def rows(section_id: str) -> list[list[str]]:
        section = j9306_page.find("section", id=section_id)
        return [[td.own_text for td in tr.iter("td")] for tr in section.find("tbody").iter("tr")]

    modifiers = rows("sec-modifiers")
    # The record's modifiers, then those CMS policy names for it (JZ: single-dose vial;
    # TB: a hospital site, 340B-acquired drugs only).
    assert [row[:2] for row in modifiers] == [
        ["JW", "Drug amount discarded/not administered to any patient"],
        ["59", "CPT modifier; its descriptor is in the AMA CPT code set"],
        ["JZ", "Zero drug amount discarded/not administered to any patient"],
        [
            "TB",
            "Drug or biological acquired with 340b drug pricing program discount, reported "
            "for informational purposes",
        ],
    ]
    assert [row[:2] for row in rows("sec-taxonomies")] == [
        ["207RX0202X", "Medical Oncology Physician"],
        ["207RH0003X", "Hematology & Oncology Physician"],
    ]


def test_missing_data_is_a_visible_callout(j9306: Publication, j9306_page: Element) -> None:
    callouts = j9306_page.find_all(role="note")
    assert len(callouts) == len(j9306.missing) == 3
    # Each keeps its label: the reader sees what is missing, not only that something is.
    assert [c.text for c in callouts] == [
        f"{block.label}: {MISSING_TEXT}" for block in j9306.missing
    ]
    assert {c.find("span", class_="missing-text").text for c in callouts} == {MISSING_TEXT}
    assert all("missing" in (c.attrs["class"] or "") for c in callouts)
    section = j9306_page.find("section", id="sec-payer-2")
    assert section.find("h3").text == "Blue Cross Blue Shield"
    assert section.find(role="note").text == (
        f"Coverage details for Blue Cross Blue Shield: {MISSING_TEXT}"
    )


def test_callout_is_an_aside(j9306_page: Element) -> None:
    [aside] = j9306_page.find_all("aside")
    assert aside.own_text.startswith("Note: This publication is a coding reference")


def marks_of(element: Element) -> list[str]:
    """The reference numbers one source marker of `element` points to."""
    [sup] = [e for e in element.children if isinstance(e, Element) and e.tag == "sup"]
    return [a.attrs["href"] or "" for a in sup.iter("a")]


def test_each_statement_has_at_most_one_source_marker(j9306_page: Element) -> None:
    main = j9306_page.find("main")
    for element in main.iter():
        markers = [c for c in element.children if isinstance(c, Element) and c.tag == "sup"]
        assert len(markers) <= 1, element
    assert [sup for td in main.iter("td") for sup in td.iter("sup")] == []
    for section in main.iter("section"):
        own = [sup for sup in section.iter("sup") if "src" in (sup.attrs["class"] or "")]
        blocks = [e for e in section.iter() if e.tag in ("p", "li", "table")]
        assert len(own) <= len(blocks)
    # 262 markers before sources were grouped (one per cited field); now at most one per
    # paragraph, list item or table source line.
    statements = [e for e in main.iter() if e.tag in ("p", "li")]
    assert len(main.find_all("sup", class_="src")) <= len(statements)


def test_markers_point_to_numbered_references_in_words(
    j9306: Publication, j9306_page: Element
) -> None:
    references = j9306_page.find("section", id="sec-references").find("ol", class_="references")
    items = references.find_all("li")
    assert [li.attrs["id"] for li in items] == [f"ref-{i}" for i in range(1, len(items) + 1)]
    assert [li.text for li in items[:4]] == [
        "Input record: J9306, record format codefolio/1",
        "Data set: CMS HCPCS Level II, October 2025 edition",
        "Data set: CMS Place of Service Code Set, May 2, 2024 edition",
        "Data set: CMS ASP NDC-HCPCS Crosswalk, 2026 Q1 edition",
    ]
    # One entry per data set edition and per rule: no internal ids, no field paths.
    assert len(items) == 1 + len(j9306.datasets) + len(
        {ref for ref in j9306.sources if ref.kind == "rule"}
    )
    for li in items:
        assert not re.search(r"@|input\.|dataset:|rule:|\w+_\w+|\[\d+\]", li.text), li.text
    hrefs = {a.attrs["href"] for sup in j9306_page.iter("sup") for a in sup.iter("a")}
    assert hrefs <= {f"#ref-{i}" for i in range(1, len(items) + 1)}
    as_of, summary = j9306_page.find("section", id="sec-summary").find_all("p")[:2]
    assert as_of.find_all("sup") == []  # the as-of date is the publication's own
    assert marks_of(summary) == ["#ref-1", "#ref-3"]  # the input record, the POS code set


def test_tables_name_their_sources_in_one_line_under_them(j9306_page: Element) -> None:
    lines = [p.own_text for p in j9306_page.find_all("p", class_="table-source")]
    assert len(lines) == len(j9306_page.find_all("table"))
    assert "Source: CMS Medically Unlikely Edits, April 1, 2026 edition, row J9306." in lines
    assert (
        "Source: CMS ASP Medicare Part B Drug Payment Limits, 2024 Q1 to 2026 Q1 editions, "
        "row J9306."
    ) in lines
    assert (
        "Source: the input record; NUCC Health Care Provider Taxonomy, version 25.1, rows "
        "207RX0202X and 207RH0003X."
    ) in lines
    mue = j9306_page.find("section", id="sec-benchmarks").find("p", class_="table-source")
    assert marks_of(mue) == ["#ref-5"]


def test_field_level_sources_wait_in_a_closed_details_element(
    j9306: Publication, j9306_page: Element
) -> None:
    details = j9306_page.find("footer", id="field-sources").find("details")
    assert "open" not in details.attrs
    shown = [code.text for code in details.iter("code")]
    assert sorted(shown) == sorted(str(ref) for ref in j9306.sources)
    style = j9306_page.find("style").text
    assert ".field-sources { display: none; }" in style  # print shows the References only


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_every_field_shows_as_text(hostile: str) -> None:
    page = page_of(publish(hostile_record(hostile)))
    assert page.find_all("script") == []
    assert page.find_all("img") == []
    assert [e.tag for e in page.iter() if any(a.startswith("on") for a in e.attrs)] == []
    assert [e.tag for e in page.iter() if "src" in e.attrs] == []
    texts = [c for e in page.iter() for c in e.children if isinstance(c, str)]
    assert sum(text.count(hostile) for text in texts) >= HOSTILE_FIELDS
    assert page.find("h1").text == " ".join(f"HCPCS Level II J9306: {hostile}".split())


def chart_publication() -> Publication:
    """Compose does not draw charts or cite data sets yet, so this one is built by hand."""
    benchmarks = Table(
        caption="Payment limits",
        columns=["Quarter", "Limit"],
        rows=[
            Row(
                cells=["2026 Q1", "$10.00"],
                sources=[SourceRef(kind="dataset", ref="asp@2026-Q1:X")],
            ),
            Row(
                cells=["2026 Q2", "$5.00"], sources=[SourceRef(kind="dataset", ref="asp@2026-Q2:X")]
            ),
        ],
        chart=Chart(
            unit="USD per unit",
            points=[
                ChartPoint(label="2026 Q1", value=Decimal("10.00")),
                ChartPoint(label="2026 Q2", value=Decimal("5")),
            ],
        ),
    )
    return Publication(
        code="J9306",
        code_system="HCPCS Level II",
        title="HCPCS Level II J9306",
        edition="codefolio 0.1.0",
        datasets=[
            DataSetEdition(id="asp", name="ASP pricing file", publisher="CMS", edition="2026-Q2"),
            DataSetEdition(id="hcpcs", name="HCPCS Level II", publisher="CMS", edition="2026-04"),
        ],
        sections=[
            Section(
                id="benchmarks",
                title="Coding Benchmarks",
                blocks=[Paragraph(text="Limits by quarter."), benchmarks],
            )
        ],
    )


def test_table_chart_is_an_inline_svg_bar_chart() -> None:
    page = page_of(chart_publication())
    [svg] = page.find_all("svg")
    assert svg.attrs["role"] == "img"
    title = svg.find("title")
    assert title.text == "Payment limits (USD per unit)"
    assert svg.attrs["aria-labelledby"] == title.attrs["id"]
    bars = [(rect.attrs["width"]) for rect in svg.iter("rect")]
    assert bars == ["420", "210"]  # the largest value spans the plot; half the value, half
    labels = [t.text for t in svg.iter("text")]
    assert labels == ["2026 Q1", "10.00 USD per unit", "2026 Q2", "5 USD per unit"]
    assert page.find("figcaption").text == "Payment limits, in USD per unit"
    # The table comes first and still holds the figures.
    figure_index = [e.tag for e in page.iter()].index("figure")
    assert [e.tag for e in page.iter()].index("table") < figure_index


def test_header_lists_data_set_editions() -> None:
    header = page_of(chart_publication()).find("header", class_="masthead")
    assert [dd.text for dd in header.iter("dd")] == [
        "CMS ASP pricing file, version 2026-Q2",
        "CMS HCPCS Level II, April 2026 edition",
        "codefolio 0.1.0",
    ]
    assert header.find_all("p", class_="descriptor") == []


def test_only_the_table_with_a_chart_draws_one(j9306_page: Element) -> None:
    [svg] = j9306_page.find_all("svg")
    assert "17.012 USD per 1 mg" in svg.text
    assert page_of(publish({"code": "96413"})).find_all("svg") == []


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted([relative_luminance(one), relative_luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("stylesheet", ["publication", "site"])
def test_every_text_colour_has_aa_contrast_on_every_background(
    stylesheet: str, j9306_page: Element
) -> None:
    css = (
        j9306_page.find("style").text
        if stylesheet == "publication"
        else render_template("site.css.j2")
    )
    texts = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", css))
    backgrounds = set(re.findall(r"background(?:-color)?:\s*(#[0-9a-f]{6})", css))
    assert "#ffffff" in backgrounds and texts
    ratios = {(t, b): contrast(t, b) for t in texts for b in backgrounds}
    assert min(ratios.values()) >= 4.5, ratios


@given(st.text())
def test_section_text_is_escaped_exactly_as_markupsafe_escapes_it(text: str) -> None:
    """The page's sections escape text without markupsafe for speed; any string, hostile or
    not, must come out byte for byte as markupsafe would write it."""
    assert text_html(text) == str(escape(text))
