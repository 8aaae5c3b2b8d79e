"""`refdata import`, editions side by side, `refdata diff` and `lookup --history`, on release
files in CMS's own layouts: the shipped originals, and next-quarter files made from them by
changing rows in place (banner lines, preambles, Windows-1252, CRLF and zips kept)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codefolio.catalog.build import build_catalog
from codefolio.cli.app import app
from codefolio.errors import ReferenceDataError
from codefolio.refdata import ReferenceData, datasets, forget_reference_data, open_reference_data
from codefolio.refdata.diff import changes_since_previous, diff_editions
from codefolio.refdata.importing import import_files
from codefolio.refdata.manifest import DATA_DIR, load_manifest
from codefolio.refdata.release import Row, read_release_files
from codefolio.refdata.store import STORE_NAME, read_import
from tests.conftest import copy_examples

# CMS and NUCC release files as published (tests/data/releases/PROVENANCE.md), and the
# shipped files that are byte-for-byte originals.
RELEASES = Path(__file__).resolve().parent / "data" / "releases"
SHIPPED = DATA_DIR
ASP_NATIVE = RELEASES / "asp"
LIMITS = (
    ASP_NATIVE / "section 508 version of January 2026 Medicare Part B Payment Limit File 121725.csv"
)
CROSSWALK = ASP_NATIVE / "section 508 version of January 2026 ASP NDC-HCPCS Crosswalk 121725.csv"
MUE_FILES = sorted((RELEASES / "ncci_mue").glob("MCR_MUE_*_Eff_04-01-2026.csv"))
HCPCS_CSV = SHIPPED / "hcpcs" / "HCPC2025_OCT_ANWEB.csv"
HCPCS_2020 = RELEASES / "hcpcs" / "2020-Alpha-Numeric-HCPCS-File.zip"
JANUARY = "Effective January 1, 2026 through March 31, 2026"
APRIL = "Effective April 1, 2026 through June 30, 2026"

runner = CliRunner()


def _cp1252(path: Path) -> str:
    return path.read_bytes().decode("cp1252")


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("cp1252"))
    return path


def _replace_line(text: str, start: str, old: str, new: str) -> str:
    """Change `old` to `new` in the one line starting with `start` (CRLF or LF kept)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    hits = [i for i, line in enumerate(lines) if line.startswith(start)]
    assert len(hits) == 1, start
    assert old in lines[hits[0]]
    lines[hits[0]] = lines[hits[0]].replace(old, new, 1)
    return newline.join(lines)


def april_limits(folder: Path) -> Path:
    """The April 2026 payment limit file: J9306's limit changed, and a 13th empty column
    on every line as CMS's later files carry."""
    text = _cp1252(LIMITS).replace(JANUARY, APRIL)
    text = _replace_line(text, "J9306,", "17.012", "17.500")
    text = "\r\n".join(line + "," if line else line for line in text.split("\r\n"))
    name = "section 508 version of April 2026 Medicare Part B Payment Limit File 032526.csv"
    return _write(folder / name, text)


def april_crosswalk(folder: Path) -> Path:
    """The April 2026 crosswalk: a new J9306 package, J9355's Herceptin package dropped."""
    text = _cp1252(CROSSWALK).replace(JANUARY, APRIL)
    lines = text.split("\r\n")
    j9306 = next(i for i, line in enumerate(lines) if line.startswith("J9306,"))
    lines.insert(j9306 + 1, lines[j9306].replace("50242-0145-01", "50242-0145-02"))
    lines = [
        line
        for line in lines
        if not line.startswith('J9355,Inj trastuzumab excl biosimi,"Genentech, Inc.",50242-0132-01')
    ]
    name = "section 508 version of April 2026 ASP NDC-HCPCS Crosswalk 032526.csv"
    return _write(folder / name, "\r\n".join(lines))


