"""The checks, each defined once as SQL (DuckDB dialect) over the view `lines` and the
reference tables; the Spark engine runs the same text transpiled by SQLGlot.

Every check selects the columns of `FINDING_COLUMNS` plus `service_date` and
`filing_indicator`, and names a rule of `billing.rules` by id: `findings_sql` keeps a
finding only on a date of service its rule is in force, and a Medicare rule only on claims
filed to Medicare (SBR09 MA or MB) or that do not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from codefolio.claims.columns import DIAGNOSIS_COLUMNS, MODIFIER_COLUMNS

FINDING_COLUMNS: Final = ("claim_id", "line", "code", "rule_id", "severity", "message", "fix")
SEVERITIES: Final = ("deny", "return", "review")
_FAR: Final = "DATE '9999-12-31'"


def num(expr: str) -> str:
    """A number as text the same way on both engines: whole numbers without decimals."""
    return (
        f"CASE WHEN {expr} = FLOOR({expr}) THEN CAST(CAST({expr} AS BIGINT) AS VARCHAR) "
        f"ELSE CAST(ROUND({expr}, 3) AS VARCHAR) END"
    )


def has(modifier: str, alias: str = "l") -> str:
    """Whether the line carries `modifier` in any position (false, never NULL)."""
    tests = " OR ".join(f"{alias}.{column} = '{modifier}'" for column in MODIFIER_COLUMNS)
    return f"COALESCE({tests}, FALSE)"


# The MUE table of a line's claim: practitioner (837P) or outpatient hospital (837I).
_SETTING = (
    "CASE {x}.claim_type WHEN 'professional' THEN 'practitioner' ELSE 'outpatient_hospital' END"
)
# A line's drug day (see `drug_days`).
_DAY = (
    "JOIN drug_days AS g ON g.claim_id = l.claim_id AND g.code = l.code "
    "AND g.service_date = l.service_date"
)
_OUT = "l.claim_id, l.line, l.code, l.service_date, l.filing_indicator"

# Helper views: one row per modifier and per diagnosis of a line.
VIEWS: Final = {
    "line_modifiers": " UNION ALL ".join(
        f"SELECT {_OUT}, {column} AS modifier FROM lines AS l WHERE {column} IS NOT NULL"
        for column in MODIFIER_COLUMNS
    ),
    "line_diagnoses": " UNION ALL ".join(
        f"SELECT {_OUT}, {column} AS diagnosis FROM lines AS l WHERE {column} IS NOT NULL"
        for column in DIAGNOSIS_COLUMNS
    ),
    # Per claim, code and date of service of a single-dose drug or of a line with JW or JZ:
    # which of those modifiers its lines carry (other days need no wastage check).
    "drug_days": f"""
SELECT l.claim_id, l.code, l.service_date,
  MAX(CASE WHEN {has("JW")} THEN 1 ELSE 0 END) AS with_jw,
  MAX(CASE WHEN {has("JZ")} THEN 1 ELSE 0 END) AS with_jz,
  MAX(CASE WHEN {has("JW")} THEN 0 ELSE 1 END) AS administered
FROM lines AS l JOIN (
  SELECT DISTINCT x.claim_id, x.code, x.service_date FROM lines AS x
  LEFT JOIN ref_drug AS d ON d.code = x.code
  WHERE COALESCE(d.single_dose, FALSE) OR {has("JW", "x")} OR {has("JZ", "x")}
) AS k ON k.claim_id = l.claim_id AND k.code = l.code AND k.service_date = l.service_date
GROUP BY l.claim_id, l.code, l.service_date""",
}
MATERIALISED: Final = ("drug_days",)
"""Views read by several checks, computed once."""


@dataclass(frozen=True)
class Check:
    name: str
    sql: str


CHECKS: Final[tuple[Check, ...]] = (
    Check(
        "code",
        f"""
SELECT {_OUT}, 'code-valid-on-date' AS rule_id, 'deny' AS severity,
  CASE WHEN h.code IS NOT NULL THEN 'code ' || l.code || ' is not in force on '
         || CAST(l.service_date AS VARCHAR) || ' (HCPCS file: '
         || COALESCE(CAST(h.valid_from AS VARCHAR), '?') || ' to '
         || COALESCE(CAST(h.valid_until AS VARCHAR), 'now') || ')'
       WHEN REGEXP_MATCHES(l.code, '^[A-V][0-9]{{4}}$')
         THEN 'code ' || l.code || ' is not in the HCPCS file'
       ELSE 'code ' || l.code || ' is neither a HCPCS Level II nor a CPT code' END AS message,
  'bill the code in force on the date of service' AS fix
