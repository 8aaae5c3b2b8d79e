"""Read a record file into plain data, remembering the line of every field.

Guards against what a hostile or broken file can do to a YAML/JSON reader: huge files,
bytes that are not UTF-8, alias bombs, recursive aliases, deep nesting, duplicate keys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import yaml

from codefolio.errors import Problem, RecordError
from codefolio.fileio import UnreadableFile, read_limited
from codefolio.records.fields import SourceFloat, SourceInt, short_repr

# A record is a few kilobytes; anything this large is a wrong file, not a record.
MAX_RECORD_BYTES = 2 * 1024 * 1024
# Nodes after YAML alias expansion; a real record has a few hundred.
MAX_EXPANDED_NODES = 50_000
# Integers longer than this are kept as written rather than converted (Python refuses
# integers over 4,300 digits); no code or amount comes near it.
MAX_INT_DIGITS = 100

FieldPath = tuple[str | int, ...]
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
_FOLDER_HINT = (
    "is a folder, not a record file; name its record files (such as folder/*.yaml), or "
    "publish the whole folder with `codefolio site` or `codefolio catalog build`"
)


@dataclass
class Document:
    """Parsed record data plus the 1-based line of each value and each mapping key."""

    data: Any
    value_lines: dict[FieldPath, int] = field(default_factory=dict)
    key_lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath, *, key: bool = False) -> int | None:
        """The line of `path`, or of its nearest ancestor the file shows."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            lines = self.key_lines if key and end == len(path) else self.value_lines
            if prefix in lines:
                return lines[prefix]
        return None


def read_document(path: Path, display: str) -> Document:
    """Read and parse one record file; raise RecordError naming `display` on any failure."""
    suffix = path.suffix.lower()
    if path.is_dir():
        _fail(display, _FOLDER_HINT)
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        _fail(
            display, f"unsupported file type {path.suffix or '(none)'!r}; use .yaml, .yml or .json"
        )
    text = _read_text(path, display)
    if suffix in JSON_SUFFIXES:
        return _parse_json(text, display)
    return _parse_yaml(text, display)


def _fail(display: str, message: str, line: int | None = None) -> NoReturn:
    raise RecordError([Problem(display, message, line=line)])


def _read_text(path: Path, display: str) -> str:
    try:
        raw = read_limited(path, MAX_RECORD_BYTES, noun="record")
    except UnreadableFile as exc:
        _fail(display, str(exc))
    except FileNotFoundError:
        _fail(display, "file not found")
    except IsADirectoryError:
        _fail(display, _FOLDER_HINT)
    except OSError as exc:
        _fail(display, f"cannot be read: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(
            display,
            f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            "cannot be decoded; save the file as UTF-8",
            line,
        )
    if not text.strip():
        _fail(display, "file is empty; a record needs at least `code:`")
    return text


# libyaml's parser when PyYAML was built with it (about ten times faster), else pure Python.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RecordLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader whose integers remember their source text (see SourceInt)."""


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    if len(node.value) > MAX_INT_DIGITS:
        return str(node.value)  # no code or amount is this long; the model says what is wrong
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    return SourceInt(value, node.value)


def _json_int(text: str) -> int | Decimal:
    """Python refuses to turn thousands of digits into an int; no field wants such a number,
    and the record model says why once it sees it as a Decimal."""
    return int(text) if len(text) <= MAX_INT_DIGITS else Decimal(text)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    return SourceFloat(value, node.value)


_RecordLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_RecordLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _parse_yaml(text: str, display: str) -> Document:
    loader = _RecordLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            _fail(display, "file holds no YAML document; a record needs at least `code:`")
        _check_expansion(node, display)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if exc.problem and "another document" in exc.problem:
            _fail(display, "file holds more than one YAML document; a record file holds one", line)
        if exc.problem and "nesting depth" in exc.problem:
            _fail(display, "YAML is nested too deeply to be a record", line)
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        _fail(display, f"malformed YAML: {detail}", line)
    except yaml.YAMLError as exc:
        _fail(display, f"malformed YAML: {exc}")
    except RecursionError:
        _fail(display, "YAML is nested too deeply to be a record")
    finally:
        loader.dispose()
    document = Document(data)
    key_problems: list[Problem] = []
    _map_lines(node, (), document, key_problems, display)
    if key_problems:
        raise RecordError(key_problems)
    _check_characters(document, display)
    return document


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_characters(document: Document, display: str) -> None:
    """Refuse text holding half of a UTF-16 surrogate pair (`"\\ud800"` in JSON or YAML):
    it is not a character, and no file or terminal can take it."""
    problems: list[Problem] = []

    def visit(value: Any, path: FieldPath) -> None:
        if isinstance(value, str):
            bad = _SURROGATE.search(value)
            if bad:
                message = (
                    f"holds U+{ord(bad.group()):04X}, half of a UTF-16 surrogate pair and not a "
                    "character; remove it or write the whole character"
                )
                problems.append(
                    Problem(display, message, document.line_of(path), format_path(path) or None)
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    visit(key, path)
                else:
                    visit(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, (*path, index))

    visit(document.data, ())
    if problems:
        raise RecordError(problems)


def _check_expansion(root: yaml.Node, display: str) -> None:
    """Refuse alias bombs and recursive aliases before anything is constructed."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    aliased = False

    def size(node: yaml.Node) -> int:
        nonlocal aliased
        key = id(node)
        if key in sizes:
            aliased = True  # a node met twice is an alias of an anchor
            return sizes[key]
        if key in active:
            _fail(
                display, "YAML alias refers to itself (recursive anchor)", node.start_mark.line + 1
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        active.discard(key)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES and aliased:
            _fail(
                display,
                f"YAML anchors and aliases expand to more than {MAX_EXPANDED_NODES:,} values "
                "(an alias bomb?); write the record out without them",
                node.start_mark.line + 1,
            )
        if total > MAX_EXPANDED_NODES:
            _fail(
                display,
                f"holds more than {MAX_EXPANDED_NODES:,} values (lists, mappings and their "
                "items); a record has a few hundred: is this a record?",
                node.start_mark.line + 1,
            )
        return total

    size(root)


_KEY_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "empty",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _map_lines(
    node: yaml.Node, path: FieldPath, document: Document, problems: list[Problem], display: str
) -> None:
    document.value_lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor`; no field of its own
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key_node.tag != "tag:yaml.org,2002:str":
                problems.append(
                    Problem(
                        display,
                        f"key {short_repr(key)} is {_KEY_KINDS.get(key_node.tag, 'not text')}, "
                        "not a field name; field names are text",
                        line=line,
                        field=format_path(path) or None,
                    )
                )
            if key in first_seen:
                problems.append(
                    Problem(
                        display,
                        f"key {short_repr(key)} appears twice (first on line "
                        f"{first_seen[key]}); keep one",
                        line=line,
                        field=format_path((*path, key)),
                    )
                )
            first_seen.setdefault(key, line)
            document.key_lines.setdefault((*path, key), line)
            _map_lines(value_node, (*path, key), document, problems, display)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), document, problems, display)


def _parse_json(text: str, display: str) -> Document:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise _DuplicateKey(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_float=Decimal, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        _fail(display, f"malformed JSON: {exc.msg} (column {exc.colno})", exc.lineno)
    except _DuplicateKey as exc:
        _fail(display, f"malformed JSON: key {short_repr(exc.args[0])} appears twice in one object")
    except RecursionError:
        _fail(display, "JSON is nested too deeply to be a record")
    document = Document(data)
    # JSON is valid YAML flow syntax, so the YAML composer can tell us field lines.
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
    except (yaml.YAMLError, RecursionError):
        node = None
    if node is not None:
        _map_lines(node, (), document, [], display)
    _check_characters(document, display)
    return document


class _DuplicateKey(Exception):
    pass


def format_path(path: FieldPath) -> str:
    """`('modifiers', 1, 'code')` -> `modifiers[1].code`, the way the errors name fields."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
