"""Where the checks run: DuckDB in process (the default) or Apache Spark, local or on a
cluster. Both read the same Parquet reference tables and run the same SQL text (Spark's
transpiled from DuckDB's by SQLGlot), so they report the same findings."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import sqlglot

from codefolio.errors import ClaimFileError

Kind = str  # "csv" or "parquet"


@dataclass(frozen=True)
class Extract:
    columns: list[str]
    typed: frozenset[str] = frozenset()


class Engine(Protocol):
    name: str

    def read_extract(self, view: str, path: Path, kind: Kind) -> Extract:
        """Register the file as view `view` of its columns, named in lower case, plus
        `_row`; its column names and which of them hold typed values rather than text."""

    def create(self, name: str, sql: str, *, materialise: bool = False) -> None: ...

    def register_parquet(self, name: str, path: Path) -> None: ...

    def query(self, sql: str) -> list[tuple[Any, ...]]: ...


def _literal(text: str) -> str:
    """A SQL string literal (DuckDB cannot take parameters in DDL)."""
    return "'" + text.replace("'", "''") + "'"


def _lower(columns: Sequence[str]) -> list[str]:
    return [column.strip().lower() for column in columns]


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, memory_limit: str = "2GB") -> None:
        """`memory_limit` bounds DuckDB's memory; beyond it DuckDB spills to a temp folder
        of its own, removed on close."""
        self._spill = tempfile.mkdtemp(prefix="codefolio-duckdb-")
        self.conn = duckdb.connect()
        try:
            self.conn.execute(f"SET memory_limit = {_literal(memory_limit)}")
        except duckdb.Error as error:
            self.close()
            raise ClaimFileError(f"--memory-limit {memory_limit!r}: {error}") from None
        self.conn.execute(f"SET temp_directory = {_literal(self._spill)}")
        # DuckDB would draw its own progress bar on stdout, into the findings table.
        self.conn.execute("SET enable_progress_bar = false")

    def read_extract(self, view: str, path: Path, kind: Kind) -> Extract:
        literal = _literal(str(path))
        if kind == "csv":
            source = (
                f"read_csv({literal}, header = true, all_varchar = true, strict_mode = false, "
                "null_padding = true)"
            )
            numbered = f"SELECT *, ROW_NUMBER() OVER () + 1 AS _row FROM {source}"
        else:
            source = f"read_parquet({literal}, file_row_number = true)"
            numbered = f"SELECT *, file_row_number + 1 AS _row FROM {source}"
        described = self.conn.execute(f"DESCRIBE {numbered}").fetchall()
        types = {d[0]: d[1] for d in described if d[0] not in ("_row", "file_row_number")}
        columns = list(types)
        select = ", ".join(
            f'"{original}" AS "{lowered}"'
            for original, lowered in zip(columns, _lower(columns), strict=True)
        )
        self.conn.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {select}, _row FROM ({numbered})"
        )
        typed = {
            lowered
            for (original, lowered) in zip(columns, _lower(columns), strict=True)
            if types[original] != "VARCHAR"
        }
        return Extract(_lower(columns), frozenset(typed))

    def create(self, name: str, sql: str, *, materialise: bool = False) -> None:
        kind = "TABLE" if materialise else "VIEW"
        self.conn.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")

    def register_parquet(self, name: str, path: Path) -> None:
        """Loaded into a table: the reference tables are small, and joins plan far better
        over a table than over a view of a Parquet file."""
        source = f"read_parquet({_literal(str(path))})"
        self.conn.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {source}")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql).fetchall()

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self._spill, ignore_errors=True)


def to_spark(sql: str) -> str:
    """The DuckDB-dialect SQL of a check in Spark SQL."""
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


class SparkEngine:
    """Spark SQL over temp views; `master` is `local[*]`, `spark://host:7077`, `yarn` or
    `k8s://…`. A Parquet file's bad rows are located by row number (Spark's `row_index`
    file metadata); a CSV file's, and those of a folder of Parquet files, by claim id and
    line, since numbering them would take an ordered pass over the whole input."""

    name = "spark"

    def __init__(self, session: Any) -> None:
        self.spark = session

    def read_extract(self, view: str, path: Path, kind: Kind) -> Extract:
        reader = self.spark.read
        frame = reader.csv(str(path), header=True) if kind == "csv" else reader.parquet(str(path))
        columns = list(frame.columns)
        frame = frame.selectExpr(
            *(
                f"CAST(`{original}` AS STRING) AS `{lowered}`"
                for original, lowered in zip(columns, _lower(columns), strict=True)
            ),
            "CAST(_metadata.row_index + 1 AS BIGINT) AS _row"
            if kind == "parquet" and path.is_file()
            else "CAST(NULL AS BIGINT) AS _row",
        )
        frame.createOrReplaceTempView(view)
        return Extract(_lower(columns))

    def create(self, name: str, sql: str, *, materialise: bool = False) -> None:
        frame = self.spark.sql(to_spark(sql))
        if materialise:
            frame = frame.cache()
        frame.createOrReplaceTempView(name)

    def register_parquet(self, name: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows fetched one partition at a time, so the driver never holds every finding
        of a large run at once."""
        frame = self.spark.sql(to_spark(sql))
        return [tuple(row) for row in frame.toLocalIterator(prefetchPartitions=True)]

    def close(self) -> None:
        """The session belongs to whoever made it (see `spark_session`)."""


DRIVER_MEMORY_ENV = "CODEFOLIO_SPARK_DRIVER_MEMORY"
DEFAULT_DRIVER_MEMORY = "4g"


def driver_memory(given: str | None = None) -> str:
    """The Spark driver's memory: as given, else `$CODEFOLIO_SPARK_DRIVER_MEMORY`, else 4g
    (Spark's own 1g is too little to check millions of lines locally, where the driver
    also runs the tasks)."""
    chosen = (given or os.environ.get(DRIVER_MEMORY_ENV, "") or DEFAULT_DRIVER_MEMORY).strip()
    if not re.fullmatch(r"[0-9]+[kmgt]?", chosen.lower()):
        raise ClaimFileError(
            f"Spark driver memory {chosen!r} is not a size such as 4g or 2048m "
            f"(--driver-memory or ${DRIVER_MEMORY_ENV})"
        )
    return chosen.lower()


@contextmanager
def spark_session(master: str = "local[*]", memory: str | None = None) -> Iterator[Any]:
    """A Spark session for one run; quiet logs, no UI, few shuffle partitions when local.
    The driver's memory is set here, before its JVM starts (Spark reads it only then)."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("codefolio claims check")
        .master(master)
        .config("spark.driver.memory", driver_memory(memory))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
