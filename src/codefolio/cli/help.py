"""Help that reads well at 80 columns: Typer's Rich help, without type placeholders where the
name already says what to give (`--strict`, not `--strict <bool>`; `RECORDS...`, not
`{records}... <list[Path]>`)."""

from __future__ import annotations

import copy
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup


class _Argument(TyperArgument):
    """Shown by its metavar (by default its name in capitals) alone, in usage and in the
    argument list: `RECORDS...`, `[CODE]`."""

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        name = self.metavar or (self.name or "").upper()
        if name.startswith("["):  # a metavar that already reads as optional: `[FROM TO]`
            return name
        name = name if self.nargs == 1 else f"{name}..."
        return name if self.required or not usage else f"[{name}]"


def _quiet(params: list[Any]) -> list[Any]:
    # Typer builds its own parameter objects; moving them to the subclass above (and giving
    # an argument a type that names no `<path>` placeholder) changes how help shows them
    # and nothing else. Options need nothing: Typer shows no type for a flag.
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
            if param.metavar is None:
                param.metavar = (param.name or "").upper()
            param.type = copy.copy(param.type)
            param.type.get_metavar = lambda param, ctx: ""  # type: ignore[method-assign]
    return params


class ReadableCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet(super().get_params(ctx))


class ReadableGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet(super().get_params(ctx))


def readable_help(app: typer.Typer) -> None:
    """Give `app`, its commands and its sub-apps the readable help (call once all are
    registered). Help text is Markdown: paragraphs rewrap to the terminal, `code` stands out."""
    app.rich_markup_mode = "markdown"
    if app.info.cls in (None, TyperGroup) or not isinstance(app.info.cls, type):
        app.info.cls = ReadableGroup
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = ReadableCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            readable_help(group.typer_instance)
