"""The `codefolio` command: exact messages, exit codes, and nothing half-written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codefolio import __version__
from codefolio.cli.app import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_md_and_txt(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "build", str(EXAMPLES / "J9306.yaml"), "-o", str(tmp_path), "--format", "md,txt"
    )
    assert (code, stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["J9306.md", "J9306.txt"]
    assert "2 files written" in stdout
    text = (tmp_path / "J9306.txt").read_text(encoding="utf-8")
    assert text.startswith("HCPCS Level II J9306: Injection, pertuzumab, 1 mg\n" + "=" * 80)
    assert "\n1. Summary & Overview\n=====================\n" in text


def test_build_every_format_from_one_compose(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "build", str(EXAMPLES / "J9306.yaml"), "-o", str(tmp_path), "-f", "md,txt,html,pdf,json"
    )
    assert (code, stderr) == (0, "")
    assert "5 files written" in stdout
    names = ["J9306.html", "J9306.json", "J9306.md", "J9306.pdf", "J9306.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert (tmp_path / "J9306.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "J9306.pdf").read_bytes().startswith(b"%PDF-")
    assert json.loads((tmp_path / "J9306.json").read_text(encoding="utf-8"))["code"] == "J9306"


def test_schema_prints_the_publication_json_schema() -> None:
    code, stdout, stderr = run("schema")
    assert (code, stderr) == (0, "")
    schema = json.loads(stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Publication"
    assert schema["required"] == ["code", "code_system", "title", "edition", "sections"]


def test_build_one_format_and_several_records(tmp_path: Path) -> None:
    code, _, _ = run(
        "build",
        str(EXAMPLES / "J9306.yaml"),
        str(EXAMPLES / "J9355.yaml"),
        "-o",
        str(tmp_path),
        "-f",
        "txt",
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["J9306.txt", "J9355.txt"]


def test_build_replaces_existing_files_and_leaves_no_temp_files(tmp_path: Path) -> None:
    (tmp_path / "J9306.md").write_text("old", encoding="utf-8")
    assert run("build", str(EXAMPLES / "J9306.yaml"), "-o", str(tmp_path))[0] == 0
    assert (tmp_path / "J9306.md").read_text(encoding="utf-8").startswith("# HCPCS Level II J9306")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["J9306.md", "J9306.txt"]


BAD_INPUTS = {
    "malformed.yaml": b"code: J9306\nmodifiers: [JW\n",
    "wrong-type.yaml": b"code: J9306\npayers: Aetna\n",
    "unknown-field.yaml": b"code: J9306\nmodifers: []\n",
    "empty.yaml": b"",
    "latin1.yaml": b"code: J9306\ndescriptor: Inj\xe9ction\n",
    "bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n".encode()
        for p, n in zip("abcdef", "bcdefg", strict=True)
    )
    + b"code: J9306\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_build_refuses_bad_input_and_writes_nothing(tmp_path: Path, name: str) -> None:
    record = tmp_path / name
    record.write_bytes(BAD_INPUTS[name])
    out = tmp_path / "out"
    code, stdout, stderr = run("build", str(record), "-o", str(out))
    assert code == 1
    assert stderr.startswith(f"error: 1 problem in {record}\n  {record}")
    assert "Traceback" not in stderr + stdout
    assert not out.exists()


def test_build_huge_file(tmp_path: Path) -> None:
    record = tmp_path / "huge.yaml"
    with record.open("wb") as handle:
        handle.write(b"code: J9306\n")
        handle.truncate(50 * 1024 * 1024)
    code, _, stderr = run("build", str(record), "-o", str(tmp_path / "out"))
    assert code == 1
    assert "huge.yaml: file is 52,428,800 bytes; a record may be at most 2,097,152 bytes" in stderr
    assert not (tmp_path / "out").exists()


def test_one_bad_record_blocks_the_whole_build(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: J9306\ndescriptor: 1\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "J9355.md").write_text("previous edition", encoding="utf-8")
    code, _, stderr = run("build", str(EXAMPLES / "J9355.yaml"), str(bad), "-o", str(out))
    assert code == 1
    assert f"{bad}:2 descriptor: expected text, got the number 1" in stderr
    assert [p.name for p in out.iterdir()] == ["J9355.md"]
    assert (out / "J9355.md").read_text(encoding="utf-8") == "previous edition"


def test_two_records_for_one_code_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.yaml"
    shutil.copy(EXAMPLES / "J9355.yaml", copy)
    code, _, stderr = run(
        "build", str(EXAMPLES / "J9355.yaml"), str(copy), "-o", str(tmp_path / "out")
    )
    assert code == 1
    assert f"{copy} code: code J9355 is also the code of {EXAMPLES / 'J9355.yaml'}" in stderr


def test_unknown_format(tmp_path: Path) -> None:
    code, _, stderr = run(
        "build", str(EXAMPLES / "J9306.yaml"), "-o", str(tmp_path / "o"), "--format", "md,docx"
    )
    assert (code, stderr) == (
        1,
        "error: unknown output format 'docx'; choose from md, txt, html, pdf, json\n",
    )
    assert not (tmp_path / "o").exists()


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    code, _, stderr = run("build", str(EXAMPLES / "J9306.yaml"), "-o", str(target))
    assert (code, stderr) == (1, f"error: {target}: output path exists and is not a directory\n")


def test_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / "file" / "sub"
    code, _, stderr = run("build", str(EXAMPLES / "J9306.yaml"), "-o", str(out))
    assert code == 1
    assert stderr == (
        f"error: {out / 'J9306.md'}: cannot write: Not a directory; nothing was written\n"
    )


def test_validate_valid_records() -> None:
    code, stdout, stderr = run(
        "validate", str(EXAMPLES / "J9306.yaml"), str(EXAMPLES / "J9355.yaml")
    )
    assert (code, stderr) == (0, "")
    assert stdout == (
        f"✓ {EXAMPLES / 'J9306.yaml'}: J9306 is valid; 3 required element(s) missing:\n"
        "  - payers[1].coverage: Coverage details for Blue Cross Blue Shield\n"
        "  - payers[2].coverage: Coverage details for Cigna Health\n"
        "  - payers[3].coverage: Coverage details for UnitedHealthcare\n"
        f"✓ {EXAMPLES / 'J9355.yaml'}: J9355 is valid; no required element is missing\n"
        "2 records checked: 2 valid, 0 invalid\n"
    )


def test_validate_lists_missing_elements_and_errors(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.yaml"
    sparse.write_text("code: J9000\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: J9306\nmodifiers:\n  - code: J W\n", encoding="utf-8")
    code, stdout, stderr = run("validate", str(sparse), str(bad))
    assert code == 1
    assert stdout == (
        f"✓ {sparse}: J9000 is valid; 8 required element(s) missing:\n"
        "  - service_type: Service type\n"
        "  - sites_of_service: Sites of service\n"
        "  - clinical_context: Clinical context\n"
        "  - modifiers: Modifiers\n"
        "  - provider_taxonomies: Provider taxonomies\n"
        "  - payers: Payers\n"
        "  - diagnoses: Diagnoses\n"
        "  - administration_codes: Administration codes\n"
        "2 records checked: 1 valid, 1 invalid\n"
    )
    assert stderr == (
        f"✗ 1 problem in {bad}\n"
        f"  {bad}:3 modifiers[0].code: 'J W' is not a valid modifier code "
        "(expected two letters or digits, such as JW or 59)\n"
    )


def test_messages_with_markup_characters_are_printed_verbatim(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: J9306\n'[bold]x[/bold]': 1\n", encoding="utf-8")
    _, _, stderr = run("validate", str(bad))
    assert "unknown field '[bold]x[/bold]'" in stderr


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["site"], ["schema"]])
def test_help(command: list[str]) -> None:
    code, stdout, _ = run(*command, "--help")
    assert code == 0
    assert "Usage:" in stdout


def test_version() -> None:
    assert run("--version")[:2] == (0, f"codefolio {__version__}\n")


def test_missing_argument_is_a_usage_error() -> None:
    code, _, stderr = run("build")
    assert code == 2
    assert "Missing argument" in stderr


def command_paths() -> list[list[str]]:
    paths = [[]] + [[c.name or c.callback.__name__] for c in app.registered_commands if c.callback]
    for group in app.registered_groups:
        assert group.name and group.typer_instance
        paths.append([group.name])
        paths += [
            [group.name, c.name or c.callback.__name__]
            for c in group.typer_instance.registered_commands
            if c.callback
        ]
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda path: " ".join(path) or "codefolio")
def test_help_reads_well_at_80_columns(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "<bool>" not in result.stdout and "<list" not in result.stdout
    assert not re.search(r"\{\w+\}", lines[1]), lines[1]  # usage: RECORDS..., not {records}...
    # A one-line summary right under the usage line, and an example to copy.
    summary = next(line.strip() for line in lines[2:5] if line.strip())
    assert summary.endswith(".") and len(summary) <= 78, summary
    assert re.search(r"^ Example: codefolio ", result.stdout, flags=re.MULTILINE)


def test_usage_names_arguments_by_what_they_hold() -> None:
    result = CliRunner().invoke(app, ["build", "--help"], env={"COLUMNS": "80"})
    assert "Usage: codefolio build [OPTIONS] RECORDS..." in result.stdout
    code, _, stderr = run("build")
    assert code == 2 and "Missing argument 'RECORDS'." in stderr
