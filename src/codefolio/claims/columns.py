"""The claim-line column set every input is read into, and the one SQL that reads an
extract's text columns into it (DuckDB dialect; the Spark engine runs it transpiled).

Patient names, member ids and addresses have no column: they are never read.
"""

from __future__ import annotations

from typing import Final

# The documented extract columns (README), in order. `diagnosis_codes` holds up to four
# ICD-10-CM codes separated by `;`.
EXTRACT_COLUMNS: Final = (
    "claim_id",
    "line",
    "claim_type",
    "service_date",
    "code",
    "modifier1",
    "modifier2",
    "modifier3",
    "modifier4",
    "units",
    "pos",
    "type_of_bill",
    "revenue_code",
    "ndc",
    "ndc_unit",
    "ndc_quantity",
    "diagnosis_codes",
    "rendering_taxonomy",
    "charge",
    "filing_indicator",
)
REQUIRED_COLUMNS: Final = ("claim_id", "line", "claim_type", "service_date", "code", "units")
MODIFIER_COLUMNS: Final = ("modifier1", "modifier2", "modifier3", "modifier4")
DIAGNOSIS_COLUMNS: Final = ("diagnosis1", "diagnosis2", "diagnosis3", "diagnosis4")


def _text(column: str) -> str:
    return f"NULLIF(UPPER(TRIM(r.{column})), '')"


def canonical_sql(present: set[str]) -> str:
    """SELECT of the canonical line columns from view `raw` (text columns named as the
    extract's, plus `_row`), with `problem` naming the first field that cannot be read;
    columns the extract lacks are NULL."""

    def col(name: str) -> str:
        return _text(name) if name in present else "CAST(NULL AS VARCHAR)"

    def number(name: str) -> str:
        return f"TRY_CAST({col(name)} AS DOUBLE)"

    diagnoses = [
        f"NULLIF(REPLACE(TRIM(SPLIT_PART({col('diagnosis_codes')}, ';', {n})), '.', ''), '') "
        f"AS diagnosis{n}"
        for n in range(1, 5)
    ]
    claim_type = (
        f"CASE {col('claim_type')} WHEN 'P' THEN 'professional' WHEN 'PROFESSIONAL' THEN "
        "'professional' WHEN 'I' THEN 'institutional' WHEN 'INSTITUTIONAL' THEN "
        "'institutional' END"
    )
    checks = [
        (f"{col('claim_id')} IS NULL", "claim_id is empty"),
        (f"TRY_CAST({col('line')} AS INTEGER) IS NULL", "line is not a whole number"),
        (f"{claim_type} IS NULL", "claim_type is not professional or institutional (P or I)"),
        (f"TRY_CAST({col('service_date')} AS DATE) IS NULL", "service_date is not YYYY-MM-DD"),
        (f"{col('code')} IS NULL", "code is empty"),
        (f"{number('units')} IS NULL", "units is not a number"),
        (
            f"{col('ndc_quantity')} IS NOT NULL AND {number('ndc_quantity')} IS NULL",
            "ndc_quantity is not a number",
        ),
        (f"{col('charge')} IS NOT NULL AND {number('charge')} IS NULL", "charge is not a number"),
    ]
    problem = " ".join(f"WHEN {test} THEN '{text}'" for test, text in checks)
    return f"""
  SELECT
    r._row AS _row,
    CASE {problem} ELSE NULL END AS problem,
    {col("claim_id")} AS claim_id,
    TRY_CAST({col("line")} AS INTEGER) AS line,
    {claim_type} AS claim_type,
    TRY_CAST({col("service_date")} AS DATE) AS service_date,
    {col("code")} AS code,
    {", ".join(f"{col(m)} AS {m}" for m in MODIFIER_COLUMNS)},
    {number("units")} AS units,
    {col("pos")} AS pos,
    {col("type_of_bill")} AS type_of_bill,
    {col("revenue_code")} AS revenue_code,
    {col("ndc")} AS ndc,
    {col("ndc_unit")} AS ndc_unit,
    {number("ndc_quantity")} AS ndc_quantity,
    {", ".join(diagnoses)},
    {col("rendering_taxonomy")} AS rendering_taxonomy,
    {number("charge")} AS charge,
    {col("filing_indicator")} AS filing_indicator
  FROM raw AS r
"""
