"""Size and build time of J9306 in every format (run by `make bench`).

Build time is one compose plus one render, the work `codefolio build` does per format.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from codefolio.compose import compose_publication
from codefolio.records import load_record
from codefolio.render import RENDERERS, render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "J9306.yaml"
REPEATS = {"pdf": 15}
DEFAULT_REPEATS = 100


def main() -> None:
    record = load_record(EXAMPLE)
    render(compose_publication(record), "pdf")  # load WeasyPrint and fonts before timing
    print(f"J9306 {'format':<8}{'bytes':>10}{'p50 ms':>10}{'runs':>6}")
    for fmt in RENDERERS:
        timings = []
        for _ in range(REPEATS.get(fmt, DEFAULT_REPEATS)):
            start = time.perf_counter()
            data = render(compose_publication(record), fmt)
            timings.append((time.perf_counter() - start) * 1000)
        print(f"      {fmt:<8}{len(data):>10,}{statistics.median(timings):>10.2f}{len(timings):>6}")


if __name__ == "__main__":
    sys.exit(main())
