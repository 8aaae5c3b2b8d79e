"""The claim-line column set every input is read into, and the one SQL that reads an
extract's columns into it (DuckDB dialect; the Spark engine runs it transpiled).

Patient names, member ids and addresses have no column: they are never read. The optional
`patient_key` is an opaque grouping key (an 837 member id is salted and hashed at parse),
used only to sum MUE units across a beneficiary's claims and never output.
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
    "patient_key",
)
REQUIRED_COLUMNS: Final = ("claim_id", "line", "claim_type", "service_date", "code", "units")
MODIFIER_COLUMNS: Final = ("modifier1", "modifier2", "modifier3", "modifier4")
MAX_DIAGNOSES: Final = 4


def diagnosis_sql(codes: str, n: int) -> str:
    """The `n`th ICD-10-CM code of a `diagnosis_codes` text, without its dot."""
    return f"NULLIF(REPLACE(TRIM(SPLIT_PART({codes}, ';', {n})), '.', ''), '')"


def canonical_sql(present: set[str], typed: frozenset[str] = frozenset()) -> str:
    """SELECT of the canonical line columns from view `raw` (the extract's columns, plus
    `_row`), with `problem` naming the first field that cannot be read; columns the
    extract lacks are NULL. Columns in `typed` hold typed values (Parquet numbers, dates),
    cast directly instead of through text cleanup. Only what the checks read is kept."""

    def col(name: str) -> str:
        if name not in present:
            return "CAST(NULL AS VARCHAR)"
        if name in typed:
            return f"CAST(r.{name} AS VARCHAR)"
        return f"NULLIF(UPPER(TRIM(r.{name})), '')"

    def cast(name: str, kind: str) -> str:
        return f"TRY_CAST({f'r.{name}' if name in typed else col(name)} AS {kind})"

    def number(name: str) -> str:
        return cast(name, "DOUBLE")

    claim_type = (
        f"CASE {col('claim_type')} WHEN 'P' THEN 'professional' WHEN 'PROFESSIONAL' THEN "
        "'professional' WHEN 'I' THEN 'institutional' WHEN 'INSTITUTIONAL' THEN "
        "'institutional' END"
    )
    checks = [
        (f"{col('claim_id')} IS NULL", "claim_id is empty"),
        (f"{cast('line', 'INTEGER')} IS NULL", "line is not a whole number"),
        (f"{claim_type} IS NULL", "claim_type is not professional or institutional (P or I)"),
        (f"{cast('service_date', 'DATE')} IS NULL", "service_date is not YYYY-MM-DD"),
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
    {cast("line", "INTEGER")} AS line,
    {claim_type} AS claim_type,
    {cast("service_date", "DATE")} AS service_date,
    {col("code")} AS code,
    {", ".join(f"{col(m)} AS {m}" for m in MODIFIER_COLUMNS)},
    {number("units")} AS units,
    {col("pos")} AS pos,
    {col("ndc")} AS ndc,
    {col("ndc_unit")} AS ndc_unit,
    {number("ndc_quantity")} AS ndc_quantity,
    {col("diagnosis_codes")} AS diagnosis_codes,
    {col("filing_indicator")} AS filing_indicator,
    {col("patient_key")} AS patient_key
  FROM raw AS r
"""
