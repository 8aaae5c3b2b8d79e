"""Codes in a record are checked against the shipped official code sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from codefolio.cli.app import app
from codefolio.records.model import CodeRecord
from codefolio.refdata import open_reference_data
from codefolio.validation import CPT_MODIFIERS, check_record
from tests.conftest import EXAMPLES, example_data

AS_OF = date(2026, 11, 26)


def findings(data: dict[str, Any], as_of: date = AS_OF) -> list[str]:
    record = CodeRecord.model_validate(data)
    return [str(f) for f in check_record(record, open_reference_data(), as_of)]


def test_the_examples_are_clean() -> None:
    assert findings(example_data("J9306")) == []
    assert findings(example_data("J9355")) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            {"code": "J9998"},
            "error: code: J9998 is not a code in HCPCS Level II 2025-10 (did you mean ",
        ),
        (
            {"modifiers": [{"code": "JX"}]},
            "error: modifiers[0].code: JX is neither a modifier in HCPCS Level II 2025-10 nor a "
            "CPT modifier (did you mean ",
        ),
        (
            {"sites_of_service": [{"pos": "98"}]},
            "error: sites_of_service[0].pos: 98 is not a code in Place of Service Code Set "
            "2024-05-02",
        ),
        (
            {"provider_taxonomies": [{"code": "207RX0203X"}]},
            "error: provider_taxonomies[0].code: 207RX0203X is not a code in Health Care "
            "Provider Taxonomy 25.1",
        ),
        (
            {"diagnoses": [{"code": "C99.99"}]},
            "error: diagnoses[0].code: C99.99 is not a code in ICD-10-CM",
        ),
        (
            {"administration_codes": [{"code": "J9998"}]},
            "error: administration_codes[0].code: J9998 is not a code in HCPCS Level II",
        ),
    ],
)
def test_unknown_codes_are_errors_with_suggestions(edit: dict[str, Any], expected: str) -> None:
    data = example_data("J9306")
    data.update(edit)
    found = findings(data)
    assert found[0].startswith(expected), found[0]
    assert [f for f in found if f.startswith("error")] == found[:1]


def test_unknown_code_suggests_near_codes() -> None:
    data = example_data("J9306")
    data["modifiers"] = [{"code": "JX"}]
    assert "JW" in findings(data)[0].split("did you mean", 1)[1]


def test_terminated_modifier_is_a_warning_after_its_date() -> None:
    data = example_data("J9306")
    data["modifiers"].append({"code": "JG", "usage": "340B-acquired drug"})
    assert findings(data) == [
        "warning: modifiers[2].code: modifier JG was terminated on 2024-12-31 "
        "(HCPCS Level II 2025-10)"
    ]
    assert findings(data, as_of=date(2024, 6, 1)) == []


def test_code_not_yet_in_use_is_a_warning() -> None:
    assert findings({"code": "J9306"}, as_of=date(2013, 6, 1)) == [
        "warning: code: J9306 is not in use until 2014-01-01 (HCPCS Level II 2025-10)"
    ]


def test_terminated_code_is_a_warning() -> None:
    data = {"code": "J0135"}
    assert findings(data) == [
        "warning: code: J0135 was terminated on 2024-12-31 (HCPCS Level II 2025-10)"
    ]


@pytest.mark.parametrize("modifier", ["59", "25", "76", "XE", "TB", "JZ"])
def test_cpt_and_hcpcs_modifiers_are_accepted(modifier: str) -> None:
    data = example_data("J9306")
    data["modifiers"] = [{"code": modifier}]
    assert findings(data) == []


def test_cpt_modifier_list_holds_numbers_only() -> None:
    assert {"59", "25", "76"} <= CPT_MODIFIERS
    assert all(m.isdigit() and len(m) == 2 for m in CPT_MODIFIERS)


def test_ndc_not_in_the_crosswalk_for_this_code_is_a_warning() -> None:
    data = example_data("J9306")
    data["drug"]["packages"][0]["ndc"] = "50242-0132-01"  # trastuzumab's NDC
    assert findings(data) == [
        "warning: drug.packages[0].ndc: NDC 50242-0132-01 maps to J9355 in the "
        f"{_dataset('asp-ndc')}, not to J9306"
    ]


def test_category_diagnosis_is_a_warning() -> None:
    data = example_data("J9306")
    data["diagnoses"] = [{"code": "C50.01"}]
    [warning] = findings(data)
    assert warning.startswith("warning: diagnoses[0].code: C50.01 is a category in ICD-10-CM")


def test_conflicting_pos_name_is_a_warning() -> None:
    data = example_data("J9306")
    data["sites_of_service"][0]["name"] = "Clinic"
    [warning] = findings(data)
    assert warning == (
        "warning: sites_of_service[0].name: differs from 'Office' in "
        f"{_dataset('pos')}; the publication keeps the input"
    )


def _dataset(dataset_id: str) -> str:
    entry = open_reference_data().dataset(dataset_id)
    return f"{entry.name} {entry.edition}"


def write(tmp_path: Path, data: dict[str, Any], name: str = "record.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_validate_reports_errors_with_line_and_exits_1(tmp_path: Path) -> None:
    data = example_data("J9306")
    data["modifiers"][1]["code"] = "JX"
    path = write(tmp_path, data)
    line = next(
        number for number, text in enumerate(path.read_text().splitlines(), 1) if "code: JX" in text
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"✗ 1 problem in {path}\n  {path}:{line} modifiers[1].code: JX is neither a modifier in "
        "HCPCS Level II 2025-10 nor a CPT modifier (did you mean "
    )


def test_cli_validate_prints_warnings_and_exits_0(tmp_path: Path) -> None:
    data = example_data("J9306")
    data["modifiers"].append({"code": "JG"})
    path = write(tmp_path, data)
    result = CliRunner().invoke(app, ["validate", str(path), "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"✓ {path}: J9306 is valid with 1 warning(s); 3 required element(s) missing:"
    assert lines[1].startswith(f"  warning: {path}:")
    assert lines[1].endswith(
        " modifiers[2].code: modifier JG was terminated on 2024-12-31 (HCPCS Level II 2025-10)"
    )
    before = CliRunner().invoke(app, ["validate", str(path), "--as-of", "2024-06-01"])
    assert "warning" not in before.stdout


def test_cli_validate_rejects_a_bad_as_of_date() -> None:
    result = CliRunner().invoke(app, ["validate", str(EXAMPLES / "J9306.yaml"), "--as-of", "soon"])
    assert result.exit_code == 2
    assert "--as-of" in result.output


def test_descriptor_is_not_a_gap_when_the_hcpcs_file_has_it(tmp_path: Path) -> None:
    data = example_data("J9306")
    del data["descriptor"]
    result = CliRunner().invoke(app, ["validate", str(write(tmp_path, data))])
    assert result.exit_code == 0
    assert "- descriptor" not in result.stdout
    assert "3 required element(s) missing" in result.stdout


def test_build_refuses_an_unknown_code_and_writes_nothing(tmp_path: Path) -> None:
    data = example_data("J9306")
    data["provider_taxonomies"][1]["code"] = "207RX0203X"
    path = write(tmp_path, data)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert (
        "provider_taxonomies[1].code: 207RX0203X is not a code in Health Care Provider "
        "Taxonomy 25.1" in result.stderr
    )
    assert not out.exists()


def test_a_code_newer_than_the_hcpcs_edition_is_a_warning() -> None:
    """J0162 was added in January 2026: the ASP file lists it, the October 2025 HCPCS does not."""
    assert findings({"code": "J0162"}) == [
        "warning: code: J0162 is not in HCPCS Level II 2025-10 but is listed in ASP Medicare "
        "Part B Drug Payment Limits 2026q1: it may be newer than the shipped HCPCS edition; "
        "check its descriptor"
    ]