FROM lines AS l LEFT JOIN ref_hcpcs AS h ON h.code = l.code
WHERE (REGEXP_MATCHES(l.code, '^[A-V][0-9]{{4}}$') AND (h.code IS NULL
        OR l.service_date < COALESCE(h.valid_from, DATE '0001-01-01')
        OR l.service_date > COALESCE(h.valid_until, {_FAR})))
   OR NOT (REGEXP_MATCHES(l.code, '^[A-V][0-9]{{4}}$')
        OR REGEXP_MATCHES(l.code, '^[0-9]{{4}}[0-9FTU]$'))""",
    ),
    Check(
        "modifier",
        f"""
SELECT {_OUT}, 'code-valid-on-date' AS rule_id, 'return' AS severity,
  CASE WHEN d.code IS NULL THEN 'modifier ' || l.modifier || ' is not a HCPCS modifier'
       WHEN l.service_date > COALESCE(d.valid_until, {_FAR}) THEN 'modifier ' || l.modifier
         || ' was terminated on ' || CAST(d.valid_until AS VARCHAR)
       ELSE 'modifier ' || l.modifier || ' is in force only from '
         || CAST(d.valid_from AS VARCHAR) END AS message,
  'remove modifier ' || l.modifier || ' or use the one in force on the date of service' AS fix
FROM line_modifiers AS l LEFT JOIN ref_modifier AS d ON d.code = l.modifier
WHERE NOT REGEXP_MATCHES(l.modifier, '^[0-9]{{2}}$') AND (d.code IS NULL
   OR l.service_date > COALESCE(d.valid_until, {_FAR})
   OR l.service_date < COALESCE(d.valid_from, DATE '0001-01-01'))""",
    ),
    Check(
        "mue",
        f"""
SELECT {_OUT}, 'mue-mai-' || CAST(l.mai AS VARCHAR) AS rule_id, 'deny' AS severity,
  CASE WHEN l.mai = 1 THEN {num("l.units")} || ' units on the line are above the MUE of '
         || CAST(l.mue AS VARCHAR) || ' (MAI 1, line edit)'
       ELSE {num("l.day_units")} || ' units of ' || l.code || ' on '
         || CAST(l.service_date AS VARCHAR) || ' are above the MUE of '
         || CAST(l.mue AS VARCHAR) || ' (MAI ' || CAST(l.mai AS VARCHAR)
         || ', date of service edit: every line of the code is denied)' END AS message,
  'bill at most ' || CAST(l.mue AS VARCHAR) || ' units of ' || l.code
    || ' for the date of service' AS fix
FROM (
  SELECT x.*, m.mue, m.mai, x.units AS day_units
  FROM lines AS x JOIN ref_mue AS m ON m.code = x.code AND m.mai = 1 AND x.units > m.mue
    AND m.setting = {_SETTING.format(x="x")}
  UNION ALL
  SELECT x.*, d.mue, d.mai, d.day_units
  FROM lines AS x JOIN (
    SELECT y.claim_id, y.code, y.service_date, y.claim_type, m.mue, m.mai,
      SUM(y.units) AS day_units
    FROM lines AS y JOIN ref_mue AS m ON m.code = y.code AND m.mai IN (2, 3)
      AND m.setting = {_SETTING.format(x="y")}
    GROUP BY y.claim_id, y.code, y.service_date, y.claim_type, m.mue, m.mai
    HAVING SUM(y.units) > m.mue
  ) AS d ON d.claim_id = x.claim_id AND d.code = x.code AND d.service_date = x.service_date
    AND d.claim_type = x.claim_type
) AS l""",
    ),
    Check(
        "wastage-missing",
        f"""
SELECT {_OUT}, 'jz-nothing-discarded' AS rule_id, 'return' AS severity,
  'single-dose drug ' || l.code || ' is billed without JW or JZ' AS message,
  'add JZ when nothing was discarded, or a JW line for the discarded amount' AS fix
FROM lines AS l JOIN ref_drug AS d ON d.code = l.code AND d.single_dose
{_DAY}
WHERE g.with_jw = 0 AND g.with_jz = 0""",
    ),
    Check(
        "wastage-both",
        f"""
SELECT {_OUT}, 'jw-jz-not-together' AS rule_id, 'return' AS severity,
  l.code || ' carries both JW and JZ on ' || CAST(l.service_date AS VARCHAR) AS message,
  'keep JZ only when nothing was discarded, else the JW line and no JZ' AS fix
