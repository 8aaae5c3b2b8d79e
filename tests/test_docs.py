"""The README matches the code: commands, make targets, required elements."""

from __future__ import annotations

import re

from codefolio.cli.app import app
from codefolio.records.required import REQUIRED_ELEMENTS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_setup_commands() -> None:
    setup = README.split("## Set up", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", setup, flags=re.MULTILINE)
    assert commands == ["make run", "make test"]


def test_every_cli_command_is_documented_with_help() -> None:
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__
        assert f"`codefolio {name} " in README, name
        assert command.callback.__doc__, name


def test_every_cli_sub_command_is_documented_with_help() -> None:
    groups = [(group.name, group.typer_instance) for group in app.registered_groups]
    assert groups, "the CLI has sub-apps (codefolio refdata ...)"
    for group_name, sub_app in groups:
        assert group_name and sub_app is not None
        assert sub_app.info.help, group_name
        assert sub_app.registered_commands, group_name
        for command in sub_app.registered_commands:
            assert command.callback is not None
            name = command.name or command.callback.__name__
            # A sub-command is named in full, optionally followed by its arguments.
            assert re.search(rf"`codefolio {group_name} {name}[ `]", README), name
            assert command.callback.__doc__, name


def test_every_make_target_in_the_readme_exists() -> None:
    documented = set(re.findall(r"`make (\w+)`", README))
    assert documented == {"run", "test", "fuzz", "lint", "golden", "bench"}
    for target in documented:
        assert re.search(rf"^{target}:", MAKEFILE, flags=re.MULTILINE), target


def test_required_elements_are_documented() -> None:
    section = README.split("**Required elements**", 1)[1].split("\n\n", 1)[0]
    for element in REQUIRED_ELEMENTS:
        assert f"`{element.field}`" in section, element.field


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
