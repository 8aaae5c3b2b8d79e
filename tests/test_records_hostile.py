"""Hostile and careless record files: each is a clean error naming the file and field, and
what `validate` accepts every build command can publish."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from codefolio.cli.app import app
from codefolio.errors import RecordError
from codefolio.records import load_record
from tests.conftest import EXAMPLES, example_data

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load_record(path)
    return [str(problem) for problem in caught.value.problems]


def write_yaml(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_lone_surrogate_in_json_is_an_error_of_its_field(tmp_path: Path) -> None:
    record = tmp_path / "J9306.json"
    record.write_text('{"code": "J9306",\n "descriptor": "\\ud800x"}', encoding="utf-8")
    assert problems_of(record) == [
        f"{record} descriptor: holds U+D800, half of a UTF-16 surrogate pair and not a "
        "character; remove it or write the whole character"
    ]


def test_a_lone_surrogate_in_a_key_is_an_error(tmp_path: Path) -> None:
    record = tmp_path / "J9306.json"
    record.write_text('{"code": "J9306", "\\udfff": 1}', encoding="utf-8")
    assert "holds U+DFFF" in problems_of(record)[0]


@pytest.mark.parametrize("command", ["validate", "build", "site", "catalog build"])
def test_a_lone_surrogate_is_a_clean_error_for_every_command(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "J9306.json").write_text('{"code": "J9306", "descriptor": "\\ud800"}')
    (folder / "J9355.yaml").write_bytes((EXAMPLES / "J9355.yaml").read_bytes())
    out = tmp_path / "out"
    target = str(folder / "J9306.json") if command in ("validate", "build") else str(folder)
    code, stdout, stderr = run(
        *command.split(), target, *(["-o", str(out)] if command != "validate" else [])
    )
    assert code == 1
    assert "holds U+D800" in stderr
    assert "Traceback" not in stdout + stderr
    if command == "catalog build":  # the other record is still published
        assert (out / "J9355.html").is_file()


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_an_integer_of_thousands_of_digits_is_an_amount_error(tmp_path: Path, suffix: str) -> None:
    digits = "9" * 5000
    record = tmp_path / f"J9306{suffix}"
    record.write_text(
        '{"code": "J9306", "drug": {"doses": [{"label": "a", "unit": "mg", "amount": '
        f"{digits}}}]}}}}",
        encoding="utf-8",
    )
    [problem] = problems_of(record)
    assert "drug.doses[0].amount: " in problem
    assert problem.endswith("... is over 1,000,000,000, the largest amount a record may state")
    assert len(problem) < 250


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("drug", "billing_unit"),
            "0 mg",
            "the billing unit's amount must be a number greater than 0",
        ),
        (
            ("drug", "billing_unit"),
            "up to 0 mg",
            "the billing unit's amount must be a number greater than 0",
        ),
        (
            ("drug", "billing_unit"),
            "per 0 ml",
            "the billing unit's amount must be a number greater than 0",
        ),
        (
            ("drug", "billing_unit"),
            "1" * 300 + " mg",
            "the billing unit's amount is over 1,000,000,000",
        ),
        (
            ("drug", "billing_unit"),
            "0.0000001 mg",
            "the billing unit's amount has more than 6 decimal places",
        ),
        (
            ("drug", "concentration"),
            "4" * 400 + " mg/ml",
            "the concentration's amount is over 1,000,000,000",
        ),
        (
            ("drug", "concentration"),
            "4 mg/0.0000001 ml",
            "the concentration's volume has more than 6",
        ),
        (("drug", "doses", 0, "amount"), "1e25", "'1e25' is over 1,000,000,000"),
        (("drug", "packages", 0, "amount"), "1e-308", "'1e-308' has more than 6 decimal places"),
        (("drug", "packages", 0, "ndc_quantity"), "1e308", "'1e308' is over 1,000,000,000"),
        (("drug", "packages", 0, "ndc_quantity"), "0", "'0' must be greater than 0"),
    ],
)
def test_amounts_out_of_bounds_are_errors(
    tmp_path: Path, path: tuple[str | int, ...], value: str, message: str
) -> None:
    data = example_data("J9306")
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    record = write_yaml(tmp_path / "J9306.yaml", data)
    [problem] = problems_of(record)
    assert message in problem
    code, stdout, stderr = run("build", str(record), "-o", str(tmp_path / "out"))
    assert (code, "Traceback" in stdout + stderr) == (1, False)
    assert not (tmp_path / "out").exists()


def test_amounts_at_the_bounds_are_published_in_every_format(tmp_path: Path) -> None:
    """What validate accepts, build computes with: the extreme amounts of every field."""
    data = example_data("J9306")
    # A not-otherwise-classified code: its descriptor states no billing unit to contradict.
    data.update(code="J9999", descriptor="Not otherwise classified, antineoplastic drugs")
    drug = data["drug"]
    drug["billing_unit"] = "0.000001 mcg"
    drug["concentration"] = "1000000000 g/0.000001 ml"
    package = drug["packages"][0]
    package.update(amount="1000000000", unit="g", ndc_unit="ML", ndc_quantity="0.000001")
    drug["doses"] = [
        {"label": "largest", "amount": "1000000000", "unit": "g"},
        {"label": "smallest", "amount": "0.000001", "unit": "mcg"},
        {"label": "by volume", "amount": "999999999.999999", "unit": "ml"},
    ]
    record = write_yaml(tmp_path / "J9999.yaml", data)
    code, stdout, stderr = run("validate", str(record))
    assert code == 0, stdout + stderr
    out = tmp_path / "out"
    code, stdout, stderr = run("build", str(record), "-o", str(out), "-f", "md,txt,html,json,pdf")
    assert code == 0
    assert all(line.startswith("warning: ") for line in stderr.splitlines())
    assert sorted(p.name for p in out.iterdir()) == [
        f"J9999.{fmt}" for fmt in ("html", "json", "md", "pdf", "txt")
    ]
    assert "1,000,000,000,000,000,000,000 units" in (out / "J9999.txt").read_text()


def test_a_record_that_links_to_a_device_is_refused_unread(tmp_path: Path) -> None:
    record = tmp_path / "J9306.yaml"
    record.symlink_to("/dev/zero")
    assert problems_of(record) == [
        f"{record}: is not a regular file (a device, FIFO or socket); a record is a plain file"
    ]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    record = tmp_path / "x.yaml"
    os.mkfifo(record)
    code, _, stderr = run("validate", str(record))
    assert code == 1
    assert "x.yaml: is not a regular file (a device, FIFO or socket)" in stderr


def test_a_file_that_grows_past_the_limit_is_cut_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size is checked on the bytes read, not only on what stat says."""
    from codefolio.records import source

    monkeypatch.setattr(source, "MAX_RECORD_BYTES", 100)
    record = tmp_path / "J9306.yaml"
    record.write_text("code: J9306\n" + "# comment\n" * 20, encoding="utf-8")
    assert problems_of(record) == [
        f"{record}: file is 212 bytes; a record may be at most 100 bytes"
    ]


