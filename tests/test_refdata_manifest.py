"""The shipped data files match the manifest, and no CPT descriptor text is shipped."""

from __future__ import annotations

import csv
import re

import pytest

from codefolio.errors import ReferenceDataError
from codefolio.refdata import ReferenceData
from codefolio.refdata.manifest import DATA_DIR, count_rows, file_sha256, load_manifest

MANIFEST = load_manifest()
FILES = [file for dataset in MANIFEST.datasets for file in dataset.files]


@pytest.mark.parametrize("file", FILES, ids=[file.path for file in FILES])
def test_every_shipped_file_matches_the_manifest(file) -> None:  # type: ignore[no-untyped-def]
    path = DATA_DIR / file.path
    assert file_sha256(path) == file.sha256
    assert count_rows(path) == file.rows


def test_the_manifest_lists_every_shipped_data_file() -> None:
    shipped = {str(p.relative_to(DATA_DIR)) for p in DATA_DIR.rglob("*.csv")}
    assert shipped == {file.path for file in FILES}
    assert len(FILES) == 24


def test_data_set_ids_and_editions() -> None:
    editions = {dataset.id: dataset.edition for dataset in MANIFEST.datasets}
    assert editions == {
        "hcpcs": "2025-10",
        "pos": "2024-05-02",
        "nucc": "25.1",
        "icd10cm": "2026-04-01",
        "mue": "2026-04-01",
        "asp": "2026q1",
        "asp-ndc": "2026q1",
        "opps": "2025-10",
    }
    quarters = [f"{year}q{q}" for year in (2024, 2025) for q in (1, 2, 3, 4)] + ["2026q1"]
    assert MANIFEST.dataset("asp").editions == quarters
    assert MANIFEST.dataset("asp-ndc").editions == quarters


def test_data_set_entries_carry_provenance(refdata: ReferenceData) -> None:
    hcpcs = refdata.dataset("hcpcs")
    assert (hcpcs.name, hcpcs.publisher) == ("HCPCS Level II", "CMS")
    assert hcpcs.source.commit == "9b036c4b0ed24a1a5376ffe0803e4357cf309316"
    assert [f.path for f in hcpcs.files] == [
        "hcpcs/HCPC2025_OCT_ANWEB.csv",
        "hcpcs/hcpcs_modifiers_2025_oct.csv",
    ]
    asp = refdata.dataset("asp")
    first = asp.release("2024q1")
    assert (str(first.effective_start), str(first.effective_end)) == ("2024-01-01", "2024-03-31")
    assert str(asp.effective) == "2026-01-01"
    assert refdata.dataset("icd10cm").publisher == "CDC/NCHS"
    assert refdata.dataset("nucc").publisher == "NUCC"
    assert [d.id for d in refdata.datasets()] == [d.id for d in MANIFEST.datasets]


def test_unknown_data_set_and_quarter_raise(refdata: ReferenceData) -> None:
    with pytest.raises(ReferenceDataError, match="unknown reference data set 'cpt'"):
        refdata.dataset("cpt")
    with pytest.raises(ReferenceDataError, match="no edition '2023q4'"):
        refdata.ndc_packages("J9306", quarter="2023q4")


CPT_FILES = [f for f in FILES if f.path.startswith(("asp/", "opps/"))]


@pytest.mark.parametrize("file", CPT_FILES, ids=[f.path for f in CPT_FILES])
def test_no_cpt_descriptor_is_shipped(file) -> None:  # type: ignore[no-untyped-def]
    with (DATA_DIR / file.path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    column = "Short Descriptor" if file.path.startswith("opps/") else "Short Description"
    numeric = [row for row in rows if re.fullmatch(r"\d{5}", row["HCPCS Code"])]
    assert numeric, "the file holds CPT-coded rows, so the check is not vacuous"
    assert [row["HCPCS Code"] for row in numeric if row[column].strip()] == []


def test_provenance_lists_exactly_the_shipped_files() -> None:
    text = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    for file in FILES:
        assert f"`{file.path}`" in text
        assert file.sha256 in text
    assert not list(DATA_DIR.rglob("*.xlsx"))
