"""The billing rules codefolio states, as plain data: one table that publications and the
claim checker both read, so they cite the same ids, words and sources.

Each rule says what it requires in our own words, where it comes from (document and
section, or the topic where the document has no numbered section), whom it binds and the
dates it is in force. Nothing here imports compose, render or I/O: `rule_rows()` hands the
table to DuckDB, Spark or a CSV writer as it is.

Every in-force date falls on a quarter boundary (CMS changes these policies by quarter),
so a catalogue keyed by the quarter of its as-of date states the rules of that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

Scope = Literal["Medicare Part B", "Medicare OPPS", "general"]
"""Medicare Part B: physician/supplier and hospital outpatient drug claims alike; Medicare
OPPS: hospital outpatient claims only; general: coding conventions every payer follows."""


@dataclass(frozen=True)
class RuleSource:
    """The published document a rule is taken from, and its section or topic there."""

    document: str
    section: str

    def __str__(self) -> str:
        return f"{self.document}, {self.section}"


@dataclass(frozen=True)
class BillingRule:
    id: str
    title: str
    statement: str
    sources: tuple[RuleSource, ...]
    scope: Scope
    in_force_from: date | None = None
    in_force_until: date | None = None
    """The last day in force; None while it is."""

    def in_force(self, as_of: date) -> bool:
        starts, ends = self.in_force_from, self.in_force_until
        return (starts is None or starts <= as_of) and (ends is None or as_of <= ends)

    @property
    def citation(self) -> str:
        return "; ".join(str(source) for source in self.sources)

    @property
    def dates(self) -> str:
        """`in force from 2023-07-01`, `in force 2018-01-01 to 2024-12-31`, or `undated`."""
        starts, ends = self.in_force_from, self.in_force_until
        if starts and ends:
            return f"in force {starts.isoformat()} to {ends.isoformat()}"
        if starts:
            return f"in force from {starts.isoformat()}"
        if ends:
            return f"in force until {ends.isoformat()}"
        return "undated"


PUB_100_04_CH17: Final = "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 17"
PUB_100_04_CH4: Final = "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 4"
JW_JZ_FAQ: Final = (
    "CMS, Discarded Drugs and Biologicals: JW Modifier and JZ Modifier Policy Frequently Asked "
    "Questions"
)
NCCI_MANUAL: Final = "CMS NCCI Policy Manual for Medicare Services, Chapter I"
MUE_PAGE: Final = "CMS Medicare NCCI Medically Unlikely Edits (MUEs) web page"
CPT_INSTRUCTIONS: Final = (
    "AMA CPT code set, Medicine: Hydration, Therapeutic, Prophylactic, Diagnostic Injections "
    "and Infusions, and Chemotherapy and Other Highly Complex Drug or Highly Complex Biologic "
    "Agent Administration (96360-96549)"
)
NUBC_MANUAL: Final = "NUBC Official UB-04 Data Specifications Manual"

_DISCARDED = RuleSource(PUB_100_04_CH17, "§40, Discarded Drugs and Biologicals")
_FAQ = RuleSource(JW_JZ_FAQ, "JW and JZ modifier use")
_MUE_CHAPTER = RuleSource(NCCI_MANUAL, "Medically Unlikely Edits (MUEs)")
_MAI = RuleSource(MUE_PAGE, "MUE Adjudication Indicators")
_NCCI_MODIFIERS = RuleSource(NCCI_MANUAL, "Modifiers and Modifier Indicators")
_CPT_ADD_ON = RuleSource(CPT_INSTRUCTIONS, "add-on code instructions")
_AOC_EDITS = RuleSource(NCCI_MANUAL, "Add-on Codes")
_REVENUE_CODES = RuleSource(NUBC_MANUAL, "Form Locator 42, Revenue Codes")

RULES: Final[tuple[BillingRule, ...]] = (
    BillingRule(
        id="drug-supply-separate",
        title="Drug supply billed apart from its administration",
        statement="The drug given is reported with its own supply code (a HCPCS Level II "
        "code such as a J code), separately from the code for administering it.",
        sources=(RuleSource(CPT_INSTRUCTIONS, "introductory guidelines"),),
        scope="general",
    ),
    BillingRule(
        id="units-round-up",
        title="Whole billing units",
        statement="Billing units are the dose divided by the quantity the HCPCS descriptor "
        "names; a dose between two whole units is rounded up to the next whole unit, and a "
        "fraction of a unit is never billed.",
        sources=(
            RuleSource(
                "CMS Recovery Audit Program, approved issue 0074, Excessive or Insufficient "
                "Drugs and Biologicals Units Billed",
                "units billed (policy references: Pub. 100-04, Chapter 17, §§10, 40, 70 and 90.2)",
            ),
        ),
        scope="Medicare Part B",
    ),
    BillingRule(
        id="jw-discarded-amount",
        title="JW: discarded amount from a single-dose container",
        statement="When part of a single-dose container (single-dose vial or single-use "
        "package) is discarded after a dose is given, Medicare Part B requires the discarded "
        "amount on its own claim line with modifier JW, in whole units that with the "
        "administered units never exceed the labelled amount, and the discarded amount "
        "documented in the medical record.",
        sources=(_DISCARDED, _FAQ),
        scope="Medicare Part B",
        in_force_from=date(2017, 1, 1),
    ),
    BillingRule(
        id="jz-nothing-discarded",
        title="JZ: nothing discarded from a single-dose container",
        statement="When nothing billable is discarded from a single-dose container, Medicare "
        "Part B requires modifier JZ on the line of the administered units (required from "
        "2023-07-01; claims lacking JW or JZ are returned by claim edits from 2023-10-01).",
        sources=(_DISCARDED, _FAQ),
        scope="Medicare Part B",
        in_force_from=date(2023, 7, 1),
    ),
    BillingRule(
        id="jw-jz-multiple-dose",
        title="No JW or JZ for multiple-dose containers",
        statement="Neither JW nor JZ applies to a drug from a multiple-dose container: what "
        "is left stays in the container for later doses and is not billed as discarded.",
        sources=(_DISCARDED, _FAQ),
        scope="Medicare Part B",
        in_force_from=date(2017, 1, 1),
    ),
    BillingRule(
        id="mue-limit",
        title="Medically Unlikely Edits",
        statement="A Medically Unlikely Edit (MUE) is the most units of a code that one "
        "provider reports for one patient on one date of service; CMS publishes separate "
        "tables for practitioner, outpatient hospital and DME supplier claims.",
        sources=(_MUE_CHAPTER, _MAI),
        scope="Medicare Part B",
    ),
    BillingRule(
        id="mue-mai-1",
        title="MUE adjudication indicator 1: claim line edit",
        statement="MAI 1 is a claim line edit: each line's units are checked against the MUE, "
        "and a line above it is denied whole (not only the units above the MUE).",
        sources=(_MAI, _MUE_CHAPTER),
        scope="Medicare Part B",
    ),
    BillingRule(
        id="mue-mai-2",
        title="MUE adjudication indicator 2: date of service edit, policy",
        statement="MAI 2 is a date of service edit based on policy: the units of all lines of "
        "the code on the date of service are added, and if the sum exceeds the MUE all those "
        "lines are denied; it is an absolute limit set by CMS policy.",
        sources=(_MAI, _MUE_CHAPTER),
        scope="Medicare Part B",
    ),
    BillingRule(
        id="mue-mai-3",
        title="MUE adjudication indicator 3: date of service edit, clinical",
        statement="MAI 3 is a date of service edit based on clinical data: the units of all "
        "lines of the code on the date of service are added, and if the sum exceeds the MUE "
        "all those lines are denied; the denial may be appealed with documentation that the "
        "units were given and medically necessary.",
        sources=(_MAI, _MUE_CHAPTER),
        scope="Medicare Part B",
    ),
    BillingRule(
        id="distinct-service-modifiers",
        title="59 and XE/XS/XP/XU on procedure lines only",
        statement="Modifier 59 and its more specific subsets XE, XS, XP and XU mark a "
        "distinct service on the procedure or administration code of an NCCI procedure-to-"
        "procedure pair when the documentation supports it (CMS prefers the X modifiers); "
        "they never go on a drug supply line and do not bypass a date of service MUE.",
        sources=(_NCCI_MODIFIERS, _MUE_CHAPTER),
        scope="Medicare Part B",
        in_force_from=date(2015, 1, 1),
    ),
    BillingRule(
        id="drug-line-modifiers",
        title="Modifiers a drug supply line may carry",
        statement="A drug supply line carries only modifiers about the drug (JW, JZ, the 340B "
        "modifier, PO or PN on a hospital claim); procedure modifiers such as 25, 59 and "
        "XE/XS/XP/XU describe services and never go on it.",
        sources=(_NCCI_MODIFIERS, _DISCARDED),
        scope="general",
    ),
    BillingRule(
        id="opps-off-campus-po-pn",
        title="PO/PN on off-campus provider-based department lines",
        statement="Every UB-04 line for a service of an off-campus outpatient provider-based "
        "department of a hospital (Place of Service 19 on the professional side) carries PO "
        "(excepted department) or PN (non-excepted department), save the exceptions those "
        "sections list (such as a dedicated emergency department); PN lines are paid at the "
        "physician fee schedule equivalent rate instead of the OPPS rate. On-campus "
        "departments (Place of Service 22) use neither.",
        sources=(
            RuleSource(PUB_100_04_CH4, "§20.6.11, Use of HCPCS Modifier PO"),
            RuleSource(PUB_100_04_CH4, "§20.6.12, Use of HCPCS Modifier PN"),
        ),
        scope="Medicare OPPS",
        in_force_from=date(2017, 1, 1),
    ),
    BillingRule(
        id="340b-jg-tb",
        title="340B-acquired drugs: JG or TB",
        statement="A hospital reports JG on the line of a drug acquired under the 340B Drug "
        "Pricing Program; rural sole community hospitals, children's hospitals and "
        "PPS-exempt cancer hospitals report TB instead.",
        sources=(
            RuleSource("CMS CY 2018 OPPS/ASC final rule (CMS-1678-FC)", "340B-acquired drugs"),
        ),
        scope="Medicare OPPS",
        in_force_from=date(2018, 1, 1),
        in_force_until=date(2024, 12, 31),
    ),
    BillingRule(
        id="340b-tb",
        title="340B-acquired drugs: TB",
        statement="A hospital reports TB on the line of every drug acquired under the 340B "
        "Drug Pricing Program (JG was ended on 2024-12-31); applies only when the drug was "
        "acquired under 340B.",
        sources=(
            RuleSource(
                "CMS CY 2024 OPPS/ASC final rule with comment period (CMS-1786-FC)",
                "340B modifier reporting: TB for every 340B-acquired drug from 2025",
            ),
        ),
        scope="Medicare Part B",
        in_force_from=date(2025, 1, 1),
    ),
    BillingRule(
        id="add-on-hydration",
        title="Hydration add-on codes",
        statement="96361 (hydration, each additional hour) is reported with 96360, or after "
        "another initial service (96365, 96374, 96409, 96413) on the same date.",
        sources=(_CPT_ADD_ON, _AOC_EDITS),
        scope="general",
    ),
    BillingRule(
        id="add-on-therapeutic",
        title="Therapeutic, prophylactic and diagnostic infusion and injection add-on codes",
        statement="Add-on codes of this family are reported with a listed primary code on the "
        "same date: 96366 with 96365 or 96367; 96367 with 96365, 96374, 96409 or 96413; 96368 "
        "with 96365, 96366, 96413, 96415 or 96416; 96370 and 96371 with 96369; 96375 with "
        "96365, 96374, 96409 or 96413; 96376 with 96365, 96374, 96409 or 96413.",
        sources=(_CPT_ADD_ON, _AOC_EDITS),
        scope="general",
    ),
    BillingRule(
        id="add-on-chemotherapy",
        title="Chemotherapy administration add-on codes",
        statement="Add-on codes of this family are reported with a listed primary code on the "
        "same date: 96411 with 96409 or 96413; 96415 with 96413; 96417 with 96413; 96423 "
        "with 96422.",
        sources=(_CPT_ADD_ON, _AOC_EDITS),
        scope="general",
    ),
    BillingRule(
        id="revenue-code-drug",
        title="Revenue code of a drug line",
        statement="On the UB-04 a drug billed with a HCPCS code goes on revenue code 0636 "
        "(drugs requiring detailed coding).",
        sources=(_REVENUE_CODES,),
        scope="general",
    ),
    BillingRule(
        id="revenue-code-administration",
        title="Revenue code of an administration line",
        statement="On the UB-04 an administration service goes on the revenue code of its "
        "family: 0260 (IV therapy) for hydration and IV therapeutic infusions and pushes "
        "(96360-96361, 96365-96368, 96374-96376), 0331 (chemotherapy administration, "
        "injected) for 96401-96402 and 0335 (chemotherapy administration, IV) for "
        "96409-96417.",
        sources=(_REVENUE_CODES,),
        scope="general",
    ),
    BillingRule(
        id="hcpcs-record-layout",
        title="HCPCS file field codes",
        statement="The HCPCS file's pricing indicator, BETOS, type of service and action code "
        "fields hold codes whose meanings the file's record layout defines; a publication "
        "prints each code with that meaning.",
        sources=(
            RuleSource(
                "CMS HCPCS Quarterly Update, HCPCS record layout",
                "pricing indicator, BETOS, type of service and action code",
            ),
        ),
        scope="general",
    ),
    BillingRule(
        id="opps-status-indicators",
        title="OPPS payment status indicators",
        statement="Each HCPCS code in OPPS Addendum B carries a payment status indicator saying "
        "whether and how OPPS pays it: K is a separately paid non-pass-through drug, G a "
        "pass-through drug, N packaged (no separate payment), S and T significant procedures "
        "(T reduced when multiple).",
        sources=(RuleSource("CMS OPPS Addendum D1", "Payment Status Indicators"),),
        scope="Medicare OPPS",
    ),
    BillingRule(
        id="claim-professional",
        title="Professional claim",
        statement="Physician and supplier services, the office among them, are billed on the "
        "professional claim (CMS-1500 or 837P), with the Place of Service on each line and a "
        "drug's NDC in the line's shaded area (837P loop 2410).",
        sources=(
            RuleSource(
                "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 26",
                "Completing and Processing Form CMS-1500 Data Set",
            ),
        ),
        scope="Medicare Part B",
    ),
    BillingRule(
        id="claim-institutional",
        title="Institutional claim",
        statement="Hospital outpatient services are billed on the institutional claim (UB-04 "
        "or 837I), type of bill 013x, one revenue code per line; Place of Service codes are "
        "not reported on it.",
        sources=(
            RuleSource(
                "CMS Medicare Claims Processing Manual (Pub. 100-04), Chapter 25",
                "Completing and Processing the Form CMS-1450 Data Set",
            ),
        ),
        scope="Medicare Part B",
    ),
)

_BY_ID: Final = {rule.id: rule for rule in RULES}


def get_rule(rule_id: str) -> BillingRule | None:
    return _BY_ID.get(rule_id)


def require_rule(rule_id: str) -> BillingRule:
    """The rule with `rule_id`; KeyError naming the known ids when there is none."""
    found = _BY_ID.get(rule_id)
    if found is None:
        raise KeyError(f"no billing rule {rule_id!r} (known: {', '.join(_BY_ID)})")
    return found


def in_force(rule_id: str, as_of: date) -> bool:
    return require_rule(rule_id).in_force(as_of)


def rules_in_force(as_of: date) -> list[BillingRule]:
    return [rule for rule in RULES if rule.in_force(as_of)]


def rule_rows() -> list[dict[str, object]]:
    """The table as rows of plain values (dates as ISO text), for DuckDB, Spark or CSV."""
    return [
        {
            "id": rule.id,
            "title": rule.title,
            "statement": rule.statement,
            "source": rule.citation,
            "scope": rule.scope,
            "in_force_from": rule.in_force_from.isoformat() if rule.in_force_from else None,
            "in_force_until": rule.in_force_until.isoformat() if rule.in_force_until else None,
        }
        for rule in RULES
    ]
