"""Scaffold: starter records prefilled only from the data sets, never overwriting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from codefolio.catalog.scaffold import generic_name, parse_code_spec, scaffold_records
from codefolio.cli.app import app
from codefolio.errors import CatalogError
from codefolio.refdata import ReferenceData, open_reference_data
from codefolio.validation import validate_files

runner = CliRunner()


def test_j9306_is_prefilled_from_the_hcpcs_file_and_the_crosswalk(tmp_path: Path) -> None:
    refdata = open_reference_data()  # not the session fixture: test_refdata_cli rebuilds later
    result = scaffold_records("J9306", tmp_path, refdata)
    assert result.written == [tmp_path / "J9306.yaml"]
    text = (tmp_path / "J9306.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# Starter record for J9306, written by codefolio 0.1.0 scaffold.\n"
        "# descriptor, drug.generic_name and drug.billing_unit: HCPCS Level II 2025-10\n"
    )
    assert "# drug.packages: ASP NDC-HCPCS Crosswalk 2026q1 (NDC, drug name and labeler)." in text
    assert yaml.safe_load(text) == {
        "format": "codefolio/1",
        "code": "J9306",
        "descriptor": "Injection, pertuzumab, 1 mg",
        "drug": {
            "generic_name": "pertuzumab",
            "billing_unit": "1 mg",
            "packages": [{"ndc": "50242-0145-01", "description": "Perjeta (Genentech, Inc.)"}],
        },
    }


def test_every_starter_record_of_a_range_validates_without_errors(tmp_path: Path) -> None:
    refdata = open_reference_data()  # not the session fixture: test_refdata_cli rebuilds later
    result = scaffold_records("J9000-J9399", tmp_path, refdata, as_of=date(2026, 1, 1))
    assert len(result.written) > 100
    reports = validate_files(sorted(tmp_path.iterdir()), refdata, date(2026, 1, 1))
    assert [str(p) for report in reports for p in report.errors + report.warnings] == []
    assert {path.stem for path in result.written}.isdisjoint(c for c, _ in result.terminated)
    assert ("J9010", date(2015, 12, 31)) in result.terminated


def test_existing_records_are_kept_unless_force(tmp_path: Path) -> None:
    (tmp_path / "J9306.yaml").write_text("code: J9306\n", encoding="utf-8")
    args = ["scaffold", "--codes", "J9306,J9355", "-o", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stdout == (
        f"1 starter record(s) written to {tmp_path}\n"
        f"1 skipped: the record exists (use --force to overwrite): {tmp_path / 'J9306.yaml'}\n"
    )
    assert (tmp_path / "J9306.yaml").read_text(encoding="utf-8") == "code: J9306\n"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0
    assert forced.stdout == f"2 starter record(s) written to {tmp_path}\n"
    assert "pertuzumab" in (tmp_path / "J9306.yaml").read_text(encoding="utf-8")


def test_codes_not_in_the_hcpcs_file_are_reported_and_nothing_written_exits_1(
    tmp_path: Path,
) -> None:
    result = runner.invoke(app, ["scaffold", "--codes", "J9998", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == "1 skipped: not in the shipped HCPCS file: J9998\n"
    assert list(tmp_path.iterdir()) == []


def test_codes_of_a_range_that_the_hcpcs_file_lacks_are_counted(
    tmp_path: Path, refdata: ReferenceData
) -> None:
    codes = [f"J90{n:02d}" for n in range(100)]
    lacking = [code for code in codes if refdata.hcpcs(code) is None]
    assert 0 < len(lacking) < 100
    result = runner.invoke(app, ["scaffold", "--codes", "J9000-J9099", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stderr == (
        f"{len(lacking)} skipped: not in the shipped HCPCS file: {', '.join(lacking[:10])} "
        f"and {len(lacking) - 10} more\n"
    )
    written = int(result.stdout.split(" ", 1)[0])
    terminated = result.stdout.split("\n")[1].split(" ", 1)[0]
    assert written + int(terminated) + len(lacking) == 100


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "J9000-K0100",
            "--codes 'J9000-K0100': a range starts and ends with the same letter, "
            "such as J0000-J9999",
        ),
        ("J9999-J9000", "--codes 'J9999-J9000': the range ends before it starts"),
        (
            "96413",
            "--codes '96413': '96413' is not a HCPCS Level II code (a letter from A to V and "
            "four digits, such as J9306); write ranges as J9000-J9999",
        ),
        (
            "X0000",
            "--codes 'X0000': 'X0000' is not a HCPCS Level II code (a letter from A to V and "
            "four digits, such as J9306); write ranges as J9000-J9999",
        ),
        (" , ", "--codes: no codes given; write e.g. J9000-J9999 or J9306,J9355"),
    ],
)
def test_bad_code_specs_say_how_to_write_them(spec: str, message: str) -> None:
    with pytest.raises(CatalogError) as error:
        parse_code_spec(spec)
    assert str(error.value) == message


def test_code_spec_reads_ranges_and_lists() -> None:
    assert parse_code_spec("j9000-J9999, J9306") == [("J9000", "J9999"), ("J9306", "J9306")]


@pytest.mark.parametrize(
    ("descriptor", "name"),
    [
        ("Injection, pertuzumab, 1 mg", "pertuzumab"),
        ("Injection, trastuzumab, excludes biosimilar, 10 mg", "trastuzumab"),
        ("Injection, ado-trastuzumab emtansine, 1 mg", "ado-trastuzumab emtansine"),
        ("Injection, asparaginase, not otherwise specified, 10,000 units", "asparaginase"),
        ("Injection, diazepam, up to 5 mg", "diazepam"),
        ("Injection, docetaxel (beizray), 1 mg", None),
        ("Injection, nivolumab, 2 mg and hyaluronidase-nvhy", None),
        ("Injection, interferon, alfa-2a, recombinant, 3 million units", None),
        ("Injection, naltrexone, depot form, 1 mg", None),
        ("Injection, lidocaine hcl for intravenous infusion, 10 mg", None),
        ("Methotrexate; oral, 2.5 mg", None),
    ],
)
def test_generic_name_only_where_the_descriptor_plainly_states_it(
    descriptor: str, name: str | None
) -> None:
    assert generic_name(descriptor) == name