def test_a_folder_given_to_build_points_to_site_and_catalog_build(tmp_path: Path) -> None:
    code, _, stderr = run("build", str(EXAMPLES), "-o", str(tmp_path / "out"))
    assert code == 1
    assert stderr == (
        f"error: 1 problem in {EXAMPLES}\n  {EXAMPLES}: is a folder, not a record file; name its "
        "record files (such as folder/*.yaml), or publish the whole folder with `codefolio site` "
        "or `codefolio catalog build`\n"
    )


def test_a_long_invalid_code_is_echoed_cut_short(tmp_path: Path) -> None:
    record = write_yaml(tmp_path / "x.yaml", {"code": "J" * 5000})
    [problem] = problems_of(record)
    assert problem == (
        f"{record}:1 code: 'JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ... is not a "
        "valid billing code (expected a HCPCS Level II code such as J9306 or a CPT code such as "
        "96413)"
    )


@pytest.mark.parametrize("command", ["validate", "build", "site", "scaffold"])
def test_an_output_name_over_255_characters_is_a_clean_error(tmp_path: Path, command: str) -> None:
    out = tmp_path / ("x" * 300)
    args = {
        "validate": ["validate", str(EXAMPLES / "J9306.yaml")],
        "build": ["build", str(EXAMPLES / "J9306.yaml"), "-o", str(out)],
        "site": ["site", str(EXAMPLES), "-o", str(out)],
        "scaffold": ["scaffold", "--codes", "J9306", "-o", str(out)],
    }[command]
    code, stdout, stderr = run(*args)
    if command == "validate":
        assert code == 0
        return
    assert code == 1
    assert stderr.startswith(f"error: {out}")
    assert "File name too long" in stderr
    assert "Traceback" not in stdout + stderr


