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

from codefolio.claims.columns import MAX_DIAGNOSES, MODIFIER_COLUMNS, diagnosis_sql

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
# Whose units a MUE date-of-service edit sums: the beneficiary's where the line has a
# `patient_key`, else the claim's (`by_claim` keeps the two apart).
_WHO = "COALESCE({x}.patient_key, {x}.claim_id)"


def edition(dataset: str, alias: str, of: str = "l") -> str:
    """Join the edition of `dataset` in force on the date of service of `of`'s row."""
    return (
        f"JOIN dos AS {alias} ON {alias}.service_date = {of}.service_date "
        f"AND {alias}.dataset = '{dataset}'"
    )


# Helper views, in the order they are made (each may read the ones before it).
VIEWS: Final = {
    # Each date of service of the claims and the edition of each data set in force on it,
    # so that lines join their edition by equality.
    "dos": f"""
SELECT d.service_date, e.dataset, e.edition, e.valid_from
FROM (SELECT DISTINCT service_date FROM lines) AS d JOIN ref_editions AS e
  ON d.service_date >= COALESCE(e.valid_from, DATE '0001-01-01')
  AND d.service_date <= COALESCE(e.valid_until, {_FAR})""",
    "line_modifiers": " UNION ALL ".join(
        f"SELECT {_OUT}, {column} AS modifier FROM lines AS l WHERE {column} IS NOT NULL"
        for column in MODIFIER_COLUMNS
    ),
    # Each distinct diagnosis list of the claims with each of its codes (a list is read
    # once, however many lines carry it).
    "diagnosis_lists": "SELECT DISTINCT diagnosis_codes AS codes FROM lines "
    "WHERE diagnosis_codes IS NOT NULL",
    "line_diagnoses": " UNION ALL ".join(
        f"SELECT s.codes, {diagnosis_sql('s.codes', n)} AS diagnosis FROM diagnosis_lists AS s"
        for n in range(1, MAX_DIAGNOSES + 1)
    ),
    # Each code and date of service of the claims (a few hundred thousand at most, however
    # many lines), with its MUE by setting in the edition in force on the date.
    "code_dates": "SELECT DISTINCT code, service_date FROM lines",
    "mue_limits": f"""
SELECT k.code, k.service_date, m.setting, m.mue, m.mai
FROM code_dates AS k {edition("mue", "v", "k")}
JOIN ref_mue AS m ON m.edition = v.edition AND m.code = k.code""",
    # Drug codes and any code some line bills with JW or JZ; per claim, code and date of
    # service of those: which of the two modifiers its lines carry.
    "wastage_codes": "SELECT code FROM ref_drug UNION SELECT DISTINCT x.code "
    "FROM line_modifiers AS x WHERE x.modifier IN ('JW', 'JZ')",
    "drug_days": f"""
SELECT l.claim_id, l.code, l.service_date,
  MAX(CASE WHEN {has("JW")} THEN 1 ELSE 0 END) AS with_jw,
  MAX(CASE WHEN {has("JZ")} THEN 1 ELSE 0 END) AS with_jz,
  MAX(CASE WHEN {has("JW")} THEN 0 ELSE 1 END) AS administered
FROM lines AS l JOIN wastage_codes AS k ON k.code = l.code
GROUP BY l.claim_id, l.code, l.service_date""",
    # Per claim and date of service: whether an administration code is billed, and which
    # add-on primaries (as bits, see `ref_day_codes`).
    "claim_days": """
SELECT l.claim_id, l.service_date, MAX(CASE WHEN r.admin THEN 1 ELSE 0 END) AS with_admin,
  BIT_OR(r.bit) AS primaries
FROM lines AS l JOIN ref_day_codes AS r ON r.code = l.code
GROUP BY l.claim_id, l.service_date""",
    # Units of a MAI 2 or 3 code per beneficiary (by `patient_key`) or, without a key, per
    # claim, setting, code and date of service, where they are above that date's MUE.
    "mue_days": f"""
SELECT d.who, d.by_claim, d.claim_type, d.code, d.service_date, d.day_units, m.mue, m.mai
FROM (
  SELECT {_WHO.format(x="l")} AS who, l.patient_key IS NULL AS by_claim, l.claim_type, l.code,
    l.service_date, SUM(l.units) AS day_units
  FROM lines AS l
  WHERE l.code IN (SELECT code FROM mue_limits WHERE mai IN (2, 3))
  GROUP BY {_WHO.format(x="l")}, l.patient_key IS NULL, l.claim_type, l.code, l.service_date
) AS d JOIN mue_limits AS m ON m.code = d.code AND m.service_date = d.service_date
  AND m.setting = {_SETTING.format(x="d")} AND m.mai IN (2, 3)
WHERE d.day_units > m.mue""",
}
MATERIALISED: Final = (
    "dos",
    "diagnosis_lists",
    "code_dates",
    "mue_limits",
    "mue_days",
    "wastage_codes",
    "drug_days",
    "claim_days",
)
"""Views read by several checks, computed once."""


@dataclass(frozen=True)
class Check:
    name: str
    sql: str