FROM lines AS l {_DAY}
WHERE g.with_jw = 1 AND g.with_jz = 1 AND ({has("JW")} OR {has("JZ")})""",
    ),
    Check(
        "wastage-multiple-dose",
        f"""
SELECT {_OUT}, 'jw-jz-multiple-dose' AS rule_id, 'return' AS severity,
  l.code || ' comes in multiple-dose containers and takes neither JW nor JZ' AS message,
  'remove JW or JZ (and any JW line)' AS fix
FROM lines AS l JOIN ref_drug AS d ON d.code = l.code AND NOT d.single_dose
WHERE {has("JW")} OR {has("JZ")}""",
    ),
    Check(
        "wastage-alone",
        f"""
SELECT {_OUT}, 'jw-discarded-amount' AS rule_id, 'deny' AS severity,
  'JW line of ' || l.code || ' without a line of the administered amount' AS message,
  'add the administered line of the drug for the same date' AS fix
FROM lines AS l {_DAY}
WHERE {has("JW")} AND g.administered = 0""",
    ),
    Check(
        "ndc-form",
        f"""
SELECT {_OUT}, 'ndc-reporting' AS rule_id, 'return' AS severity,
  CASE WHEN l.ndc IS NOT NULL AND f.problem IS NOT NULL THEN f.problem
       WHEN l.ndc IS NULL THEN 'NDC unit ' || COALESCE(l.ndc_unit, '')
         || ' or quantity without an NDC'
       WHEN l.ndc_unit IS NULL OR l.ndc_unit NOT IN ('F2', 'GR', 'ME', 'ML', 'UN')
         THEN 'NDC ' || l.ndc || ' without a unit of F2, GR, ME, ML or UN'
       ELSE 'NDC ' || l.ndc || ' without a quantity above zero' END AS message,
  'report the NDC as 11 digits with its unit and quantity' AS fix
FROM lines AS l LEFT JOIN ndc_forms AS f ON f.raw = l.ndc
WHERE (l.ndc IS NOT NULL AND (f.problem IS NOT NULL OR l.ndc_unit IS NULL
        OR l.ndc_unit NOT IN ('F2', 'GR', 'ME', 'ML', 'UN')
        OR COALESCE(l.ndc_quantity, 0) <= 0))
   OR (l.ndc IS NULL AND (l.ndc_unit IS NOT NULL OR l.ndc_quantity IS NOT NULL))""",
    ),
    Check(
        "ndc-crosswalk",
        f"""
SELECT {_OUT}, 'ndc-crosswalk' AS rule_id,
  CASE WHEN o.other IS NULL THEN 'review' ELSE 'return' END AS severity,
  CASE WHEN o.other IS NULL THEN 'NDC ' || l.ndc11 || ' is not in the ASP crosswalk of '
         || CAST(e.valid_from AS VARCHAR) || ' for any code'
       ELSE 'NDC ' || l.ndc11 || ' is crosswalked to ' || o.other || ', not ' || l.code
         || ' (ASP crosswalk of ' || CAST(e.valid_from AS VARCHAR) || ')' END AS message,
  'report an NDC of the drug billed, or the code of the NDC given' AS fix
FROM (SELECT x.*, f.ndc11 FROM lines AS x JOIN ndc_forms AS f ON f.raw = x.ndc
      WHERE f.ndc11 IS NOT NULL) AS l
JOIN (SELECT DISTINCT valid_from, valid_until FROM ref_crosswalk) AS e
  ON l.service_date >= e.valid_from AND l.service_date <= COALESCE(e.valid_until, {_FAR})
LEFT JOIN ref_crosswalk AS c ON c.valid_from = e.valid_from AND c.ndc11 = l.ndc11
  AND c.hcpcs_code = l.code
LEFT JOIN (SELECT valid_from, ndc11, MIN(hcpcs_code) AS other FROM ref_crosswalk
           GROUP BY valid_from, ndc11) AS o ON o.valid_from = e.valid_from AND o.ndc11 = l.ndc11
WHERE c.ndc11 IS NULL""",
    ),
    Check(
        "ndc-quantity",
        f"""
SELECT {_OUT}, 'ndc-quantity-units' AS rule_id, 'review' AS severity,
  'NDC quantity ' || {num("l.ndc_quantity")} || ' ' || l.ndc_unit || ' is '
    || {num("l.ndc_quantity * u.per_unit")} || ' billing units, but the line bills '
    || {num("l.units")} AS message,
  'bill the units of the amount given, rounded up, or correct the NDC quantity' AS fix
