"""`build`, `site` and `catalog build`: `--as-of`, and no finding that passes silently."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from codefolio.cli.app import app
from tests.conftest import copy_examples, example_data

runner = CliRunner()


def write(folder: Path, data: dict[str, object], name: str = "J9306.yaml") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_build_refuses_a_billing_unit_that_contradicts_the_descriptor(tmp_path: Path) -> None:
    data = example_data("J9306")
    data["drug"]["billing_unit"] = "10 mg"
    record = write(tmp_path / "records", data)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(record), "-o", str(out)])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(record.read_text().splitlines(), 1) if "10 mg" in text)
    assert (
        f"{record}:{line} drug.billing_unit: '10 mg' contradicts the billing unit '1 mg' that "
        "the HCPCS Level II 2025-10 descriptor of J9306 states"
    ) in result.stderr
    assert not out.exists()


def test_build_prints_every_warning_with_file_and_line(tmp_path: Path) -> None:
    data = example_data("J9306")
    data["descriptor"] = "Injection, pertuzumab, per 1 mg"
    record = write(tmp_path / "records", data)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(record), "-o", str(out), "--as-of", "2026-11-27", "-f", "md"]
    )
    assert result.exit_code == 0, result.stderr
    line = next(
        n for n, text in enumerate(record.read_text().splitlines(), 1) if "per 1 mg" in text
    )
    assert f"warning: {record}:{line} descriptor: differs from the HCPCS Level II" in result.stderr
    markdown = (out / "J9306.md").read_text(encoding="utf-8")
    assert "**As of:** 2026-11-27." in markdown
    assert "### Review notes" in markdown


def test_build_as_of_states_the_rules_of_that_date(tmp_path: Path) -> None:
    out = tmp_path / "out"
    record = write(tmp_path / "records", example_data("J9306"))
    result = runner.invoke(
        app, ["build", str(record), "-o", str(out), "--as-of", "2023-06-30", "-f", "txt"]
    )
    assert result.exit_code == 0, result.stderr
    text = (out / "J9306.txt").read_text(encoding="utf-8")
    assert "As of: 2023-06-30." in text and "J9306-JZ" not in text
    bad = runner.invoke(app, ["build", str(record), "-o", str(out), "--as-of", "30/06/2023"])
    assert bad.exit_code == 2 and "--as-of" in bad.stderr


def test_site_takes_as_of_and_prints_warnings(tmp_path: Path) -> None:
    records = copy_examples(tmp_path / "records")
    data = example_data("J9355")
    data["descriptor"] = "Injection, trastuzumab, 10 mg"
    write(records, data, "J9355.yaml")
    site = tmp_path / "site"
    result = runner.invoke(app, ["site", str(records), "-o", str(site), "--as-of", "2025-02-01"])
    assert result.exit_code == 0, result.stderr
    assert f"warning: {records / 'J9355.yaml'}:" in result.stderr
    page = next(site.glob("*J9355*.html")).read_text(encoding="utf-8")
    assert "2025-02-01" in page and "Review notes" in page


def test_catalog_build_takes_as_of_and_prints_warnings(tmp_path: Path) -> None:
    records = copy_examples(tmp_path / "records")
    data = example_data("J9355")
    data["descriptor"] = "Injection, trastuzumab, 10 mg"
    write(records, data, "J9355.yaml")
    out = tmp_path / "catalog"
    args = ["catalog", "build", str(records), "-o", str(out), "-f", "md", "-j", "1"]
    result = runner.invoke(app, [*args, "--as-of", "2025-02-01"])
    assert result.exit_code == 0, result.stderr
    assert f"warning: {records / 'J9355.yaml'}:" in result.stderr
    assert "descriptor: differs from" in result.stderr
    assert "**As of:** 2025-02-01." in (out / "J9355.md").read_text(encoding="utf-8")
