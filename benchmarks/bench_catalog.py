"""Time a whole catalogue: scaffold every HCPCS Level II J code, build md, html and json
for all of them cold, then rebuild with nothing changed (run by `make bench`).

Targets on a 2-core machine: cold under 20 s, no-change rebuild under 2 s, peak memory
under 500 MB (this process and its worker processes, whichever is larger).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from codefolio.catalog.build import build_catalog
from codefolio.catalog.scaffold import scaffold_records
from codefolio.refdata import open_reference_data

FORMATS = ["md", "html", "json"]


def peak_mb() -> float:
    """Largest resident set of this process and of any finished child, in MB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> int:
    refdata = open_reference_data()
    with tempfile.TemporaryDirectory() as folder:
        records, out = Path(folder) / "records", Path(folder) / "catalog"
        start = time.perf_counter()
        scaffolded = scaffold_records("J0000-J9999", records, refdata)
        scaffold_seconds = time.perf_counter() - start
        count = len(scaffolded.written)

        start = time.perf_counter()
        cold = build_catalog(records, out, FORMATS)
        cold_seconds = time.perf_counter() - start

        start = time.perf_counter()
        again = build_catalog(records, out, FORMATS)
        warm_seconds = time.perf_counter() - start

    print(
        f"scaffold J0000-J9999: {count} records in {scaffold_seconds:.2f} s "
        f"({len(scaffolded.terminated)} terminated codes skipped)"
    )
    print(
        f"catalog build {count} records x {','.join(FORMATS)}: {cold_seconds:.2f} s wall, "
        f"{count / cold_seconds:.0f} publications/s, {len(cold.built)} built, "
        f"{len(cold.failures)} failed"
    )
    print(
        f"no-change rebuild: {warm_seconds:.2f} s wall, {len(again.unchanged)} unchanged, "
        f"{len(again.built)} built"
    )
    print(f"peak memory: {peak_mb():.0f} MB (largest of this process and its workers)")
    return 0 if not cold.failures and not again.built else 1


if __name__ == "__main__":
    sys.exit(main())
