"""Help that reads well at 80 columns: Typer's Rich help, without type placeholders where the
name already says what to give (`--strict`, not `--strict <bool>`; `RECORDS...`, not
`{records}... <list[Path]>`)."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


class _Argument(TyperArgument):
    """Shown by its metavar (by default its name in capitals) alone, in usage and in the
    argument list: `RECORDS...`, `[CODE]`."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.nargs == 1 else f"{self.display_name_raw}..."
        return name if self.required else f"[{name}]"


class _Flag(TyperOption):
    """A flag takes no value, so none is shown."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.is_flag else super().display_type_rich(ctx)


def _quiet(params: list[Any]) -> list[Any]:
    # Typer builds its own parameter objects; moving them to the subclasses above changes
    # how help shows them and nothing else.
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Flag
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