def _mue_zip(folder: Path, effective: str, value: str) -> Path:
    """The three MUE files as an edition effective `effective` (MM-DD-YYYY), J9306's
    practitioner MUE set to `value`."""
    target = folder / f"MUE_{effective}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in MUE_FILES:
            text = _cp1252(path)
            if "Practitioner" in path.name:
                text = _replace_line(text, "J9306,", "J9306,840", f"J9306,{value}")
            archive.writestr(path.name.replace("04-01-2026", effective), text.encode("cp1252"))
    return target


def july_mue_zip(folder: Path) -> Path:
    """The three MUE files effective July 1, 2026 (AMA preamble kept), zipped as CMS ships
    them: J9306's practitioner MUE raised to 900."""
    return _mue_zip(folder, "07-01-2026", "900")


def january_hcpcs(folder: Path) -> Path:
    """HCPCS January 2026 from the October 2025 csv export: J9306 terminated, J9355
    re-described, J9998 added."""
    lines = HCPCS_CSV.read_text(encoding="utf-8").split("\n")
    out = []
    for line in lines:
        if line.startswith("J9306,"):
            new = line.replace("Injection, pertuzumab, 1 mg", "Injection, pertuzumab, 1 mg", 1)
            out.append(new.replace("20140101,20140101,,N", "20140101,20260101,20251231,D"))
            out.append(
                line.replace("J9306,", "J9998,", 1)
                .replace("pertuzumab", "examplumab")
                .replace("20140101,20140101,,N", "20260101,20260101,,A")
            )
        elif line.startswith("J9355,"):
            out.append(line.replace("excludes biosimilar", "not a biosimilar", 1))
        else:
            out.append(line)
    target = folder / "HCPC2026_JAN_ANWEB.csv"
    target.write_text("\n".join(out), encoding="utf-8")
    return target


def january_opps(folder: Path) -> Path:
    """OPPS Addendum B January 2026 from the October 2025 extract, with CMS's title and
    AMA lines above the header: J9306's rate changed, a CPT descriptor present in a row."""
    text = (SHIPPED / "opps" / "opps_addendum_b_2025oct_level2_and_drug_admin.csv").read_text(
        encoding="utf-8"
    )
    text = _replace_line(text, "J9306,", "$17.017", "$17.250")
    text = _replace_line(text, "96413,", "96413,,", "96413,Chemo iv infusion 1 hr,")
    banner = (
        "Addendum B.-- Final OPPS Payment by HCPCS Code for CY 2026,,,,,,,,,,,,\r\n"
        "CPT codes and descriptions only are copyright 2025 American Medical Association.,,,"
        ",,,,,,,,,\r\n,,,,,,,,,,,,\r\n"
    )
    return _write(folder / "January 2026 Web Addendum B.01.02.26.csv", banner + text)


def _digest(folder: Path) -> dict[str, str]:
    """Every file of the cache folder by its sha256: what "left as it was" means."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def shipped_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the store built from the shipped files only."""
    store = open_reference_data().path
    folder = tmp_path_factory.mktemp("cache-shipped")
    shutil.copy(store, folder / STORE_NAME)
    return folder


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory, shipped_cache: Path) -> Path:
    """The shipped store after one import of the next-quarter files and the 2020 zip."""
    files = tmp_path_factory.mktemp("releases")
    folder = tmp_path_factory.mktemp("cache-updated")
    shutil.copy(shipped_cache / STORE_NAME, folder / STORE_NAME)
    result = import_files(
        [
            april_limits(files),
            april_crosswalk(files),
            july_mue_zip(files),
            january_hcpcs(files),
            january_opps(files),
            HCPCS_2020,
        ],
        folder,
    )
    assert sorted(result.added) == [
        "asp-ndc@2026q2",
        "asp@2026q2",
        "hcpcs@2020-01",
        "hcpcs@2026-01",
        "mue@2026-07-01",
        "opps@2026-01",
    ]
    return folder


@pytest.fixture(scope="module")
def ref(updated: Path) -> ReferenceData:
    return ReferenceData.open(updated)


