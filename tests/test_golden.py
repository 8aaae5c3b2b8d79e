"""The example publications match their reviewed golden copies (`make golden` regenerates)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from codefolio.build import build_publications
from tests.conftest import AS_OF, EXAMPLES

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = [(code, fmt) for code in ["J9306", "J9355"] for fmt in ["md", "txt"]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    build_publications(
        [EXAMPLES / "J9306.yaml", EXAMPLES / "J9355.yaml"], out, ["md", "txt"], AS_OF
    )
    return out


@pytest.mark.parametrize(("code", "fmt"), CASES)
def test_matches_golden(built: Path, code: str, fmt: str) -> None:
    expected = (GOLDEN / f"{code}.{fmt}").read_text(encoding="utf-8")
    actual = (built / f"{code}.{fmt}").read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"golden/{code}.{fmt}",
            "built",
        )
    )
    assert not diff, f"output changed; if intended, run `make golden` and review:\n{diff}"
