"""Claim lines (X12 837P/837I, CSV or Parquet extracts) checked against the billing rules
table, each check defined once and run on DuckDB or Apache Spark."""