CHECKS: Final[tuple[Check, ...]] = (
    Check(
        "code",
        f"""
SELECT {_OUT}, 'code-valid-on-date' AS rule_id, 'deny' AS severity, b.message,
  'bill the code in force on the date of service' AS fix
FROM lines AS l JOIN (
  SELECT k.code, k.service_date,
    CASE WHEN h.code IS NOT NULL THEN 'code ' || k.code || ' is not in force on '
           || CAST(k.service_date AS VARCHAR) || ' (HCPCS file ' || v.edition || ': '
           || COALESCE(CAST(h.valid_from AS VARCHAR), '?') || ' to '
           || COALESCE(CAST(h.valid_until AS VARCHAR), 'now') || ')'
         WHEN REGEXP_MATCHES(k.code, '^[A-V][0-9]{{4}}$')
           THEN 'code ' || k.code || ' is not in the HCPCS file ' || v.edition
         ELSE 'code ' || k.code || ' is neither a HCPCS Level II nor a CPT code' END AS message
  FROM code_dates AS k {edition("hcpcs", "v", "k")}
  LEFT JOIN ref_hcpcs AS h ON h.edition = v.edition AND h.code = k.code
  WHERE (REGEXP_MATCHES(k.code, '^[A-V][0-9]{{4}}$') AND (h.code IS NULL
          OR k.service_date < COALESCE(h.valid_from, DATE '0001-01-01')
          OR k.service_date > COALESCE(h.valid_until, {_FAR})))
     OR NOT (REGEXP_MATCHES(k.code, '^[A-V][0-9]{{4}}$')
          OR REGEXP_MATCHES(k.code, '^[0-9]{{4}}[0-9FTU]$'))
) AS b ON b.code = l.code AND b.service_date = l.service_date""",
    ),
    Check(
        "modifier",
        f"""
SELECT {_OUT}, 'code-valid-on-date' AS rule_id, 'return' AS severity,
  CASE WHEN d.code IS NULL THEN 'modifier ' || l.modifier
         || ' is not in the HCPCS modifier file ' || v.edition
       WHEN l.service_date > COALESCE(d.valid_until, {_FAR}) THEN 'modifier ' || l.modifier
         || ' was terminated on ' || CAST(d.valid_until AS VARCHAR)
       ELSE 'modifier ' || l.modifier || ' is in force only from '
         || CAST(d.valid_from AS VARCHAR) END AS message,
  'remove modifier ' || l.modifier || ' or use the one in force on the date of service' AS fix
FROM line_modifiers AS l {edition("modifier", "v")}
LEFT JOIN ref_modifier AS d ON d.edition = v.edition AND d.code = l.modifier
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
         || ', date of service edit summed over '
         || CASE WHEN l.across_claims THEN 'the beneficiary''s claims' ELSE 'the claim' END
         || ': every line of the code is denied)' END AS message,
  'bill at most ' || CAST(l.mue AS VARCHAR) || ' units of ' || l.code
    || ' for the date of service' AS fix
FROM (
  SELECT {_OUT.replace("l.", "x.")}, x.units, m.mue, m.mai, x.units AS day_units,
    FALSE AS across_claims
  FROM lines AS x JOIN mue_limits AS m ON m.code = x.code AND m.service_date = x.service_date
    AND m.setting = {_SETTING.format(x="x")} AND m.mai = 1
  WHERE x.units > m.mue
  UNION ALL
  SELECT {_OUT.replace("l.", "x.")}, x.units, d.mue, d.mai, d.day_units,
    NOT d.by_claim AS across_claims
  FROM lines AS x JOIN mue_days AS d ON d.who = {_WHO.format(x="x")}
    AND d.by_claim = (x.patient_key IS NULL) AND d.claim_type = x.claim_type
    AND d.code = x.code AND d.service_date = x.service_date
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
{edition("crosswalk", "e")}
LEFT JOIN ref_crosswalk AS c ON c.edition = e.edition AND c.ndc11 = l.ndc11
  AND c.hcpcs_code = l.code
LEFT JOIN (SELECT edition, ndc11, MIN(hcpcs_code) AS other FROM ref_crosswalk
           GROUP BY edition, ndc11) AS o ON o.edition = e.edition AND o.ndc11 = l.ndc11
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
FROM lines AS l JOIN ref_add_on AS a ON a.add_on = l.code
LEFT JOIN claim_days AS d ON d.claim_id = l.claim_id AND d.service_date = l.service_date
WHERE COALESCE(d.primaries & a.primaries, 0) = 0""",
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
  CASE WHEN i.code IS NULL THEN 'diagnosis ' || i.diagnosis || ' is not an ICD-10-CM code'
       ELSE 'diagnosis ' || i.diagnosis || ' is a category, not a billable code' END AS message,
  'report the billable ICD-10-CM code to its full number of characters' AS fix
FROM lines AS l JOIN (
  SELECT d.codes, d.diagnosis, i.code FROM line_diagnoses AS d
  LEFT JOIN ref_icd10 AS i ON i.code = d.diagnosis
  WHERE d.diagnosis IS NOT NULL AND (i.code IS NULL OR NOT i.billable)
) AS i ON i.codes = l.diagnosis_codes""",
    ),
    Check(
        "administration",
        f"""
SELECT {_OUT}, 'drug-supply-separate' AS rule_id, 'review' AS severity,
  'drug ' || l.code || ' without an administration line on '
    || CAST(l.service_date AS VARCHAR) AS message,
  'bill the administration service with the drug, or confirm it was billed apart' AS fix
FROM lines AS l JOIN ref_drug AS d ON d.code = l.code AND d.administered
LEFT JOIN claim_days AS a ON a.claim_id = l.claim_id AND a.service_date = l.service_date
WHERE COALESCE(a.with_admin, 0) = 0""",
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
