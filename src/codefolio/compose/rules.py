"""How a publication cites a billing rule: by its id in the one rule table
(`codefolio.billing.rules`), which the References section spells out in words."""

from __future__ import annotations

from codefolio.billing.rules import require_rule
from codefolio.compose.model import SourceRef


def cite_rule(rule_id: str) -> SourceRef:
    """A rule source; KeyError for an id the table does not hold, so no citation dangles."""
    return SourceRef(kind="rule", ref=require_rule(rule_id).id)


DRUG_SUPPLY = cite_rule("drug-supply-separate")
ROUNDING = cite_rule("units-round-up")
