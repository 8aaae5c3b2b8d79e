"""The 837 service lines a publication prints, validated by pyx12 inside complete minimal
005010X222A1 (837P) and 005010X223A2 (837I) interchanges."""

from __future__ import annotations

import pytest

from codefolio.claims.x12 import validate_837
from codefolio.compose.model import Publication
from tests.conftest import example_data, publish
from tests.test_compose_billing import table

ISA = (
    "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *261126*1200*^*"
    "00501*000000001*0*T*:~"
)

# Loops 1000A/B and 2000A-2300 of a professional claim: the smallest claim a line can sit in.
HEADER_837P = [
    "BHT*0019*00*0001*20261126*1200*CH~",
    "NM1*41*2*ONCOLOGY CLINIC*****46*SUBMITTER~",
    "PER*IC*BILLING OFFICE*TE*5555551234~",
    "NM1*40*2*MEDICARE CONTRACTOR*****46*RECEIVER~",
    "HL*1**20*1~",
    "NM1*85*2*ONCOLOGY CLINIC*****XX*1234567893~",
    "N3*1 MAIN ST~",
    "N4*HARRISBURG*PA*171010000~",
    "REF*EI*123456789~",
    "HL*2*1*22*0~",
    "SBR*P*18*******MB~",
    "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~",
    "N3*2 ELM ST~",
    "N4*HARRISBURG*PA*17101~",
    "DMG*D8*19700101*F~",
    "NM1*PR*2*MEDICARE*****PI*12345~",
    "CLM*PATIENT1*{total}***11:B:1*Y*A*Y*Y~",
    "HI*ABK:C50011~",
]

# The same for an institutional claim, type of bill 0131 (hospital outpatient).
HEADER_837I = [
    "BHT*0019*00*0001*20261126*1200*CH~",
    "NM1*41*2*GENERAL HOSPITAL*****46*SUBMITTER~",
    "PER*IC*BILLING OFFICE*TE*5555551234~",
    "NM1*40*2*MEDICARE CONTRACTOR*****46*RECEIVER~",
    "HL*1**20*1~",
    "NM1*85*2*GENERAL HOSPITAL*****XX*1234567893~",
    "N3*1 MAIN ST~",
    "N4*HARRISBURG*PA*171010000~",
    "REF*EI*123456789~",
    "HL*2*1*22*0~",
    "SBR*P*18*******MA~",
    "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~",
    "N3*2 ELM ST~",
    "N4*HARRISBURG*PA*17101~",
    "DMG*D8*19700101*F~",
    "NM1*PR*2*MEDICARE*****PI*12345~",
    "CLM*PATIENT1*{total}***13:A:1**A*Y*Y~",
    "DTP*434*RD8*20261126-20261126~",
    "CL1*2*1*01~",
    "HI*ABK:C50011~",
    "NM1*71*1*SMITH*ANNA****XX*1234567893~",
]

CHARGE = "100"


def interchange(version: str, header: list[str], lines: list[str]) -> str:
    """A complete ISA/GS/ST interchange around the service lines, charges filled in."""
    body = [line.replace("{charge}", CHARGE).replace("{date}", "20261126") for line in lines]
    total = CHARGE if not body else str(int(CHARGE) * sum(s.startswith("LX") for s in body))
    segments = [f"ST*837*0001*{version}~", *(s.replace("{total}", total) for s in header), *body]
    segments.append(f"SE*{len(segments) + 1}*0001~")
    return "".join(
        [
            ISA,
            f"GS*HC*SUBMITTER*RECEIVER*20261126*1200*1*X*{version}~",
            *segments,
            "GE*1*1~",
            "IEA*1*000000001~",
        ]
    )


def validate(document: str) -> tuple[bool, list[str]]:
    """pyx12's verdict and error messages for one interchange, as the claim checker reads
    them."""
    messages = [problem.message for problem in validate_837(document, "test.837")]
    return not messages, messages


def segments(publication: Publication, section_id: str, caption: str) -> list[str]:
    return [row.cells[0] for row in table(publication.section(section_id), caption).rows]


@pytest.mark.parametrize("code", ["J9306", "J9355"])
def test_professional_lines_validate(code: str) -> None:
    lines = segments(publish(example_data(code)), "claims-office", "837P")
    assert any(line.startswith("LIN**N4*") for line in lines)
    valid, errors = validate(interchange("005010X222A1", HEADER_837P, lines))
    assert (valid, errors) == (True, [])


def test_institutional_lines_validate() -> None:
    lines = segments(publish(example_data("J9306")), "claims-facility", "837I")
    assert any(line.startswith("SV2*0636*HC:J9306") for line in lines)
    valid, errors = validate(interchange("005010X223A2", HEADER_837I, lines))
    assert (valid, errors) == (True, [])


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        (("CTP****28*ML~", "CTP****28*XX~"), "is not a valid code"),
        (("SV2*0636*HC:", "SV2*0636*ZZ:"), "is not a valid code for Product or Service ID"),
        (("*UN*840~", "*XX*840~"), "Unit or Basis for Measurement"),
    ],
)
def test_the_validator_rejects_a_broken_line(broken: tuple[str, str], error: str) -> None:
    """Control: the same check fails when a generated line is damaged."""
    lines = segments(publish(example_data("J9306")), "claims-facility", "837I")
    damaged = [line.replace(*broken) for line in lines]
    assert damaged != lines
    valid, errors = validate(interchange("005010X223A2", HEADER_837I, damaged))
    assert not valid and any(error in message for message in errors)