def test_validate_with_an_unusable_cache_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("CODEFOLIO_CACHE_DIR", str(tmp_path / "file" / "cache"))
    code, stdout, stderr = run("validate", str(EXAMPLES / "J9306.yaml"))
    assert (code, stdout) == (1, "")
    assert stderr.startswith(f"error: cannot write the reference data store in {tmp_path}")
    assert "Traceback" not in stderr


def test_bare_yaml_decimals_in_benchmarks_keep_their_text(tmp_path: Path) -> None:
    record = tmp_path / "J9306.yaml"
    record.write_text(
        "code: J9306\nbenchmarks:\n- {label: a, value: 1.50}\n"
        "- {label: b, value: 12345678901234567890.123456789}\n- {label: c, value: 840}\n",
        encoding="utf-8",
    )
    values = [b.value for b in load_record(record).benchmarks]
    assert values == ["1.50", "12345678901234567890.123456789", "840"]


def test_a_long_plain_list_is_refused_for_its_size_not_as_an_alias_bomb(tmp_path: Path) -> None:
    record = tmp_path / "J9306.yaml"
    record.write_text("code: J9306\ndocumentation:\n" + "- a\n" * 100_000, encoding="utf-8")
    assert problems_of(record) == [
        f"{record}:3: holds more than 50,000 values (lists, mappings and their items); a record "
        "has a few hundred: is this a record?"
    ]


def test_an_alias_bomb_is_still_named_as_one(tmp_path: Path) -> None:
    record = tmp_path / "J9306.yaml"
    lines = ["code: J9306", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{p}: &{p} [*{q}, *{q}, *{q}, *{q}, *{q}, *{q}, *{q}, *{q}, *{q}, *{q}]"
        for q, p in zip("abcde", "bcdef", strict=True)
    ]
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(record)
    assert "YAML anchors and aliases expand to more than 50,000 values (an alias bomb?)" in problem


def test_a_long_unknown_field_name_is_echoed_cut_short(tmp_path: Path) -> None:
    record = write_yaml(tmp_path / "x.yaml", {"code": "J9306", "k" * 5000: 1})
    [problem] = problems_of(record)
    assert f"unknown field '{'k' * 56}... (allowed here: " in problem
    assert len(problem) < len(str(tmp_path)) + 500


def test_a_full_disk_during_build_says_which_files_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from codefolio import build as build_module

    written: list[Path] = []

    def fill_up(path: Path, data: bytes) -> None:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    monkeypatch.setattr(build_module, "write_atomic", fill_up)
    out = tmp_path / "out"
    code, _, stderr = run(
        "build", str(EXAMPLES / "J9306.yaml"), "-o", str(out), "-f", "md,txt,html"
    )
    assert code == 1
    assert stderr == (
        f"error: {out / 'J9306.html'}: cannot write: No space left on device; written: "
        f"{out / 'J9306.md'}, {out / 'J9306.txt'}; not written: {out / 'J9306.html'}\n"
    )


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_bidirectional_override_controls_are_refused(tmp_path: Path, control: str) -> None:
    """They make text read otherwise than it is, and one before a long word took the PDF
    layout minutes (41 s for 2,000 characters)."""
    data = example_data("J9306")
    data["payers"][0]["notes"] = control + "y" * 2000
    record = write_yaml(tmp_path / "J9306.yaml", data)
    [problem] = problems_of(record)
    assert problem.endswith(
        f"payers[0].notes: contains the control character U+{ord(control):04X}; remove it"
    )


def test_right_to_left_letters_and_marks_are_text(tmp_path: Path) -> None:
    data = example_data("J9306")
    data["payers"][0]["notes"] = "\u05d0\u05d1 \u200f note"
    record = write_yaml(tmp_path / "J9306.yaml", data)
    assert load_record(record).payers[0].notes == "\u05d0\u05d1 \u200f note"