def test_the_shipped_originals_reproduce_the_shipped_store(shipped_cache: Path) -> None:
    before = _digest(shipped_cache)
    result = import_files(
        [
            LIMITS,
            CROSSWALK,
            *MUE_FILES,
            SHIPPED / "nucc_taxonomy" / "nucc_taxonomy_251.csv",
            RELEASES / "place_of_service" / "cs-CMS-PlaceofServiceCodes.xml",
            HCPCS_CSV,
        ],
        shipped_cache,
    )
    assert result.added == []
    assert sorted(result.unchanged) == [
        "asp-ndc@2026q1",
        "asp@2026q1",
        "hcpcs@2025-10",
        "mue@2026-04-01",
        "nucc@25.1",
        "pos@2024-05-02",
    ]
    assert [(f.dataset, f.rows) for f in result.files if f.dataset == "asp"] == [("asp", 877)]
    assert _digest(shipped_cache) == before


def test_editions_are_chosen_by_the_as_of_date(ref: ReferenceData) -> None:
    assert ref.dataset("asp").editions[-2:] == ["2026q1", "2026q2"]
    march, may, august = (ref.at(date(2026, m, 15)) for m in (3, 5, 8))
    assert [m.value for m in march.mue("J9306")][:1] == [840]
    assert [m.value for m in august.mue("J9306")][:1] == [900]
    assert march.edition("mue") == "2026-04-01"  # the earliest edition before any
    assert (may.edition("mue"), august.edition("mue")) == ("2026-04-01", "2026-07-01")
    assert [p.ndc for p in march.ndc_packages("J9306")] == ["50242-0145-01"]
    assert [p.ndc for p in may.ndc_packages("J9306")] == ["50242-0145-01", "50242-0145-02"]
    old = ref.at(date(2025, 11, 1)).hcpcs("J9306")
    new = ref.at(date(2026, 1, 1)).hcpcs("J9306")
    assert old is not None and new is not None
    assert (old.edition, old.termination_date) == ("2025-10", None)
    assert (new.edition, new.termination_date) == ("2026-01", date(2025, 12, 31))
    assert ref.at(date(2020, 6, 1)).hcpcs("J9316") is None  # added 2021-01-01
    assert ref.at(date(2020, 6, 1)).edition("hcpcs") == "2020-01"


def test_the_diff_names_every_change(ref: ReferenceData) -> None:
    asp = diff_editions(ref, "asp", "2026q1", "2026q2")
    assert [(c.code, c.describe()) for c in asp.changes] == [
        ("J9306", "payment limit: 17.012 → 17.500 (+2.87%)")
    ]
    crosswalk = diff_editions(ref, "asp-ndc", "2026q1", "2026q2", ["J9306", "J9355"])
    assert [c.describe() for c in crosswalk.changes] == [
        "NDC package 50242-0145-02 added",
        "NDC package 50242-0132-01 removed",
    ]
    mue = diff_editions(ref, "mue", "2026-04-01", "2026-07-01")
    assert [c.describe() for c in mue.changes] == ["setting practitioner MUE value: 840 → 900"]
    opps = diff_editions(ref, "opps", "2025-10", "2026-01")
    assert [(c.code, c.describe()) for c in opps.changes] == [
        ("J9306", "payment rate: 17.017 → 17.250 (+1.37%)")
    ]
    stripped = ref.at(date(2026, 2, 1)).opps("96413")
    assert stripped is not None and stripped.short_descriptor is None  # AMA text not stored
    hcpcs = diff_editions(ref, "hcpcs", "2025-10", "2026-01")
    assert [(c.code, c.change) for c in hcpcs.changes] == [
        ("J9306", "terminated"),
        ("J9355", "re-described"),
        ("J9998", "added"),
    ]


