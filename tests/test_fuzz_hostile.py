"""Fuzzing every command with hostile records, sheets and catalogue manifests.

For every input: a clean error (exit 1, no traceback) or complete output; never a file
written or removed outside the output folder; in a catalogue, the other records are still
published. `make test` runs a few examples of each; `make fuzz` runs many (the profile is
chosen by CODEFOLIO_FUZZ=ci|long; see the README, Development).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from codefolio.catalog.build import build_catalog
from codefolio.catalog.manifest import MANIFEST_NAME
from codefolio.cli.app import app
from codefolio.records.sheet import COLUMNS
from tests.conftest import EXAMPLES, example_data

settings.register_profile(
    "fuzz-ci",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz-long", parent=settings.get_profile("fuzz-ci"), max_examples=500)
FUZZ = settings.get_profile(f"fuzz-{os.environ.get('CODEFOLIO_FUZZ', 'ci')}")

runner = CliRunner()
FORMATS = "md,txt,html,json"

# Stands for an integer of 5,000 digits, written into the file as a bare number (Python
# itself refuses to turn it into text).
_HUGE = "__huge_integer__"

# Values an attacker or a careless editor puts where a field is expected.
_HOSTILE_TEXT = st.sampled_from(
    [
        "../../victim/important",
        "/srv/victim/important",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "\x1b[31mred",
        "\x9b31m",
        "\ud800",
        "\u202e" + "y" * 2000,
        "\r\n",
        "",
        " ",
        "0 mg",
        "up to 0 mg",
        "per 0 ml",
        "1e25 mg",
        "1" * 400 + " mg",
        "4" * 400 + " mg/ml",
        "0.0000001 mg",
        "1e-308",
        "1e308",
        "NaN",
        "-1",
        "J" * 5000,
        "9" * 5000,
        "JW",
        "59",
        "X0000",
        "C50.011",
        "50242-0145-01",
        "; ; :",
    ]
)
_SCALARS = st.one_of(
    _HOSTILE_TEXT,
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=10),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.just(_HUGE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_HOSTILE_TEXT, st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a record a value can be put (each field, each item)."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


_J9306 = example_data("J9306")
_PLACES = [path for path in _paths(_J9306) if path]


@st.composite
def hostile_records(draw: st.DrawFn) -> dict[str, Any]:
    """The example record with a few of its fields or items replaced by hostile values."""
    data = copy.deepcopy(_J9306)
    for path in draw(st.lists(st.sampled_from(_PLACES), min_size=1, max_size=3)):
        target: Any = data
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = draw(_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed the place
    return data


def _dump(data: Any, as_json: bool) -> bytes:
    text = json.dumps(data, default=str, ensure_ascii=True)
    if not as_json:
        text = yaml.safe_dump(json.loads(text), allow_unicode=False)
    return text.replace(f'"{_HUGE}"', "9" * 5000).replace(_HUGE, "9" * 5000).encode("utf-8")


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder per example, with a victim folder beside where outputs go."""
    root = Path(tempfile.mkdtemp(prefix="codefolio-fuzz-"))
    try:
        victim = root / "victim"
        victim.mkdir()
        for name in ("important", "J9306.md", "site.css", "index.html"):
            (victim / name).write_text(f"victim {name}", encoding="utf-8")
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _snapshot(root: Path, out: Path) -> dict[str, str]:
    """Every file under `root` outside `out`, with a digest of its bytes."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and not path.is_relative_to(out)
    }


def invoke(root: Path, out: Path, *args: str) -> Result:
    """Run a command; assert it ended cleanly and touched nothing outside `out`."""
    before = _snapshot(root, out)
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), (args, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert _snapshot(root, out) == before, args
    return result


@FUZZ
@given(data=hostile_records(), as_json=st.booleans())
def test_hostile_records_for_every_command(data: dict[str, Any], as_json: bool) -> None:
    with workspace() as root:
        records = root / "records"
        records.mkdir()
        record = records / f"J9306.{'json' if as_json else 'yaml'}"
        record.write_bytes(_dump(data, as_json))
        shutil.copy(EXAMPLES / "J9355.yaml", records / "J9355.yaml")
        none = root / "none"

        invoke(root, none, "validate", str(record))

        out = root / "out"
        built = invoke(root, out, "build", str(record), "-o", str(out), "-f", FORMATS)
        if built.exit_code == 0:
            code = next(out.iterdir()).stem
            assert sorted(p.name for p in out.iterdir()) == sorted(
                f"{code}.{fmt}" for fmt in FORMATS.split(",")
            )
        else:
            assert not out.exists()

        site = root / "site"
        invoke(root, site, "site", str(records), "-o", str(site))

        catalog = root / "catalog"
        invoke(root, catalog, "catalog", "build", str(records), "-o", str(catalog), "-j", "1")
        for fmt in ("md", "html", "json"):  # the good record is published whatever the other
            assert (catalog / f"J9355.{fmt}").is_file()


_CELLS = st.one_of(
    _HOSTILE_TEXT,
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
    st.sampled_from(["J9306", "J9355", "96413", "11; 22", "JW: usage; 59", "Dose: 840 mg"]),
)


@FUZZ
@given(
    columns=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6, unique=True),
    rows=st.lists(st.lists(_CELLS, min_size=0, max_size=7), max_size=4),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_hostile_csv_sheets(columns: list[str], rows: list[list[str]], line_end: str) -> None:
    import csv
    import io

    header = ["code", *(c for c in columns if c != "code")]
    with workspace() as root:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator=line_end)
        writer.writerow(header)
        writer.writerow(["J9355", *([""] * (len(header) - 1))])
        for row in rows:
            writer.writerow(row)
        sheet = root / "catalogue.csv"
        sheet.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
        if "\ud800" in buffer.getvalue():
            sheet.write_bytes(buffer.getvalue().encode("utf-8", "replace"))
        catalog = root / "catalog"
        invoke(root, catalog, "catalog", "build", str(sheet), "-o", str(catalog), "-j", "1")
        assert (catalog / "J9355.html").is_file()


@FUZZ
@given(
    cells=st.lists(
        st.lists(
            st.one_of(_CELLS, st.integers(-(10**15), 10**15), st.floats(), st.booleans()),
            max_size=5,
        ),
        max_size=3,
    ),
    hidden_first=st.booleans(),
)
def test_hostile_xlsx_sheets(cells: list[list[Any]], hidden_first: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    with workspace() as root:
        workbook = Workbook()
        first = workbook.active
        assert first is not None
        first.append(["code", "descriptor", "service_type", "modifiers", "drug.doses"])
        first.append(["J9355"])
        for row in cells:
            try:
                first.append(row)
            except (ValueError, TypeError, IllegalCharacterError):
                continue  # openpyxl itself refuses the value (control characters)
        if hidden_first:
            decoy = workbook.create_sheet("Decoy", 0)
            decoy.append(["code"])
            decoy.append(["J9041"])
            decoy.sheet_state = "veryHidden"
            workbook.active = 1
        sheet = root / "catalogue.xlsx"
        workbook.save(sheet)
        catalog = root / "catalog"
        result = invoke(
            root, catalog, "catalog", "build", str(sheet), "-o", str(catalog), "-j", "1"
        )
        # A cell openpyxl writes as an XML character reference that XML forbids (a lone
        # surrogate) makes the worksheet unreadable: the whole sheet is refused, cleanly.
        unreadable = "is not a readable XLSX workbook: ParseError" in result.stderr
        assert (catalog / "J9355.html").is_file() or unreadable, result.output
        assert not (catalog / "J9041.html").exists()  # never the hidden sheet's


@pytest.fixture(scope="module")
def built_catalogue() -> Iterator[tuple[Path, Path]]:
    """Records and a catalogue built from them, copied fresh for every example."""
    root = Path(tempfile.mkdtemp(prefix="codefolio-fuzz-catalogue-"))
    records = root / "records"
    records.mkdir()
    for name in ("J9306.yaml", "J9355.yaml"):
        shutil.copy(EXAMPLES / name, records / name)
    catalog = root / "catalog"
    assert build_catalog(records, catalog, ["md", "html", "json"], workers=1).ok
    yield records, catalog
    shutil.rmtree(root, ignore_errors=True)


def _manifest_paths(manifest: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [path for path in _paths(manifest) if path]


@FUZZ
@given(data=st.data())
def test_hostile_manifests(built_catalogue: tuple[Path, Path], data: st.DataObject) -> None:
    records, template = built_catalogue
    original = json.loads((template / MANIFEST_NAME).read_bytes())
    places = _manifest_paths(original)
    with workspace() as root:
        catalog = root / "catalog"
        shutil.copytree(template, catalog, symlinks=True)
        manifest = copy.deepcopy(original)
        for path in data.draw(st.lists(st.sampled_from(places), min_size=1, max_size=4)):
            target: Any = manifest
            try:
                for part in path[:-1]:
                    target = target[part]
                if data.draw(st.booleans()) and isinstance(target, dict):
                    target[data.draw(_HOSTILE_TEXT)] = target.pop(path[-1])  # a hostile key
                else:
                    target[path[-1]] = data.draw(_VALUES)
            except (KeyError, IndexError, TypeError):
                continue
        raw = json.dumps(manifest, default=str).encode("utf-8")
        if data.draw(st.booleans()):
            raw = raw[: data.draw(st.integers(0, len(raw)))]  # a torn write
        (catalog / MANIFEST_NAME).write_bytes(raw)
        invoke(root, catalog, "catalog", "build", str(records), "-o", str(catalog), "-j", "1")
        names = sorted(p.name for p in catalog.iterdir() if p.name[:1] == "J")
        assert names == [
            f"{code}.{fmt}" for code in ("J9306", "J9355") for fmt in ("html", "json", "md")
        ]
        index = (catalog / "index.html").read_text(encoding="utf-8")
        assert "javascript:" not in index
        assert json.loads((catalog / MANIFEST_NAME).read_bytes())["entries"].keys() == {
            "J9306",
            "J9355",
        }


def test_the_profiles_are_small_in_ci_and_large_on_demand() -> None:
    assert settings.get_profile("fuzz-ci").max_examples <= 20
    assert settings.get_profile("fuzz-long").max_examples >= 500
    assert Decimal(1)  # the module's imports stay used when profiles change
