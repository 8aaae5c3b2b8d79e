"""The claim forms a drug and its administration are billed on, declared once each.

A descriptor knows the Place of Service codes it serves, its field labels, the columns of a
worked line, how its X12 service line is built, the MUE table that applies, and which
modifiers may go on a drug supply line. Compose walks a descriptor; it never branches on
which form it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from codefolio.billing.claim_lines import ClaimLine, segments_837i, segments_837p
from codefolio.codes import DISTINCT_SERVICE_MODIFIERS

Column = Literal["pos", "revenue", "ndc", "procedure", "pointer", "units"]


@dataclass(frozen=True)
class FormField:
    """One field of the form, as the publication explains it."""

    label: str
    text: str
    drug_only: bool = False


@dataclass(frozen=True)
class ClaimForm:
    id: str
    title: str
    setting: str
    """Who bills on it, as a sentence fragment ("a professional claim")."""
    names: str
    """The paper and electronic forms as the text names them."""
    form: str
    lines_caption: str
    transaction: str
    places: frozenset[str]
    """Place of Service codes of the sites billed on this form."""
    rule_id: str
    mue_setting: str
    fields: tuple[FormField, ...]
    columns: tuple[tuple[Column, str], ...]
    """The worked line table: what each column shows, and its heading."""
    drug_line_modifiers: frozenset[str]
    """Modifiers a drug supply line may carry on this form (rule drug-line-modifiers)."""
    administration_line_modifiers: tuple[str, ...]
    """Modifiers an administration line may carry on this form when their rule applies
    (rules distinct-service-modifiers, opps-off-campus-po-pn)."""
    build_segments: Callable[[Sequence[ClaimLine], str], list[str]]
    """X12 loop 2400/2410 segments of the lines, given the diagnosis pointer."""
    uses_revenue_codes: bool


SEGMENT_MEANINGS: Final[dict[str, str]] = {
    "LX": "service line number",
    "SV1": "professional service: HC qualifier, procedure code and modifier, charge, UN units, "
    "quantity, diagnosis pointer",
    "SV2": "institutional service: revenue code, HC qualifier, HCPCS code and modifier, charge, "
    "UN units, quantity",
    "DTP": "date of service (472)",
    "LIN": "drug identification: N4 qualifier and the 11-digit NDC",
    "CTP": "drug quantity and its unit qualifier",
}

# Place of Service 19: off-campus outpatient hospital department (rule opps-off-campus-po-pn).
OFF_CAMPUS_POS: Final = "19"

PROFESSIONAL: Final = ClaimForm(
    id="office",
    title="Office claim (CMS-1500 / 837P)",
    setting="a professional claim",
    names="Form CMS-1500, or the electronic 837P",
    form="CMS-1500",
    lines_caption="CMS-1500 item 24 lines",
    transaction="837P",
    places=frozenset({"11"}),
    rule_id="claim-professional",
    mue_setting="practitioner",
    fields=(
        FormField("Item 24B, Place of Service", "the Place of Service of the site"),
        FormField("Item 24D, Procedure code and modifier", "the code and its modifiers"),
        FormField(
            "Item 24E, Diagnosis pointer",
            "the letter of the item 21 diagnosis that supports the line",
        ),
        FormField("Item 24G, Units", "the billing units reported on the line"),
        FormField(
            "Item 24, shaded line (NDC)",
            "qualifier N4, the 11-digit NDC (5-4-2), the unit qualifier (UN, ML, GR, F2 or ME) "
            "and the quantity",
            drug_only=True,
        ),
        FormField(
            "837P",
            "service line in loop 2400 (SV1); NDC in loop 2410 (LIN with qualifier N4, CTP "
            "with quantity and unit)",
            drug_only=True,
        ),
    ),
    columns=(
        ("pos", "24B POS"),
        ("procedure", "24D Procedure, modifier"),
        ("pointer", "24E Pointer"),
        ("units", "24G Units"),
        ("ndc", "Shaded line (NDC)"),
    ),
    drug_line_modifiers=frozenset({"JW", "JZ"}),
    administration_line_modifiers=DISTINCT_SERVICE_MODIFIERS,
    build_segments=segments_837p,
    uses_revenue_codes=False,
)

INSTITUTIONAL: Final = ClaimForm(
    id="facility",
    title="Outpatient facility claim (UB-04 / 837I)",
    setting="an institutional claim",
    names="Form UB-04 (CMS-1450), or the electronic 837I, type of bill 013x (hospital outpatient)",
    form="UB-04",
    lines_caption="UB-04 lines (type of bill 013x)",
    transaction="837I",
    places=frozenset({"19", "22"}),
    rule_id="claim-institutional",
    mue_setting="outpatient_hospital",
    fields=(
        FormField("FL 42, Revenue code", "0636 (drugs requiring detailed coding)", drug_only=True),
        FormField("FL 44, HCPCS code and modifier", "the code and its modifiers"),
        FormField("FL 46, Service units", "the billing units reported on the line"),
        FormField(
            "FL 43, NDC",
            "qualifier N4, the 11-digit NDC (5-4-2), the unit qualifier and the quantity",
            drug_only=True,
        ),
        FormField(
            "837I",
            "service line in loop 2400 (SV2: revenue code, HCPCS, units); NDC in loop 2410 "
            "(LIN, CTP)",
            drug_only=True,
        ),
    ),
    columns=(
        ("revenue", "FL 42 Revenue code"),
        ("ndc", "FL 43 NDC"),
        ("procedure", "FL 44 HCPCS, modifier"),
        ("units", "FL 46 Units"),
    ),
    drug_line_modifiers=frozenset({"JW", "JZ", "TB", "PO", "PN"}),
    administration_line_modifiers=(*DISTINCT_SERVICE_MODIFIERS, "PO", "PN"),
    build_segments=lambda lines, _pointer: segments_837i(lines),
    uses_revenue_codes=True,
)

CLAIM_FORMS: Final[tuple[ClaimForm, ...]] = (PROFESSIONAL, INSTITUTIONAL)


def form_for_pos(pos: str) -> ClaimForm | None:
    """The form a site's claims go on; None for a setting codefolio does not describe."""
    return next((form for form in CLAIM_FORMS if pos in form.places), None)
