"""Catalogue builds: incremental, resumable after a kill, failures listed, report counts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from codefolio.catalog import manifest
from codefolio.catalog.build import CATALOG_MARKER, build_catalog
from codefolio.catalog.manifest import MANIFEST_NAME
from codefolio.catalog.scaffold import scaffold_records
from codefolio.cli.app import app
from codefolio.records import read_record
from codefolio.refdata import open_reference_data
from codefolio.validation import unfilled_gaps
from tests.conftest import copy_examples, example_data
from tests.htmltree import parse_html

runner = CliRunner()
FORMATS = ["md", "html", "json"]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = copy_examples(tmp_path / "records")
    (folder / "J9000.yaml").write_text("code: J9000\n", encoding="utf-8")
    return folder


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each publication's inode and mtime: an atomic rewrite changes both."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.iterdir()
        if path.suffix in {".md", ".html", ".json"} and path.stem.startswith("J")
    }


def publications(folder: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in folder.iterdir()
        if path.is_file() and path.name[:1] == "J"
    }


def test_build_writes_publications_index_report_and_manifest(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (sorted(result.built), result.unchanged, result.failures) == (
        ["J9000", "J9306", "J9355"],
        [],
        [],
    )
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == sorted(
        [f"{code}.{fmt}" for code in ("J9000", "J9306", "J9355") for fmt in FORMATS]
        + ["index.html", "report.html", "report.json", MANIFEST_NAME, CATALOG_MARKER]
        + ["assets/site.css", "assets/site.js"]
    )
    index = parse_html((out / "index.html").read_text(encoding="utf-8"))
    links = [a.attrs["href"] for a in index.find_all("a")]
    assert links == ["J9000.html", "J9306.html", "J9355.html"]


def test_no_change_rebuild_skips_everything(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    before = stamps(out)
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (result.built, sorted(result.unchanged)) == ([], ["J9000", "J9306", "J9355"])
    assert stamps(out) == before


def test_a_change_to_codefolio_itself_rebuilds_everything(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version number alone would miss a change made without a release."""
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    monkeypatch.setattr(manifest, "code_digest", lambda: "another build of codefolio")
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (sorted(result.built), result.unchanged) == (["J9000", "J9306", "J9355"], [])


