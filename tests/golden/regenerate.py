"""Regenerate the golden publications from examples/ (`make golden`); review the diff after."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
CASES = ["J9306", "J9355"]
FORMATS = ["md", "txt"]
AS_OF = date(2026, 11, 27)  # tests.conftest.AS_OF: a fixed date keeps the golden files fixed


def main() -> None:
    from codefolio.build import build_publications

    built = build_publications(
        [ROOT / "examples" / f"{code}.yaml" for code in CASES], GOLDEN, FORMATS, AS_OF
    )
    for item in built:
        print(f"wrote {item.path.relative_to(ROOT)} ({item.size:,} bytes)", file=sys.stdout)


if __name__ == "__main__":
    main()
