"""Time the reference data store: cold build and warm point lookups (run by `make bench`)."""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from codefolio.refdata import ReferenceData
from codefolio.refdata.store import build_store

LOOKUPS = 10_000
BUILD_TARGET_S = 3.0
P99_TARGET_US = 1000.0


def sample_calls(ref: ReferenceData, count: int) -> list[Callable[[], object]]:
    """Random lookups over real codes of every kind, mixed like a publication build."""
    rng = random.Random(20260401)
    conn = sqlite3.connect(ref.path)  # the sample is drawn from the store itself

    def codes(sql: str) -> list[str]:
        return [row[0] for row in conn.execute(sql)]

    pools: list[tuple[Callable[[str], object], list[str]]] = [
        (ref.hcpcs, codes("SELECT code FROM hcpcs")),
        (ref.modifier, codes("SELECT code FROM modifier")),
        (ref.pos, codes("SELECT code FROM pos")),
        (ref.taxonomy, codes("SELECT code FROM taxonomy")),
        (ref.icd10, codes("SELECT code FROM icd10")),
        (ref.opps, codes("SELECT code FROM opps")),
        (ref.mue, codes("SELECT DISTINCT code FROM mue")),
        (ref.asp_history, codes("SELECT DISTINCT code FROM asp")),
        (ref.ndc, codes("SELECT ndc FROM asp_ndc WHERE quarter = '2026q1' AND ndc11 IS NOT NULL")),
    ]
    calls: list[Callable[[], object]] = []
    for _ in range(count):
        lookup, pool = rng.choice(pools)
        code = rng.choice(pool)
        calls.append(lambda lookup=lookup, code=code: lookup(code))  # type: ignore[misc]
    conn.close()
    return calls


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        report = build_store(cache)
        ref = ReferenceData.open(cache)
        calls = sample_calls(ref, LOOKUPS)
        for call in calls[:500]:  # warm the page cache and the code paths
            call()
        timings = []
        for call in calls:
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1e6)
        ref.close()
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99) - 1]
    rows = sum(report.rows.values())
    target = f"target < {BUILD_TARGET_S:.0f} s"
    print(f"refdata cold build: {report.seconds:.2f} s ({rows:,} rows; {target})")
    print(
        f"refdata warm lookups ({LOOKUPS:,} random, mixed kinds): "
        f"p50 {p50:.1f} µs, p99 {p99:.1f} µs (target p99 < {P99_TARGET_US:.0f} µs)"
    )
    return 0 if report.seconds < BUILD_TARGET_S and p99 < P99_TARGET_US else 1


if __name__ == "__main__":
    sys.exit(main())