def test_incremental_rebuild_touches_only_the_changed_records_outputs(
    records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    before = stamps(out)
    data = example_data("J9355")
    data["service_type"] = "Oncology—biologics"
    (records / "J9355.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    # Layout and comments alone are not a change: the normalized record is hashed.
    (records / "J9000.yaml").write_text("# a comment\ncode:   J9000\n", encoding="utf-8")
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (result.built, sorted(result.unchanged)) == (["J9355"], ["J9000", "J9306"])
    after = stamps(out)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == ["J9355.html", "J9355.json", "J9355.md"]
    assert "Oncology—biologics" in (out / "J9355.md").read_text(encoding="utf-8")


def test_new_formats_rebuild_and_dropped_formats_and_records_are_removed(
    records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    (records / "J9000.yaml").unlink()
    result = build_catalog(records, out, ["md", "txt"], workers=1)
    assert (sorted(result.built), result.removed) == (["J9306", "J9355"], ["J9000"])
    assert sorted(publications(out)) == ["J9306.md", "J9306.txt", "J9355.md", "J9355.txt"]
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["entries"]) == ["J9306", "J9355"]
    index = parse_html((out / "index.html").read_text(encoding="utf-8"))
    assert [a.attrs["href"] for a in index.find_all("a")] == ["J9306.md", "J9355.md"]


def test_pdf_pages_are_letter_and_a_change_of_paper_rebuilds_them(tmp_path: Path) -> None:
    records = copy_examples(tmp_path / "records")
    (records / "J9355.yaml").unlink()
    out = tmp_path / "out"
    build_catalog(records, out, ["pdf"], workers=1)
    assert page_size(out / "J9306.pdf") == (612, 792)  # US Letter, in points
    assert build_catalog(records, out, ["pdf"], workers=1).built == []
    result = runner.invoke(
        app, ["catalog", "build", str(records), "-o", str(out), "-f", "pdf", "--paper", "a4"]
    )
    assert result.exit_code == 0, result.output
    assert page_size(out / "J9306.pdf") == (595, 842)  # A4


def page_size(pdf: Path) -> tuple[int, int]:
    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_a_deleted_output_is_rebuilt(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, ["md"], workers=1)
    (out / "J9306.md").unlink()
    result = build_catalog(records, out, ["md"], workers=1)
    assert result.built == ["J9306"]
    assert (out / "J9306.md").is_file()


def test_failing_records_do_not_stop_the_others_and_keep_their_last_build(
    records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, ["md"], workers=1)
    last_good = (out / "J9306.md").read_bytes()
    data = example_data("J9306")
    data["modifiers"][0]["code"] = "JX"
    (records / "J9306.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (records / "J9999.yaml").write_text("code: J9999\nmodifers: []\n", encoding="utf-8")
    result = build_catalog(records, out, ["md"], workers=1)
    assert sorted(result.unchanged) == ["J9000", "J9355"]
    assert [(f.origin, f.code) for f in result.failures] == [
        (str(records / "J9999.yaml"), None),
        (str(records / "J9306.yaml"), "J9306"),
    ]
    assert result.failures[0].problems == [
        f"{records / 'J9999.yaml'}:2 modifers: unknown field 'modifers' (did you mean 'modifiers'?)"
    ]
    assert result.failures[1].problems[0] == (
        f"{records / 'J9306.yaml'}: not published: the record has errors"
    )
    assert (
        result.failures[1].problems[1].startswith(f"error: {records / 'J9306.yaml'}:")
        and "modifiers[0].code: JX is neither a modifier" in result.failures[1].problems[1]
    )
    assert (out / "J9306.md").read_bytes() == last_good


def test_cli_lists_every_failure_and_exits_1(records: Path, tmp_path: Path) -> None:
    (records / "J9999.yaml").write_text("code: [\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["catalog", "build", str(records), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"3 built, 0 unchanged, 0 removed, 1 failed in {out}; report: {out / 'report.html'}\n"
    )
    assert "1 record(s) failed:\n✗ " in result.stderr
    assert f"{records / 'J9999.yaml'}:2: malformed YAML" in result.stderr


def test_strict_makes_warnings_fatal_even_for_unchanged_records(
    records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    data = example_data("J9355")
    data["descriptor"] = "Trastuzumab, 10 mg"  # differs from the HCPCS file: a warning
    (records / "J9355.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    args = ["catalog", "build", str(records), "-o", str(out), "-f", "md", "-j", "1"]
    assert runner.invoke(app, args).exit_code == 0
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1
    assert f"✗ {records / 'J9355.yaml'}: the record has warnings (--strict)" in strict.stderr
    assert "warning: " in strict.stderr and "descriptor: differs from" in strict.stderr


def test_cli_refuses_a_source_that_is_neither_folder_nor_sheet(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "build", str(tmp_path / "nope"), "-o", "x"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nope'}: no such folder or sheet\n"


def test_report_counts_match_the_records(records: Path, tmp_path: Path) -> None:
    refdata = open_reference_data()  # not the session fixture: test_refdata_cli rebuilds later
    (records / "J9999.yaml").write_text("code: [\n", encoding="utf-8")
    out = tmp_path / "out"
    build_catalog(records, out, ["json"], workers=1)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    gaps = {
        code: unfilled_gaps(read_record(records / f"{code}.yaml").record, refdata)
        for code in ("J9000", "J9306", "J9355")
    }
    assert report["summary"] == {
        "records": 4,
        "built": 3,
        "unchanged": 0,
        "failed": 1,
        "removed": 0,
        "unreadable": 1,
        "complete": sum(1 for found in gaps.values() if not found),
        "errors": 0,
        "warnings": 0,
    }
    per_code = {row["code"]: row for row in report["codes"]}
    for code, found in gaps.items():
        assert per_code[code]["missing"] == [{"field": g.field, "label": g.label} for g in found]
    for count in report["missing"]:
        expected = sum(
            1
            for found in gaps.values()
            if any(
                g.field == count["field"]
                or (count["field"] == "payers[].coverage" and g.field.startswith("payers["))
                for g in found
            )
        )
        assert count["codes"] == expected, count
    assert per_code[None]["missing"] is None
    # The chart draws one bar per element, as wide as its share of the largest count.
    page = parse_html((out / "report.html").read_text(encoding="utf-8"))
    bars = page.find("svg").find_all("rect")
    assert len(bars) == len(report["missing"])
    largest = max(count["codes"] for count in report["missing"])
    assert [int(bar.attrs["width"]) for bar in bars] == [
        round(count["codes"] / largest * 420) for count in report["missing"]
    ]


def test_a_killed_build_leaves_no_partial_file_and_the_next_one_completes(tmp_path: Path) -> None:
    refdata = open_reference_data()  # not the session fixture: test_refdata_cli rebuilds later
    source = tmp_path / "records"
    scaffold_records("J9200-J9399", source, refdata)
    assert len(list(source.iterdir())) >= 100
    out, clean = tmp_path / "out", tmp_path / "clean"
    command = [str(Path(sys.executable).parent / "codefolio"), "catalog", "build", str(source)]
    process = subprocess.Popen(
        [*command, "-o", str(out), "-f", "md,html,json"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("J*"))) < 30:
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, mid-way
    process.wait()
    written = publications(out)
    assert 30 <= len(written) < 3 * len(list(source.iterdir()))

    build_catalog(source, clean, ["md", "html", "json"], workers=2)
    expected = publications(clean)
    for name, data in written.items():  # every file that exists is whole
        assert data == expected[name], name
    manifest = out / MANIFEST_NAME
    if manifest.exists():
        json.loads(manifest.read_bytes())

    resumed = build_catalog(source, out, ["md", "html", "json"], workers=2)
    assert resumed.failures == []
    assert len(resumed.built) + len(resumed.unchanged) == len(list(source.iterdir()))
    assert publications(out) == expected
    assert (out / "index.html").read_bytes() == (clean / "index.html").read_bytes()
    assert [p.name for p in out.rglob("*.tmp")] == []
