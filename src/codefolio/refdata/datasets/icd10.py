"""ICD-10-CM: read from the `simple-icd-10-cm` package, one edition, never imported."""

from __future__ import annotations

from pathlib import Path

from codefolio.refdata import parse
from codefolio.refdata.datasets import DataSetSpec, Table
from codefolio.refdata.release import Row


def _load_shipped(paths: list[Path], edition: str) -> dict[str, list[Row]]:
    return {"icd10": list(parse.icd10_rows())}


SPEC = DataSetSpec(
    id="icd10cm",
    tables=(
        Table(
            "icd10",
            "code TEXT NOT NULL, description TEXT NOT NULL, billable INTEGER NOT NULL",
            "code",
            editioned=False,
        ),
    ),
    load_shipped=_load_shipped,
    read_apart=True,  # the package parses its whole tabular on import, about 2 s
)
