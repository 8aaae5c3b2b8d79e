"""Time the pipeline: load, compose and render; print figures (run by `make bench`).

Also times `codefolio build examples/J9306.yaml --format md,txt` as a user runs it, a new
process each run, start-up included: wall and CPU (user + sys) seconds.
"""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

import codefolio
from codefolio.build import build_publications
from codefolio.compose import compose_publication
from codefolio.records import load_record
from codefolio.refdata import open_reference_data
from codefolio.render import render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "J9306.yaml"
REPEATS = 200
CATALOGUE = 500
COMMAND_RUNS = 15


def per_call_ms(action: object, repeats: int = REPEATS) -> tuple[float, float]:
    """Median and 95th percentile of one call, in milliseconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def command_seconds(*args: str) -> tuple[float, float]:
    """Median wall and CPU (user + sys) seconds of a `codefolio` command, each run a new
    process, with the package's bytecode compiled as an installed package has it."""
    compileall.compile_dir(Path(codefolio.__file__).parent, quiet=1)
    command = [str(Path(sys.executable).parent / "codefolio"), *args]
    walls, cpus = [], []
    for _ in range(COMMAND_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


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
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    with tempfile.TemporaryDirectory() as folder:
        wall, cpu = command_seconds("build", str(EXAMPLE), "-o", folder, "--format", "md,txt")
    print(
        f"codefolio build J9306.yaml md,txt, a new process each run (median of {COMMAND_RUNS}): "
        f"{wall:.3f} s wall, {cpu:.3f} s CPU (user + sys); load average before {load}"
    )


if __name__ == "__main__":
    sys.exit(main())