def test_two_hcpcs_releases_diff_and_agree_with_cms_change_list(ref: ReferenceData) -> None:
    diff = diff_editions(ref, "hcpcs", "2020-01", "2025-10", ["J9316", "Q5146", "J9355"])
    assert [(c.code, c.change) for c in diff.changes] == [("J9316", "added"), ("Q5146", "added")]
    # CMS's own list of the 2020 changes, read from the zip: every code it lists as added
    # carries the action code A (added) in the edition read, every discontinued one ends
    # before 2020.
    with zipfile.ZipFile(HCPCS_2020) as archive:
        listing = archive.read("Changes_by_HCPC.prn").decode("cp1252")
    actions = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"^\s{0,6}([A-Z]\d{4}|[A-Z0-9]{2})\s+(ADD|Discontinued)\b", listing, re.M
        )
    }
    edition = ref.at(date(2020, 6, 1))
    added = [code for code, action in actions.items() if action == "ADD"]
    assert len(added) > 200
    for code in added:
        row = edition.hcpcs(code) or edition.modifier(code)
        assert row is not None and row.action_code == "A", code
        assert row.add_date is not None and row.add_date >= date(2019, 1, 1), code
    for code in (code for code, action in actions.items() if action == "Discontinued"):
        row = edition.hcpcs(code) or edition.modifier(code)
        assert row is None or (row.termination_date or date.max) <= date(2019, 12, 31), code


def test_the_fixed_width_text_and_the_xls_of_one_release_agree() -> None:
    members = {m.suffix: m for m in read_release_files(HCPCS_2020) if "ANWEB" in m.name}
    text, sheet = read_import(members[".txt"]), read_import(members[".xls"])
    assert (text.edition, sheet.edition) == ("2020-01", "2020-01")

    def spaced(rows: list[Row]) -> set[tuple[object, ...]]:
        return {tuple(" ".join(v.split()) if isinstance(v, str) else v for v in r) for r in rows}

    for table in ("hcpcs", "modifier"):
        assert len(text.tables[table]) == len(sheet.tables[table]) > 300
        assert spaced(text.tables[table]) == spaced(sheet.tables[table])


def test_changes_since_the_previous_edition(ref: ReferenceData) -> None:
    changes = changes_since_previous(ref.at(date(2026, 8, 1)), "J9306")
    assert {k: [c.describe() for c in v.changes] for k, v in changes.items()} == {
        "hcpcs": ["terminated; termination date: — → 2025-12-31"],
        "mue": ["setting practitioner MUE value: 840 → 900"],
        "asp": ["payment limit: 17.012 → 17.500 (+2.87%)"],
        "asp-ndc": ["NDC package 50242-0145-02 added"],
        "opps": ["payment rate: 17.017 → 17.250 (+1.37%)"],
    }


def test_a_catalogue_of_codes_gets_the_changes_of_each_code_diffed_alone(updated: Path) -> None:
    """Past its first few codes, a view reads which codes each pair of editions holds and
    diffs only those; every code's changes stay those of diffing it on its own."""
    view = ReferenceData.open(updated).at(date(2026, 8, 1))
    codes = [*(f"J{n:04d}" for n in range(9000, 9400, 4)), "A0021", "J9306", "J9355"]
    changed: set[str] = set()
    for code in codes:
        for dataset_id, diff in changes_since_previous(view, code).items():
            alone = diff_editions(view, dataset_id, diff.from_edition, diff.to_edition, [code])
            assert diff == alone
            if diff.changes:
                changed.add(code)
    assert {"J9306", "J9355"} <= changed
    asp = changes_since_previous(view, "J9306")["asp"]
    assert [change.describe() for change in asp.changes] == [
        "payment limit: 17.012 → 17.500 (+2.87%)"
    ]


def test_importing_again_changes_nothing(updated: Path, tmp_path: Path) -> None:
    before = _digest(updated)
    result = import_files([april_limits(tmp_path), july_mue_zip(tmp_path)], updated)
    assert (result.added, sorted(result.unchanged)) == ([], ["asp@2026q2", "mue@2026-07-01"])
    assert _digest(updated) == before


