"""DuckDB and Spark run the same check definitions over the same claims and report the same
findings (a few thousand synthetic lines, and the publications' variants)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks.claims_synthetic import write_synthetic_lines
from codefolio.claims.engines import DuckDBEngine, SparkEngine, spark_session
from codefolio.claims.reference import export_reference
from codefolio.claims.run import CheckResult, check_claims
from tests.claims_fixtures import claim_837, records, rows_of, write_csv


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    with spark_session("local[2]") as session:
        yield session


@pytest.fixture(scope="session")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    return export_reference(tmp_path_factory.mktemp("reference"), records())


def both(paths: list[Path], spark: Any, tables: Mapping[str, Path]) -> tuple[CheckResult, ...]:
    duck = DuckDBEngine()
    try:
        on_duckdb = check_claims(paths, duck, reference=tables)
    finally:
        duck.close()
    return on_duckdb, check_claims(paths, SparkEngine(spark), reference=tables)


def test_duckdb_and_spark_report_the_same_findings(
    tmp_path: Path, spark: Any, tables: Mapping[str, Path]
) -> None:
    synthetic = tmp_path / "lines.parquet"
    assert write_synthetic_lines(synthetic, 3000) > 2900
    bad = rows_of(claim_837("J9306", "837P", claim_id="D"))
    bad[0] = {**bad[0], "units": "many"}
    variants = write_csv(
        tmp_path / "variants.csv",
        [
            *rows_of(claim_837("J9306", "837P", claim_id="A")),
            *(dict(r, modifier1=None) for r in rows_of(claim_837("J9306", "837P", claim_id="B"))),
            *(dict(r, pos="19") for r in rows_of(claim_837("J9306", "837I", claim_id="C"))),
            *bad,
            *(dict(r, ndc="54868-5338-*3") for r in rows_of(claim_837("J9355", "837P"))),
        ],
    )
    # The same rows as Parquet (text columns): a bad row is located by row number on both.
    as_parquet = tmp_path / "variants.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{variants}', all_varchar = true)) TO '{as_parquet}'")
    on_duckdb, on_spark = both([synthetic, variants, as_parquet], spark, tables)
    assert on_duckdb.lines == on_spark.lines > 2900
    rules = {finding.rule_id for finding in on_duckdb.findings}
    assert {"mue-mai-3", "jz-nothing-discarded", "opps-off-campus-po-pn", "ndc-crosswalk"} <= rules
    assert on_spark.findings == on_duckdb.findings
    # The same bad row, located by row number on DuckDB and by claim and line on Spark in
    # the CSV file, by row number on both in the Parquet file (one header line fewer).
    assert [str(p) for p in on_duckdb.problems] == [
        f"{variants}: row 14: units is not a number; row skipped",
        f"{as_parquet}: row 13: units is not a number; row skipped",
    ]
    assert [str(p) for p in on_spark.problems] == [
        f"{variants}: claim D line 1: units is not a number; row skipped",
        f"{as_parquet}: row 13: units is not a number; row skipped",
    ]