FROM (SELECT x.*, f.ndc11 FROM lines AS x JOIN ndc_forms AS f ON f.raw = x.ndc
      WHERE f.ndc11 IS NOT NULL) AS l
JOIN ref_ndc_units AS u ON u.ndc11 = l.ndc11 AND u.ndc_unit = l.ndc_unit
WHERE l.ndc_quantity > 0 AND (
  l.units < l.ndc_quantity * u.per_unit - (0.0005 * u.per_unit + 0.001)
  OR l.units >= l.ndc_quantity * u.per_unit + 1 + (0.0005 * u.per_unit + 0.001))""",
    ),
    Check(
        "add-on",
        f"""
SELECT {_OUT}, a.rule_id AS rule_id, 'deny' AS severity,
  'add-on code ' || l.code || ' without its primary code on '
    || CAST(l.service_date AS VARCHAR) AS message,
  'bill the primary service the add-on code goes with, on the same date' AS fix
FROM lines AS l JOIN (SELECT DISTINCT add_on, rule_id FROM ref_add_on) AS a ON a.add_on = l.code
LEFT JOIN (SELECT DISTINCT p.claim_id, p.service_date, r.add_on FROM lines AS p
           JOIN ref_add_on AS r ON r.primary_code = p.code) AS p
  ON p.claim_id = l.claim_id AND p.service_date = l.service_date AND p.add_on = l.code
WHERE p.add_on IS NULL""",
    ),
    Check(
        "drug-modifier",
        f"""
SELECT {_OUT}, 'drug-line-modifiers' AS rule_id, 'return' AS severity,
  'modifier ' || l.modifier || ' is a procedure modifier and does not go on drug line '
    || l.code AS message,
  'remove ' || l.modifier || ' from the drug line' AS fix
FROM line_modifiers AS l JOIN ref_drug AS d ON d.code = l.code
WHERE l.modifier IN ('25', '59', 'XE', 'XS', 'XP', 'XU')""",
    ),
    Check(
        "off-campus",
        f"""
SELECT {_OUT}, 'opps-off-campus-po-pn' AS rule_id, 'return' AS severity,
  'institutional line of an off-campus department (POS 19) without PO or PN' AS message,
  'add PO (excepted) or PN (non-excepted department)' AS fix
FROM lines AS l
WHERE l.claim_type = 'institutional' AND l.pos = '19' AND NOT ({has("PO")} OR {has("PN")})""",
    ),
    Check(
        "diagnosis",
        f"""
SELECT {_OUT}, 'icd10-valid-billable' AS rule_id, 'return' AS severity,
  CASE WHEN i.code IS NULL THEN 'diagnosis ' || l.diagnosis || ' is not an ICD-10-CM code'
       ELSE 'diagnosis ' || l.diagnosis || ' is a category, not a billable code' END AS message,
  'report the billable ICD-10-CM code to its full number of characters' AS fix
FROM line_diagnoses AS l LEFT JOIN ref_icd10 AS i ON i.code = l.diagnosis
WHERE i.code IS NULL OR NOT i.billable""",
    ),
    Check(
        "administration",
        f"""
SELECT {_OUT}, 'drug-supply-separate' AS rule_id, 'review' AS severity,
  'drug ' || l.code || ' without an administration line on '
    || CAST(l.service_date AS VARCHAR) AS message,
  'bill the administration service with the drug, or confirm it was billed apart' AS fix
FROM lines AS l JOIN ref_drug AS d ON d.code = l.code AND d.administered
LEFT JOIN (SELECT DISTINCT a.claim_id, a.service_date FROM lines AS a
           JOIN ref_admin AS r ON r.code = a.code) AS a
  ON a.claim_id = l.claim_id AND a.service_date = l.service_date
WHERE a.claim_id IS NULL""",
    ),
)


def findings_sql() -> str:
    """Every check's findings, kept where their rule is in force and binds the claim."""
    union = "\nUNION ALL\n".join(
        f"SELECT * FROM ({check.sql}) AS {check.name.replace('-', '_')}" for check in CHECKS
    )
    columns = ", ".join(f"f.{column}" for column in FINDING_COLUMNS)
    return f"""
SELECT DISTINCT {columns} FROM ({union}) AS f
JOIN ref_rules AS r ON r.id = f.rule_id
WHERE f.service_date >= COALESCE(r.valid_from, DATE '0001-01-01')
  AND f.service_date <= COALESCE(r.valid_until, {_FAR})
  AND (r.scope = 'general' OR COALESCE(f.filing_indicator, 'MB') IN ('MA', 'MB'))"""
