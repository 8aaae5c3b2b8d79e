"""Time the claim checker (run by `make bench-claims`, which `make bench` calls).

Synthetic claim lines from the reference data (benchmarks/claims_synthetic.py), checked on
DuckDB in a child process so its peak memory is its own (DuckDB's memory limit 1.5 GB); then
fewer lines on Spark local beside DuckDB on the same lines;
then 837 validation and parsing throughput. Targets on a 2-core machine: 10 million lines
on DuckDB under 30 s and under 2 GB. `BENCH_CLAIMS_LINES` changes the line count,
`BENCH_CLAIMS_SPARK_LINES` Spark's (1 million by default: Spark local takes minutes per
million lines on 2 cores) and `BENCH_CLAIMS_SPARK=0` skips Spark.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.claims_synthetic import write_synthetic_lines  # noqa: E402
from codefolio.claims.x12 import read_837, validate_837  # noqa: E402
from codefolio.refdata import open_reference_data  # noqa: E402
from tests.test_claims_x12 import HEADER_837P, ISA  # noqa: E402

LINES = int(os.environ.get("BENCH_CLAIMS_LINES", "10000000"))
# Spark local on 2 cores takes minutes per million lines, so it gets fewer by default.
SPARK_LINES = int(os.environ.get("BENCH_CLAIMS_SPARK_LINES", "1000000"))
SPARK = os.environ.get("BENCH_CLAIMS_SPARK", "1") != "0"
DUCKDB_TARGET_S = 30.0
DUCKDB_TARGET_MB = 2048.0
CLAIMS_PER_837 = 100

_CHILD = """
import sys, time
from pathlib import Path
from codefolio.claims.engines import DuckDBEngine, SparkEngine, spark_session
from codefolio.claims.run import check_claims
path = Path(sys.argv[2])
start = time.perf_counter()
if sys.argv[1] == "spark":
    with spark_session("local[*]") as session:
        result = check_claims([path], SparkEngine(session))
else:
    result = check_claims([path], DuckDBEngine(memory_limit="1500MB"))
seconds = time.perf_counter() - start
# VmHWM is this process's own peak since exec; ru_maxrss would also count the pages it
# shared with the benchmark (which holds the generated lines) when it was forked.
status = Path("/proc/self/status").read_text().splitlines()
peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(seconds, result.lines, len(result.findings), peak_kb)
"""


def check_in_child(engine: str, path: Path) -> tuple[float, int, int, float]:
    """Seconds, lines, findings and the child's own peak memory in MB."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, engine, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds, lines, findings, peak_kb = done.stdout.split()[-4:]
    return float(seconds), int(lines), int(findings), int(peak_kb) / 1024


def synthetic_837(claims: int) -> str:
    """One 837P interchange of `claims` claims, each a drug line and three administration
    lines, under one subscriber (at most 100 claims per subscriber loop)."""
    lines = [
        "SV1*HC:J9306:JZ*100*UN*840***1~DTP*472*D8*20261126~LIN**N4*50242014501~CTP****28*ML~",
        "SV1*HC:96413*100*UN*1***1~DTP*472*D8*20261126~",
        "SV1*HC:96415*100*UN*1***1~DTP*472*D8*20261126~",
        "SV1*HC:96417*100*UN*1***1~DTP*472*D8*20261126~",
    ]
    body = list(HEADER_837P[:16])
    for number in range(claims):
        body += [f"CLM*C{number}*400***11:B:1*Y*A*Y*Y~", "HI*ABK:C50011~"]
        body += [f"LX*{n}~{line}" for n, line in enumerate(lines, start=1)]
    st = ["ST*837*0001*005010X222A1~", *body]
    count = sum(part.count("~") for part in st) + 1
    return "".join(
        [
            ISA,
            "GS*HC*SUBMITTER*RECEIVER*20261126*1200*1*X*005010X222A1~",
            *st,
            f"SE*{count}*0001~",
            "GE*1*1~",
            "IEA*1*000000001~",
        ]
    )


def parse_837_rate(files: int = 10) -> tuple[int, float, float]:
    """Lines, seconds to validate and parse, and seconds to parse alone, over `files`
    interchanges of CLAIMS_PER_837 claims."""
    text = synthetic_837(CLAIMS_PER_837)
    start = time.perf_counter()
    for _ in range(files):
        problems = validate_837(text, "synthetic.837")
        assert not problems, problems[:3]
    validated = time.perf_counter()
    lines = sum(1 for _ in range(files) for _row in read_837(text))
    parsed = time.perf_counter()
    return lines, parsed - start, parsed - validated


def main() -> int:
    open_reference_data().close()  # build the store once, outside the timings
    with tempfile.TemporaryDirectory(prefix="bench-claims-") as scratch:
        path = Path(scratch) / "lines.parquet"
        start = time.perf_counter()
        written = write_synthetic_lines(path, LINES)
        print(f"generated {written:,} synthetic claim lines in {time.perf_counter() - start:.1f} s")
        seconds, lines, findings, peak = check_in_child("duckdb", path)
        print(
            f"duckdb: {lines:,} lines checked in {seconds:.1f} s "
            f"({lines / seconds:,.0f} lines/s), {findings:,} findings, peak {peak:,.0f} MB "
            f"(targets {DUCKDB_TARGET_S:.0f} s, {DUCKDB_TARGET_MB:,.0f} MB)"
        )
        ok = seconds < DUCKDB_TARGET_S * LINES / 10_000_000 and peak < DUCKDB_TARGET_MB
        if SPARK:
            small = Path(scratch) / "spark.parquet"
            write_synthetic_lines(small, SPARK_LINES)
            duck_s, _lines, duck_findings, _peak = check_in_child("duckdb", small)
            spark_s, spark_lines, spark_findings, _ = check_in_child("spark", small)
            print(
                f"spark local[*]: {spark_lines:,} lines in {spark_s:.1f} s "
                f"({spark_lines / spark_s:,.0f} lines/s); duckdb on the same lines "
                f"{duck_s:.1f} s; same number of findings: {spark_findings == duck_findings}"
            )
    lines_837, total_s, parse_s = parse_837_rate()
    print(
        f"837P validation (pyx12) and parsing: {lines_837:,} lines in {total_s:.1f} s "
        f"({lines_837 / total_s:,.0f} lines/s); parsing alone {lines_837 / parse_s:,.0f} lines/s"
    )
    print("claims benchmark:", "within targets" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