def _cut(path: Path, keep: int) -> Path:
    path.write_bytes(path.read_bytes()[:keep])
    return path


def _end_line(path: Path) -> Path:
    path.write_bytes(path.read_bytes() + b"\r\n")
    return path


def _bomb(folder: Path) -> Path:
    target = folder / "HCPCS_2026.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("HCPC2026_JAN_ANWEB.csv", b"0" * (20 * 1024 * 1024))
    return target


REFUSED = {
    "truncated": (
        lambda d: [april_limits(d), _cut(april_crosswalk(d), 400_000)],
        "cut off",
    ),
    "truncated at a line end": (
        lambda d: [_end_line(_cut(april_limits(d), 30_000))],
        "the file is cut off (an interrupted download?)",
    ),
    "wrong file": (
        lambda d: [_write(d / "pos.csv", "code,name\r\n11,Office\r\n")],
        "not a known release file",
    ),
    "zip bomb": (lambda d: [_bomb(d)], "zip bomb"),
    "misdated asp": (
        lambda d: [
            shutil.copy(
                LIMITS,
                d / "section 508 version of July 2026 Medicare Part B Payment Limit File.csv",
            )
        ],
        "is named for 07/2026 but its content is the edition effective 2026-01-01",
    ),
    "misdated hcpcs": (
        lambda d: [shutil.copy(HCPCS_CSV, d / "HCPC2025_JAN_ANWEB.csv")],
        "holds changes effective 2025-10-01, after 2025-01-01",
    ),
    "half an mue edition": (
        lambda d: [shutil.copy(MUE_FILES[-1], d / MUE_FILES[-1].name.replace("04-01", "10-01"))],
        "lacks the outpatient_hospital, dme_supplier file(s)",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_import_leaves_the_store_as_it_was(
    case: str, updated: Path, tmp_path: Path
) -> None:
    make, message = REFUSED[case]
    files = [Path(p) for p in make(tmp_path)]
    before = _digest(updated)
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        import_files(files, updated)
    assert _digest(updated) == before


def test_cli_import_info_diff_and_history(
    updated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    shutil.copytree(updated, folder)
    monkeypatch.setenv("CODEFOLIO_CACHE_DIR", str(folder))
    result = runner.invoke(app, ["refdata", "import", str(april_limits(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "unchanged asp@2026q2" in result.output
    info = runner.invoke(app, ["refdata", "info"], env={"COLUMNS": "200"})
    assert re.search(
        r"│ asp +│ 2026q2 +│ 2026-04-01–2026-06-30 +│ imported │ section 508", info.output
    )
    diff = runner.invoke(
        app,
        [
            "refdata",
            "diff",
            "asp@2026q1",
            "asp@2026-05-01",
            "--json",
            "--html",
            str(tmp_path / "diff.html"),
        ],
    )
    assert diff.exit_code == 0, diff.output
    assert json.loads(diff.output)[0]["changes"][0]["percent"] == "+2.87%"
    assert "<td>J9306</td><td>changed</td>" in (tmp_path / "diff.html").read_text()
    both = runner.invoke(
        app,
        [
            "refdata",
            "diff",
            "--as-of",
            "2025-11-01",
            "--as-of",
            "2026-08-01",
            "--codes",
            "J9306",
            "--json",
        ],
    )
    datasets = {d["dataset"] for d in json.loads(both.output)}
    assert datasets == {"mue", "asp", "asp-ndc", "hcpcs", "opps"}
    history = runner.invoke(app, ["lookup", "J9306", "--history", "--json"])
    entries = json.loads(history.output)
    assert [e["edition"] for e in entries if e["dataset"] == "mue"] == ["2026-04-01", "2026-07-01"]
    refused = runner.invoke(app, ["refdata", "import", str(_bomb(tmp_path))])
    assert refused.exit_code == 1
    assert "zip bomb" in refused.output


def test_a_catalog_build_after_an_import_republishes_only_changed_codes(
    updated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    shutil.copytree(updated, folder)
    monkeypatch.setenv("CODEFOLIO_CACHE_DIR", str(folder))
    forget_reference_data()
    records = copy_examples(tmp_path / "records")
    out = tmp_path / "catalog"
    as_of = date(2026, 5, 20)
    first = build_catalog(records, out, ["md"], workers=1, as_of=as_of)
    assert sorted(first.built) == ["J9306", "J9355"]
    # A corrected MUE edition within the quarter: only J9306's MUE differs.
    import_files([_mue_zip(tmp_path, "05-15-2026", "870")], folder)
    forget_reference_data()
    second = build_catalog(records, out, ["md"], workers=1, as_of=as_of)
    assert (second.built, second.unchanged) == (["J9306"], ["J9355"])
    row = next(row for row in second.rows if row.code == "J9306")
    assert "mue 2026-04-01→2026-05-15: setting practitioner MUE value: 840 → 870" in row.changes
    text = (out / "J9306.md").read_text(encoding="utf-8")
    assert "2026-04-01 to 2026-05-15: setting practitioner MUE value: 840 → 870." in text
    assert "No other data set changed its facts for J9306" in text
    # The stale quarterly editions say where they came from.
    assert "newest OPPS Addendum B edition imported: 2026-01 (2026q1)" in text


def test_every_shipped_data_set_is_declared_in_the_registry() -> None:
    shipped = [dataset.id for dataset in load_manifest().datasets]
    assert sorted(datasets.specs()) == sorted(shipped)
    tables = [table.stored for spec in datasets.specs().values() for table in spec.tables]
    assert len(tables) == len(set(tables)) == 9
    importable = [spec.id for spec in datasets.specs().values() if spec.readers]
    assert sorted(importable) == ["asp", "asp-ndc", "hcpcs", "mue", "nucc", "opps", "pos"]


def test_a_small_well_formed_workbook_is_read_and_counted(tmp_path: Path) -> None:
    """The xlsx layout, with CMS's disclaimer row above the header, three codes long."""
    from openpyxl import Workbook

    lines = HCPCS_CSV.read_text(encoding="utf-8").splitlines()
    rows = [
        next(csv.reader([line]))
        for line in lines[:1]
        + [line for line in lines if line.startswith(("J9306,", "J9355,", "J9316,"))]
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Note regarding coverage and payment indicators for codes in this file"])
    for row in rows:
        sheet.append(row)
    target = tmp_path / "HCPC2026_APR_ANWEB_v2.xlsx"
    workbook.save(target)
    data = read_import(read_release_files(target)[0])
    assert (data.dataset, data.edition, data.rows) == ("hcpcs", "2026-04", 3)
    assert [row[0] for row in data.tables["hcpcs"]] == ["J9306", "J9316", "J9355"]


def test_the_payment_limit_workbook_reproduces_the_shipped_quarter(
    shipped_cache: Path, tmp_path: Path
) -> None:
    """The January 2026 file as a workbook: banner rows, numbers stored as numbers in a
    `0.000` format, text as text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for record in csv.reader(io.StringIO(_cp1252(LIMITS), newline="")):
        sheet.append([_number(cell) for cell in record])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = "0." + "0" * len(str(record[cell.column - 1]).split(".")[1])
    target = (
        tmp_path / "section 508 version of January 2026 Medicare Part B Payment Limit File.xlsx"
    )
    workbook.save(target)
    before = _digest(shipped_cache)
    result = import_files([target], shipped_cache)
    assert (result.added, result.unchanged) == ([], ["asp@2026q1"])
    assert _digest(shipped_cache) == before


def _number(cell: str) -> object:
    if re.fullmatch(r"\d+\.\d+", cell):
        return float(cell)
    return int(cell) if re.fullmatch(r"[1-9]\d*", cell) else cell
