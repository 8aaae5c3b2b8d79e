"""Synthetic claim lines from the reference data, for the claim checker's benchmark and its
engine-parity test: claims of a drug (real code, NDC, billing units, MUE) and its
chemotherapy administration lines, about 2% of them breaking a rule."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import duckdb

from codefolio.refdata.store import connect_store, default_store_dir

LINES_PER_CLAIM = 4


def drug_templates(limit: int = 400) -> list[tuple[int, str, str, float, int]]:
    """(index, code, NDC, billing units per item, practitioner MUE) of crosswalked drugs."""
    store, _manifest, _build = connect_store(default_store_dir())
    with closing(store):
        rows = store.execute(
            "SELECT DISTINCT x.hcpcs_code, x.ndc11, CAST(x.billing_units AS REAL), m.value "
            "FROM asp_ndc AS x JOIN mue AS m ON m.code = x.hcpcs_code "
            "AND m.setting = 'practitioner' JOIN hcpcs AS h ON h.code = x.hcpcs_code "
            "WHERE x.quarter = '2025q4' AND x.hcpcs_code LIKE 'J9%' AND x.ndc11 != '' "
            "AND CAST(x.billing_units AS REAL) >= 1 AND m.value > 1 AND m.mai = 3 "
            "AND h.termination_date IS NULL ORDER BY 1, 2 LIMIT ?",
            (limit,),
        ).fetchall()
    return [(i, code, ndc, per, mue) for i, (code, ndc, per, mue) in enumerate(rows)]


def write_synthetic_lines(path: Path, lines: int, seed: int = 15) -> int:
    """Write about `lines` claim lines (whole claims) as Parquet or CSV by `path`'s suffix;
    returns the number written."""
    drugs = drug_templates()
    claims = max(1, lines // LINES_PER_CLAIM)
    values = ", ".join(f"({i}, '{c}', '{n}', {p}, {m})" for i, c, n, p, m in drugs)
    fmt = "FORMAT parquet" if path.suffix == ".parquet" else "FORMAT csv, HEADER true"
    with closing(duckdb.connect()) as conn:
        conn.execute(
            f"CREATE TABLE drugs AS SELECT * FROM (VALUES {values}) AS d(i, code, ndc, per, mue)"
        )
        conn.execute(
            f"""
COPY (
  WITH claims AS (
    SELECT range AS c, HASH(range + {seed}) AS h FROM range({claims})
  ), drug_lines AS (
    SELECT c, h, d.code, d.ndc, d.per,
      CASE WHEN h % 100 = 1 THEN d.mue + 1 ELSE 1 + (h // 11) % d.mue END AS units
    FROM claims JOIN drugs AS d ON d.i = h % {len(drugs)}
  )
  SELECT 'C' || LPAD(CAST(c AS VARCHAR), 9, '0') AS claim_id, n AS line,
    CASE WHEN h % 3 = 0 THEN 'I' ELSE 'P' END AS claim_type,
    CAST(DATE '2025-01-01' + CAST((h // 7) % 540 AS INTEGER) AS VARCHAR) AS service_date,
    CASE n WHEN 1 THEN code WHEN 2 THEN '96413' WHEN 3 THEN '96415' ELSE '96417' END AS code,
    CASE WHEN n = 1 AND h % 200 = 5 THEN '59' END AS modifier1,
    CASE WHEN n = 1 THEN units ELSE 1 END AS units,
    CASE WHEN h % 3 <> 0 THEN '11' END AS pos,
    CASE WHEN h % 3 = 0 THEN '0131' END AS type_of_bill,
    CASE WHEN h % 3 <> 0 THEN NULL WHEN n = 1 THEN '0636' ELSE '0335' END AS revenue_code,
    CASE WHEN n = 1 THEN ndc END AS ndc,
    CASE WHEN n = 1 THEN 'UN' END AS ndc_unit,
    CASE WHEN n = 1 THEN ROUND(units / per, 3) END AS ndc_quantity,
    CASE WHEN h % 250 = 7 THEN 'C50' ELSE 'C50.011' END AS diagnosis_codes,
    100.0 AS charge
  FROM drug_lines, (SELECT range + 1 AS n FROM range({LINES_PER_CLAIM}))
  WHERE NOT (n = 2 AND h % 300 = 11)
  ORDER BY c, n
) TO '{path}' ({fmt})"""
        )
        kind = "parquet" if path.suffix == ".parquet" else "csv"
        (count,) = conn.execute(f"SELECT COUNT(*) FROM read_{kind}('{path}')").fetchone() or (0,)
    return int(count)
