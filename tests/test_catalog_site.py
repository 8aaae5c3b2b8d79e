"""The static site: index rows read off the Publication, one page per code, atomic swap."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from codefolio.catalog import build_site
from codefolio.catalog.index import index_row
from codefolio.cli.app import app
from codefolio.compose.model import MISSING_TEXT
from codefolio.errors import CatalogError, RecordError
from codefolio.render import render
from tests.conftest import EXAMPLES, copy_examples, example_data, publish
from tests.htmltree import parse_html
from tests.test_render_formats import hostile_record

runner = CliRunner()


@pytest.fixture
def records(tmp_path: Path) -> Path:
    return copy_examples(tmp_path / "records")


def write_record(folder: Path, name: str, data: dict[str, Any]) -> None:
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_site_has_index_pages_and_assets(records: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    report = build_site(records, site)
    assert sorted(snapshot(site)) == [
        ".codefolio-site",
        "J9306.html",
        "J9355.html",
        "assets/site.css",
        "assets/site.js",
        "index.html",
    ]
    assert (report.pages, report.files) == (2, 6)
    assert report.size == sum(map(len, snapshot(site).values()))
    page = (site / "J9306.html").read_bytes()
    assert page == render(publish(example_data("J9306")), "html")
    index = parse_html((site / "index.html").read_text(encoding="utf-8"))
    linked = [e.attrs.get("href") or e.attrs.get("src") for e in index.iter()]
    assert {"assets/site.css", "assets/site.js", "J9306.html", "J9355.html"} <= set(linked)
    assert not any(link and "//" in link for link in linked)


def test_index_rows_show_code_descriptor_service_type_and_missing_count(
    records: Path, tmp_path: Path
) -> None:
    build_site(records, tmp_path / "site")
    index = parse_html((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    table = index.find("table", id="codes")
    assert table.find("caption").text.startswith("Codes in this catalogue")
    headers = [(th.text, th.attrs["scope"], th.attrs["data-type"]) for th in table.iter("th")]
    assert headers == [
        ("Code", "col", "text"),
        ("Descriptor", "col", "text"),
        ("Drug names", "col", "text"),
        ("Service type", "col", "text"),
        ("Missing elements", "col", "number"),
    ]
    rows = [[td.text for td in tr.iter("td")] for tr in table.find("tbody").iter("tr")]
    assert rows == [
        [
            "J9306 HCPCS Level II",
            "Injection, pertuzumab, 1 mg",
            "pertuzumab; Perjeta",
            "Oncology—chemotherapy/biologics",
            "3",
        ],
        [
            "J9355 HCPCS Level II",
            "Injection, trastuzumab, excludes biosimilar, 10 mg",
            "trastuzumab; Herceptin",
            "Oncology—chemotherapy/biologics",
            "0",
        ],
    ]
    searched = [tr.attrs["data-search"] for tr in table.find("tbody").iter("tr")]
    assert searched[0] == "j9306 injection, pertuzumab, 1 mg pertuzumab; perjeta"


def test_index_row_of_a_sparse_publication_says_what_is_missing() -> None:
    row = index_row(publish({"code": "J9000"}))
    assert (row.code, row.href, row.descriptor, row.service_type, row.drug_names) == (
        "J9000",
        "J9000.html",
        "Injection, doxorubicin hydrochloride, 10 mg",
        MISSING_TEXT,
        "",
    )
    assert row.missing == 8  # the descriptor comes from the HCPCS file


def test_hostile_text_in_the_index_is_text(records: Path, tmp_path: Path) -> None:
    hostile = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
    data = hostile_record(hostile)
    data["drug"]["brand_names"] = [hostile]
    write_record(records, "J9306.yaml", data)
    build_site(records, tmp_path / "site")
    index = parse_html((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert [e.attrs["src"] for e in index.find_all("script")] == ["assets/site.js"]
    assert index.find_all("img") == []
    row = index.find("tr", id="code-J9306")
    assert [td.text for td in row.iter("td")][1:3] == [hostile, f"pertuzumab; {hostile}"]


def test_rebuild_replaces_the_site_and_drops_stale_pages(records: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(records, site)
    (records / "J9355.yaml").unlink()
    build_site(records, site)
    assert not (site / "J9355.html").exists()
    assert (site / "J9306.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records", "site"]


def test_a_bad_record_leaves_the_previous_site_intact(records: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(records, site)
    before = snapshot(site)
    (records / "bad.yaml").write_text("code: J9000\ndescriptor: 1\n", encoding="utf-8")
    with pytest.raises(RecordError) as error:
        build_site(records, site)
    assert f"{records / 'bad.yaml'}:2 descriptor: expected text, got the number 1" in str(
        error.value
    )
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records", "site"]


def test_two_records_for_one_code_are_refused(records: Path, tmp_path: Path) -> None:
    shutil.copy(records / "J9355.yaml", records / "copy.json.yaml")
    with pytest.raises(RecordError, match="code J9355 is also the code of"):
        build_site(records, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_json_and_yml_records_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    import json

    (folder / "a.json").write_text(json.dumps(example_data("J9306")), encoding="utf-8")
    write_record(folder, "b.yml", example_data("J9355"))
    (folder / "notes.txt").write_text("not a record", encoding="utf-8")
    assert build_site(folder, tmp_path / "site").pages == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "{records}: not a folder of records"),
        ("empty", "{records}: no record files (.yaml, .yml, .json) in this folder"),
        (
            "foreign",
            "{site}: folder is not empty and is not a codefolio site (no .codefolio-site); "
            "choose a new or empty folder",
        ),
        ("file", "{site}: exists and is not a folder; choose another site folder"),
    ],
)
def test_refusals(tmp_path: Path, setup: str, message: str) -> None:
    records, site = tmp_path / "records", tmp_path / "site"
    if setup != "missing":
        records.mkdir()
    if setup in ("foreign", "file"):
        shutil.copy(EXAMPLES / "J9306.yaml", records / "J9306.yaml")
    if setup == "foreign":
        site.mkdir()
        (site / "thesis.tex").write_text("keep me", encoding="utf-8")
    if setup == "file":
        site.write_text("keep me", encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        build_site(records, site)
    assert str(error.value) == message.format(records=records, site=site)
    if setup == "foreign":
        assert snapshot(site) == {"thesis.tex": b"keep me"}


def test_cli_site(records: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = runner.invoke(app, ["site", str(records), "-o", str(site)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("site written: 2 publications, 6 files, ")
    assert (site / "index.html").is_file()


def test_cli_site_failure_keeps_old_site_and_prints_error(records: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert runner.invoke(app, ["site", str(records), "-o", str(site)]).exit_code == 0
    before = snapshot(site)
    bad = records / "J9999.yaml"
    bad.write_text("code: J9999\nmodifers: []\n", encoding="utf-8")
    result = runner.invoke(app, ["site", str(records), "-o", str(site)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: 1 problem in {bad}\n"
        f"  {bad}:2 modifers: unknown field 'modifers' (did you mean 'modifiers'?)\n"
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(site) == before
