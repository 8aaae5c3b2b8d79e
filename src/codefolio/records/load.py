"""Load and validate records: every problem in a file is collected, then reported at once."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from codefolio.errors import Problem, RecordError
from codefolio.records.fields import short_repr
from codefolio.records.model import CodeRecord
from codefolio.records.source import Document, FieldPath, format_path, read_document


@dataclass(frozen=True)
class LoadedRecord:
    """A valid record, the file it came from, and its parsed document (whose line map
    locates the findings of later checks)."""

    record: CodeRecord
    path: Path
    document: Document

    @property
    def origin(self) -> str:
        """Where the record came from, as messages name it."""
        return str(self.path)

    def problem(self, field: FieldPath, message: str) -> Problem:
        """A problem with `field` of this record, located at its line in the file."""
        return Problem(
            str(self.path), message, line=self.document.line_of(field), field=format_path(field)
        )


def load_record(path: Path, display: str | None = None) -> CodeRecord:
    """Read and validate one record file, raising RecordError with every problem in it."""
    return read_record(path, display).record


def read_record(path: Path, display: str | None = None) -> LoadedRecord:
    """Like load_record, keeping the parsed document for locating fields."""
    shown = display if display is not None else str(path)
    document = read_document(path, shown)
    return LoadedRecord(validate_record_data(document, shown), path, document)


def load_records(paths: Iterable[Path]) -> list[LoadedRecord]:
    """Load every file; raise one RecordError holding the problems of all invalid files."""
    loaded: list[LoadedRecord] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(read_record(path))
        except RecordError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RecordError(problems)
    return loaded


def validate_record_data(document: Document, display: str) -> CodeRecord:
    """Validate parsed data against the record model, locating each error in the file."""
    if not isinstance(document.data, dict):
        raise RecordError(
            [
                Problem(
                    display,
                    f"expected a mapping of record fields at the top level, "
                    f"got {_describe(document.data)}",
                    line=document.line_of(()),
                )
            ]
        )
    try:
        return CodeRecord.model_validate(document.data)
    except ValidationError as exc:
        problems = _problems(exc.errors(include_url=False), document, display)
        raise RecordError(problems) from None


def _problems(errors: Sequence[ErrorDetails], document: Document, display: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[FieldPath, str]] = set()
    for error in errors:
        path = _data_path(error["loc"], document.data)
        message = _message(error, path)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        is_key = error["type"] == "extra_forbidden"
        problems.append(
            Problem(
                display,
                message,
                line=document.line_of(path, key=is_key),
                field=format_path(path) or None,
            )
        )
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return problems


def _data_path(loc: tuple[int | str, ...], data: Any) -> FieldPath:
    """Keep the part of a pydantic location that names real places in the data.

    Validator and union tags (`function-after[...]`) are not fields and are dropped.
    """
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif _is_index(current, part):
            current = current[int(part)]
        else:
            if isinstance(current, dict) and isinstance(part, str) and part.isidentifier():
                path.append(part)  # a missing field: name it, then stop
            break
        path.append(part)
    return tuple(path)


def _is_index(container: Any, part: int | str) -> bool:
    return isinstance(container, list) and isinstance(part, int) and part < len(container)


def _message(error: ErrorDetails, path: FieldPath) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return _unknown_field(path)
    if kind == "missing":
        return "required field is missing"
    expected = {
        "string_type": "text",
        "list_type": "a list",
        "model_type": "a mapping of fields",
        "model_attributes_type": "a mapping of fields",
        "dict_type": "a mapping of fields",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "decimal_type": "a number",
        "decimal_parsing": "a number",
        "int_type": "a whole number",
    }.get(kind)
    if expected:
        return f"expected {expected}, got {_describe(value)}"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{short_repr(value)} is not allowed; expected {allowed}"
    if kind == "greater_than":
        return f"{short_repr(value)} must be greater than {error.get('ctx', {}).get('gt')}"
    if kind == "less_than_equal":
        limit = error.get("ctx", {}).get("le")
        return f"{short_repr(value)} is over {limit:,}, the largest amount a record may state"
    if kind == "decimal_max_places":
        places = error.get("ctx", {}).get("decimal_places")
        return f"{short_repr(value)} has more than {places} decimal places; round it"
    if kind in {"finite_number", "decimal_max_digits", "decimal_whole_digits"}:
        return f"{short_repr(value)} is not a usable number"
    return str(error["msg"]).removeprefix("Value error, ")


def _unknown_field(path: FieldPath) -> str:
    name = str(path[-1])
    allowed = _fields_at(path[:-1])
    hint = ""
    matches = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if matches:
        hint = f" (did you mean {matches[0]!r}?)"
    elif allowed:
        hint = f" (allowed here: {', '.join(sorted(allowed))})"
    return f"unknown field {short_repr(name)}{hint}"


def _fields_at(path: FieldPath) -> list[str]:
    """Field names of the model that sits at `path` in a record."""
    model: type[BaseModel] | None = CodeRecord
    for part in path:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {short_repr(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
