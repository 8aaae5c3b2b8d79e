"""The code systems codefolio reads, declared once: each one's shape, how a typed code is
normalised, an example for error messages, and the fixed lists that belong to it.

The record model (`records.fields`), the reference-data lookups (`refdata.codes`), the
checks of `validation` and the billing rules all read these; none keeps its own copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from codefolio.billing.ndc import normalize_ndc

_SPACES = re.compile(r"\s+")


def normalize_code(code: str) -> str:
    """Strip surrounding and inner spaces and upper-case: ` jw ` → `JW`, `j 9306` → `J9306`."""
    return _SPACES.sub("", code).upper()


def normalize_icd10(code: str) -> str:
    """Dotted upper-case ICD-10-CM form: `c50011` and `C50.011` both become `C50.011`. A dot
    typed in another place is kept, so the code fails its shape instead of being moved."""
    text = normalize_code(code)
    return text if "." in text or len(text) <= 3 else f"{text[:3]}.{text[3:]}"


@dataclass(frozen=True)
class CodeSystem:
    id: str
    name: str
    pattern: str
    """Regular expression the normalised code matches in full."""
    example: str
    normalize: Callable[[str], str] = normalize_code

    def matches(self, code: str) -> bool:
        return re.fullmatch(self.pattern, self.normalize(code)) is not None


HCPCS: Final = CodeSystem(
    "hcpcs",
    "HCPCS Level II code",
    # Level II codes use the letters A to V (CMS HCPCS file); W to Z are not assigned.
    r"[A-V][0-9]{4}",
    "a HCPCS Level II code such as J9306",
)
CPT: Final = CodeSystem(
    "cpt",
    "CPT code",
    # Category I is five digits; Category II ends in F, Category III in T, PLA codes in U.
    r"[0-9]{4}[0-9FTU]",
    "a CPT code such as 96413",
)
MODIFIER: Final = CodeSystem(
    "modifier", "modifier code", r"[A-Z0-9]{2}", "two letters or digits, such as JW or 59"
)
POS: Final = CodeSystem(
    "pos", "Place of Service code", r"[0-9]{2}", 'two digits, quoted in YAML, such as "11" or "01"'
)
TAXONOMY: Final = CodeSystem(
    "taxonomy",
    "NUCC taxonomy code",
    r"[0-9]{3}[0-9A-Z]{6}X",
    "ten characters ending in X, such as 207RX0202X",
)
ICD10: Final = CodeSystem(
    "icd10",
    "ICD-10-CM code",
    # ICD-10-CM does not use U for its own codes before the dot (reserved by WHO).
    r"[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?",
    "a letter, two characters and up to four more after a dot, such as C50.011",
    normalize_icd10,
)
NDC: Final = CodeSystem(
    "ndc",
    "NDC",
    r"[0-9]{11}",
    "10 digits hyphenated 4-4-2, 5-3-2 or 5-4-1, or 11 digits 5-4-2",
    normalize_ndc,
)

CODE_SYSTEMS: Final[dict[str, CodeSystem]] = {
    system.id: system for system in (HCPCS, CPT, MODIFIER, POS, TAXONOMY, ICD10, NDC)
}

CPT_MODIFIERS: Final = frozenset(
    [
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "32",
        "33",
        "47",
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "59",
        "62",
        "63",
        "66",
        "73",
        "74",
        "76",
        "77",
        "78",
        "79",
        "80",
        "81",
        "82",
        "90",
        "91",
        "92",
        "93",
        "95",
        "96",
        "97",
        "99",
    ]
)
"""CPT Level I modifiers (AMA CPT, Appendix A), numbers only: the HCPCS file holds Level II
modifiers, and CPT modifier descriptors are AMA-copyrighted, so they are accepted by number."""

DISTINCT_SERVICE_MODIFIERS: Final = ("59", "XE", "XS", "XP", "XU")
"""Modifier 59 and its HCPCS subsets (rule distinct-service-modifiers)."""

NDC_UNIT_QUALIFIERS: Final[dict[str, str]] = {
    "UN": "unit",
    "ML": "milliliter",
    "GR": "gram",
    "F2": "international unit",
    "ME": "milligram",
}
"""NDC unit of measure qualifiers on a drug line (NCPDP; CMS-1500 item 24 shaded line and
837 loop 2410 CTP05)."""

MUE_SETTINGS: Final[dict[str, str]] = {
    "practitioner": "Practitioner",
    "outpatient_hospital": "Outpatient hospital",
    "dme_supplier": "DME supplier",
}
"""The MUE tables by the setting they apply to (CMS publishes one file per setting)."""
