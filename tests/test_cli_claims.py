"""`codefolio claims check`: findings printed and written, exit codes, and no patient data."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from codefolio.cli.app import app
from tests.claims_fixtures import claim_837, rows_of, write_csv
from tests.conftest import EXAMPLES
from tests.test_claims_check import swap

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["claims", "check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_findings_in_every_format_and_fail_on(tmp_path: Path) -> None:
    x12 = tmp_path / "a.837"
    x12.write_text(claim_837("J9306", "837P", swap("HC:J9306:JZ", "HC:J9306:JZ:59")))
    clean = tmp_path / "b.837"
    clean.write_text(claim_837("J9355", "837P", member="2EG4TE5MK74"))  # another beneficiary
    out = tmp_path / "out"
    args = [str(x12), str(clean), "--records", str(EXAMPLES), "-o", str(out)]
    code, stdout, _ = run(*args, "-f", "csv,json,parquet,html", "--fail-on", "return")
    assert code == 1
    assert "1 findings in 8 claim lines" in stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "findings.csv",
        "findings.html",
        "findings.json",
        "findings.parquet",
    ]
    report = json.loads((out / "findings.json").read_text())
    assert report["lines"] == 8 and report["severities"] == {"deny": 0, "return": 1, "review": 0}
    assert [(f["claim_id"], f["line"], f["rule_id"]) for f in report["findings"]] == [
        ("J9306837P", 1, "drug-line-modifiers")
    ]
    assert report["rules"][0]["citation"].startswith("CMS NCCI Policy Manual")
    parquet = duckdb.sql(f"SELECT claim_id, line, rule_id FROM '{out / 'findings.parquet'}'")
    assert parquet.fetchall() == [("J9306837P", 1, "drug-line-modifiers")]
    assert (
        (out / "findings.csv")
        .read_text()
        .splitlines()[1]
        .startswith("J9306837P,1,drug-line-modifiers,return,J9306,modifier 59")
    )
    html = (out / "findings.html").read_text()
    assert "<svg" in html and "drug-line-modifiers" in html
    assert run(*args, "--fail-on", "deny")[0] == 0
    assert run(*args)[0] == 0
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_patient_data_and_hostile_text_stay_out_of_the_outputs(tmp_path: Path) -> None:
    rows = rows_of(claim_837("J9306", "837P"))
    rows[0] = {**rows[0], "code": "<script>x</script>"}
    extract = write_csv(tmp_path / "lines.csv", rows)
    x12 = tmp_path / "a.837"
    x12.write_text(claim_837("J9355", "837P"))
    out = tmp_path / "out"
    code, stdout, stderr = run(str(extract), str(x12), "-o", str(out), "-f", "json,html")
    assert code == 0
    html = (out / "findings.html").read_text()
    assert "<script>" not in html.lower() and "&lt;script&gt;" in html.lower()
    for text in [stdout, stderr, html, (out / "findings.json").read_text()]:
        assert "DOE" not in text and "JANE" not in text and "1EG4TE5MK73" not in text
        assert "ELM ST" not in text


def test_unreadable_inputs(tmp_path: Path) -> None:
    code, _, stderr = run(str(tmp_path / "missing.837"))
    assert (code, stderr) == (1, f"error: no such file or folder: {tmp_path / 'missing.837'}\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("claim_id\n")
    code, _, stderr = run(str(empty))
    assert code == 1
    assert stderr == (
        "error: no claim line could be read:\n"
        f"  {empty}: missing columns: line, claim_type, service_date, code, units\n"
    )
    code, _, stderr = run(str(empty), "-o", str(tmp_path / "out"), "-f", "pdf")
    assert (code, stderr) == (
        1,
        "error: unknown findings format pdf (choose from csv, json, parquet, html)\n",
    )


def test_help_names_the_engines() -> None:
    result = runner.invoke(app, ["claims", "check", "--help"])
    assert result.exit_code == 0
    assert "--engine" in result.stdout and "spark" in result.stdout
