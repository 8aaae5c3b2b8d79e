"""A claim line is checked against the HCPCS and MUE editions in force on its date of
service, not the newest: with an imported January 2026 HCPCS file (J9306 terminated on
2025-12-31, J9998 added) and July 2026 MUE file (J9306's practitioner MUE 840 -> 900)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from codefolio.claims.reference import export_reference
from codefolio.refdata import open_reference_data
from codefolio.refdata.importing import import_files
from codefolio.refdata.store import STORE_NAME
from tests.claims_fixtures import claim_837, records, rows_of, write_csv
from tests.test_claims_check import run
from tests.test_refdata_import import january_hcpcs, july_mue_zip


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, Path]:
    files = tmp_path_factory.mktemp("releases")
    cache = tmp_path_factory.mktemp("cache")
    shutil.copy(open_reference_data().path, cache / STORE_NAME)
    added = import_files([january_hcpcs(files), july_mue_zip(files)], cache).added
    assert sorted(added) == ["hcpcs@2026-01", "mue@2026-07-01"]
    return export_reference(tmp_path_factory.mktemp("reference"), records(), cache)


def _claim(claim_id: str, day: str, code: str = "J9306", units: int = 840) -> list[dict]:  # type: ignore[type-arg]
    rows = rows_of(claim_837("J9306", "837P", member=claim_id))
    rows[0] = {**rows[0], "code": code, "units": units}
    return [{**row, "claim_id": claim_id, "service_date": day} for row in rows]


def test_each_line_gets_the_verdict_of_its_dates_editions(
    tmp_path: Path, reference: Mapping[str, Path]
) -> None:
    claims = {
        "MUE-JUNE": ("2026-06-15", "J9306", 880),  # above the April MUE of 840
        "MUE-AUGUST": ("2026-08-15", "J9306", 880),  # within the July MUE of 900
        "J9306-2025": ("2025-11-15", "J9306", 840),  # in force in the October 2025 file
        "J9306-2026": ("2026-02-01", "J9306", 840),  # terminated by the January 2026 file
        "J9998-2025": ("2025-11-15", "J9998", 840),  # not yet in the October 2025 file
        "J9998-2026": ("2026-02-01", "J9998", 840),  # added by the January 2026 file
    }
    rows = [row for name, values in claims.items() for row in _claim(name, *values)]
    result = run([write_csv(tmp_path / "lines.csv", rows)], reference)
    assert result.problems == []
    drug_line = {
        (f.claim_id, f.rule_id): f.message
        for f in result.findings
        if f.line == 1 and f.rule_id in ("mue-mai-3", "code-valid-on-date")
    }
    assert drug_line == {
        ("MUE-JUNE", "mue-mai-3"): "880 units of J9306 on 2026-06-15 are above the MUE of 840 "
        "(MAI 3, date of service edit summed over the beneficiary's claims: every line of the "
        "code is denied)",
        **{
            (claim, "code-valid-on-date"): f"code J9306 is not in force on {day} "
            "(HCPCS file 2026-01: 2014-01-01 to 2025-12-31)"
            for claim, (day, code, _units) in claims.items()
            if code == "J9306" and day >= "2026"
        },
        ("J9998-2025", "code-valid-on-date"): "code J9998 is not in the HCPCS file 2025-10",
    }
