"""Published billing rules a publication states, each with the citation it is taken from.

Only rules that hold for every code of their kind live here; anything code-specific comes
from the record or a reference data set.
"""

from __future__ import annotations

from codefolio.compose.common import rule

DRUG_SUPPLY = rule(
    "CPT guidelines for drug administration codes 96360-96549: the drug or substance given is "
    "reported separately from its administration, with its own supply code"
)
PROFESSIONAL_CLAIM = rule(
    "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 26: Form CMS-1500 and 837P"
)
INSTITUTIONAL_CLAIM = rule(
    "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 25: Form CMS-1450 (UB-04) "
    "and 837I"
)

# Place of Service codes whose claim appearance codefolio can describe (CMS POS code set).
OFFICE_POS = frozenset({"11"})
OUTPATIENT_HOSPITAL_POS = frozenset({"19", "22"})
