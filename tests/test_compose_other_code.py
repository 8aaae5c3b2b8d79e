"""Nothing in codefolio is written for J9306 alone."""

from __future__ import annotations

import re

from tests.conftest import ROOT, example_data, publish, rendered_texts

J9306_TRACES = re.compile(r"J9306|pertuzumab|Perjeta|50242-0145", re.IGNORECASE)


def test_j9355_publication_has_no_trace_of_j9306() -> None:
    publication = publish(example_data("J9355"))
    for fmt, text in rendered_texts(publication).items():
        # J9316 (pertuzumab, trastuzumab and hyaluronidase) is a related code of the same
        # active ingredient in the HCPCS file: its descriptor names pertuzumab by right.
        # A wrapped text-table row is a paragraph of its own; a Markdown row is a line.
        own = "\n\n".join(
            "\n".join(line for line in part.splitlines() if "same active ingredient" not in line)
            for part in text.split("\n\n")
            if "same active ingredient" not in part or fmt != "txt"
        )
        assert not J9306_TRACES.search(own), fmt
        assert "Injection, trastuzumab, excludes biosimilar, 10 mg" in text
        assert "UnitedHealthcare and Medicare Part B" in text
        assert "one unit of J9355 = 10 mg" in text
    related = publication.section("pairings").model_dump_json()
    rest = publication.model_dump_json().replace(related, "")
    assert not J9306_TRACES.search(rest.replace("J9316", ""))


def test_no_code_drug_or_payer_literal_in_compose_or_render_code() -> None:
    literals = re.compile(
        r"J9306|J9355|pertuzumab|trastuzumab|Perjeta|Herceptin|Aetna|Cigna|UnitedHealthcare"
        r"|Blue Cross",
        re.IGNORECASE,
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("compose", "render")
        for path in sorted((ROOT / "src" / "codefolio" / package).rglob("*"))
        if path.is_file() and path.suffix in {".py", ".j2", ".html", ".md", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literals.search(line)
    ]
    assert offenders == []
