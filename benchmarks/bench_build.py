"""Time the pipeline: load, compose and render; print figures (run by `make bench`)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from codefolio.build import build_publications
from codefolio.compose import compose_publication
from codefolio.records import load_record
from codefolio.refdata import open_reference_data
from codefolio.render import render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "J9306.yaml"
REPEATS = 200
CATALOGUE = 500


def per_call_ms(action: object, repeats: int = REPEATS) -> tuple[float, float]:
    """Median and 95th percentile of one call, in milliseconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    record = load_record(EXAMPLE)
    publication = compose_publication(record)
    rows = [
        ("load J9306.yaml", per_call_ms(lambda: load_record(EXAMPLE))),
        ("compose", per_call_ms(lambda: compose_publication(record))),
        ("render md", per_call_ms(lambda: render(publication, "md"))),
        ("render txt", per_call_ms(lambda: render(publication, "txt"))),
    ]
    print(f"{'step':<18}{'p50 ms':>10}{'p95 ms':>10}")
    for name, (p50, p95) in rows:
        print(f"{name:<18}{p50:>10.3f}{p95:>10.3f}")

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    # Each code's own descriptor and billing unit come from the HCPCS file (another code's
    # billing unit would contradict its descriptor, an error).
    del data["descriptor"], data["drug"]["billing_unit"]
    refdata = open_reference_data()
    j_codes = [c for c in refdata.known_codes("hcpcs") if c[0] == "J" and refdata.hcpcs(c)]
    with tempfile.TemporaryDirectory() as folder:
        records = []
        for code in j_codes[:CATALOGUE]:
            data["code"] = code
            path = Path(folder) / f"{data['code']}.yaml"
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            records.append(path)
        start = time.perf_counter()
        built = build_publications(records, Path(folder) / "out", ["md", "txt"])
        seconds = time.perf_counter() - start
    print(
        f"build {CATALOGUE} records x md,txt: {seconds:.2f} s wall, "
        f"{CATALOGUE / seconds:.0f} publications/s, {len(built)} files"
    )


if __name__ == "__main__":
    sys.exit(main())
