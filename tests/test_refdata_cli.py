"""`codefolio lookup` and `codefolio refdata`: tables, JSON, inferred kinds, exact errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from codefolio.cli.app import app
from codefolio.refdata.report import CPT_NOTE

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "title", "facts"),
    [
        (["J9306"], "hcpcs J9306", ["Injection, pertuzumab, 1 mg", "hcpcs@2025-10", "840 (MAI 3",
            "mue@2026-04-01", "$17.012 per 1 MG", "asp@2026q1", "SI K, APC 1471", "opps@2025-10",
            "50242-0145-01 Perjeta", "asp-ndc@2026q1"]),
        (["jw", "--kind", "modifier"], "modifier JW", ["Drug amount discarded"]),
        (["JG"], "modifier JG", ["2024-12-31"]),
        (["11"], "pos 11", ["Office", "pos@2024-05-02"]),
        (["22", "-k", "pos"], "pos 22", ["On Campus-Outpatient Hospital"]),
        (["207RX0202X"], "taxonomy 207RX0202X", ["Medical Oncology Physician", "nucc@25.1"]),
        (["c50.011"], "icd10 C50.011", ["Malignant neoplasm of nipple", "icd10cm@2026-04-01"]),
        (["C50011", "--kind", "icd10"], "icd10 C50.011", ["True"]),
        (["50242-145-01"], "ndc 50242-0145-01", ["420 billing units", "asp-ndc@2026q1"]),
    ],
)  # fmt: skip
def test_lookup_prints_a_table(args: list[str], title: str, facts: list[str]) -> None:
    code, stdout, stderr = run("lookup", *args)
    assert (code, stderr) == (0, "")
    assert stdout.strip().startswith(title)
    flat = " ".join(stdout.split())
    for fact in facts:
        assert " ".join(fact.split()) in flat, fact


def test_lookup_cpt_shows_mue_and_opps_and_says_descriptors_are_not_shipped() -> None:
    code, stdout, _ = run("lookup", "96413")
    assert code == 0
    flat = " ".join(stdout.split())
    assert "MUE practitioner │ 1 (MAI 3" in flat
    assert "SI S, APC 5694, rate $331.690" in flat
    assert "note: CPT descriptors are not shipped (AMA copyright)" in flat
    assert "long_description" not in flat


def test_lookup_json() -> None:
    code, stdout, _ = run("lookup", "J9306", "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["kind"] == "hcpcs"
    assert data["record"]["long_description"] == "Injection, pertuzumab, 1 mg"
    assert [(m["setting"], m["value"]) for m in data["mue"]] == [
        ("practitioner", 840),
        ("outpatient_hospital", 840),
        ("dme_supplier", 0),
    ]
    assert (data["asp"]["quarter"], data["asp"]["payment_limit"]) == ("2026q1", "17.012")
    assert data["opps"]["status_indicator"] == "K"
    assert data["ndc_packages"][0]["billing_units_per_package"] == "420"


@pytest.mark.parametrize(
    ("args", "key", "value"),
    [
        (["JZ", "--json"], "kind", "modifier"),
        (["11", "--json"], "kind", "pos"),
        (["207RX0202X", "--json"], "kind", "taxonomy"),
        (["C50.011", "--json"], "code", "C50.011"),
        (["50242014501", "--json"], "code", "50242-0145-01"),
        (["96413", "--json"], "notes", [CPT_NOTE]),
    ],
)  # fmt: skip
def test_lookup_json_of_each_kind(args: list[str], key: str, value: object) -> None:
    code, stdout, _ = run("lookup", *args)
    assert code == 0
    assert json.loads(stdout)[key] == value


def test_unknown_code_names_kind_and_nearest() -> None:
    code, stdout, stderr = run("lookup", "J9998")
    assert (code, stdout) == (1, "")
    assert stderr == (
        "error: unknown HCPCS/CPT code 'J9998' (kind hcpcs); "
        "did you mean J9999, J9600, J9400, J9395, J9394?\n"
    )


def test_unknown_modifier_with_explicit_kind() -> None:
    code, _, stderr = run("lookup", "zz", "--kind", "modifier")
    assert code == 1
    assert stderr.startswith("error: unknown HCPCS modifier 'ZZ' (kind modifier); did you mean ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hello world"], "error: cannot tell what kind of code 'hello world' is"),
        (
            ["5024201450"],
            "error: NDC '5024201450' is 10 digits without hyphens, which is ambiguous",
        ),
        (["J9306", "--kind", "cpt"], "error: unknown kind of code 'cpt' (expected one of hcpcs,"),
    ],
)
def test_lookup_refuses_what_it_cannot_answer(args: list[str], message: str) -> None:
    code, _, stderr = run("lookup", *args)
    assert code == 1
    assert stderr.startswith(message)


def test_refdata_build_prints_path_rows_and_time() -> None:
    code, stdout, _ = run("refdata", "build")
    assert code == 0
    flat = " ".join(stdout.split())
    assert "refdata.sqlite3 in " in flat
    assert "hcpcs │ 8,463" in flat
    assert "asp_ndc │ 66,030" in flat
    # the lookups that follow use the rebuilt store
    assert run("lookup", "J9306", "--json")[0] == 0


def test_refdata_info_lists_the_data_sets() -> None:
    code, stdout, _ = run("refdata", "info")
    assert code == 0
    for dataset_id in ("hcpcs", "pos", "nucc", "icd10cm", "mue", "asp", "asp-ndc", "opps"):
        assert f"│ {dataset_id} " in stdout
    rows = [line for line in stdout.splitlines() if line.startswith("│ asp ")]
    assert [line.split("│")[2].strip() for line in rows] == [
        f"{year}q{quarter}" for year in (2024, 2025) for quarter in (1, 2, 3, 4)
    ] + ["2026q1"]
    assert all("│ shipped │" in line for line in rows)


@pytest.mark.parametrize(
    "args", [["59"], ["59", "--kind", "modifier"], ["XS", "--kind", "modifier"]]
)
def test_cpt_modifiers_are_looked_up_by_number(args: list[str]) -> None:
    code, stdout, stderr = run("lookup", *args)
    assert (code, stderr) == (0, "")
    if args[0] == "59":
        assert stdout == (
            "modifier 59\nnote: 59 is a CPT modifier (AMA CPT, Appendix A), which records may use "
            "by number; its descriptor is in the AMA CPT code set and is not shipped (AMA "
            "copyright)\n"
        )
    else:  # a HCPCS Level II modifier is still the HCPCS file's row
        assert "hcpcs@" in stdout


def test_a_place_of_service_that_is_also_a_cpt_modifier_says_so() -> None:
    code, stdout, _ = run("lookup", "22")
    assert code == 0
    assert "On Campus-Outpatient Hospital" in stdout
    assert stdout.endswith("note: 22 is also a CPT modifier; pass --kind modifier for it\n")
    code, stdout, _ = run("lookup", "22", "--kind", "modifier")
    assert (code, stdout.splitlines()[0]) == (0, "modifier 22")
    code, _, stderr = run("lookup", "59", "--kind", "pos")
    assert (code, stderr.startswith("error: unknown Place of Service code '59'")) == (1, True)
