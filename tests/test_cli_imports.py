"""Each command loads only what it uses: a lookup never imports compose or render."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import typer

from codefolio.catalog.build import build_catalog
from codefolio.cli.app import app
from codefolio.cli.output import PaperName
from codefolio.refdata import ReferenceData
from codefolio.render import FORMATS, RENDERERS
from codefolio.render.html import Paper
from tests.conftest import EXAMPLES, copy_examples

# Run the command as the console script does, then list what the process imported.
PROBE = """
import json, sys
from codefolio.cli import main
sys.argv = ["codefolio", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
EXAMPLE = EXAMPLES / "J9306.yaml"
RENDERERS_AND_MORE = [
    "codefolio.compose",
    *(f"codefolio.render.{name}" for name in ("markdown", "text", "html", "pdf", "json")),
    "weasyprint",
    "openpyxl",
    "jinja2",
    "yaml",
]


def imported_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_lookup_imports_no_compose_render_pdf_sheet_or_pydantic_module(
    refdata: ReferenceData,  # the store is built: a build validates the manifest by pydantic
) -> None:
    modules = imported_by("lookup", "J9306")
    assert "codefolio.refdata.report" in modules  # the probe did run the lookup
    assert [name for name in [*RENDERERS_AND_MORE, "pydantic"] if name in modules] == []


def test_lookup_as_json_loads_pydantic_to_write_it() -> None:
    modules = imported_by("lookup", "J9306", "--json")
    assert "pydantic" in modules


def test_a_catalogue_rebuild_with_nothing_to_publish_imports_no_renderer(tmp_path: Path) -> None:
    records, out = copy_examples(tmp_path / "records"), tmp_path / "out"
    build_catalog(records, out, ["md", "html"], workers=1)
    os.utime(records / "J9306.yaml")  # a touched record is read, and its stamp saved
    modules = imported_by("catalog", "build", str(records), "-o", str(out), "-f", "md,html")
    assert "codefolio.catalog.build" in modules
    assert [name for name in RENDERERS_AND_MORE[:-1] if name in modules] == []


def test_a_catalogue_rebuild_that_reads_no_record_loads_no_record_reader(tmp_path: Path) -> None:
    records, out = copy_examples(tmp_path / "records"), tmp_path / "out"
    settled = time.time() - 60  # a file changed just now is read again (see Stamp.settled)
    for path in records.iterdir():
        os.utime(path, (settled, settled))
    build_catalog(records, out, ["md"], workers=1)
    build_catalog(records, out, ["md"], workers=1)  # saves the record files' stamps
    modules = imported_by("catalog", "build", str(records), "-o", str(out), "-f", "md")
    assert "codefolio.catalog.build" in modules
    assert [name for name in RENDERERS_AND_MORE if name in modules] == []
    assert "codefolio.records.model" not in modules


def test_a_markdown_and_text_build_loads_no_html_pdf_or_sheet_module(tmp_path: Path) -> None:
    modules = imported_by("build", str(EXAMPLE), "-o", str(tmp_path), "--format", "md,txt")
    assert {"codefolio.render.markdown", "codefolio.render.text"} <= modules
    unused = ["codefolio.render.html", "codefolio.render.pdf", "codefolio.render.json"]
    unused += ["codefolio.refdata.report", "xml.etree.ElementTree"]  # lookup's, an import's
    assert [name for name in [*unused, *RENDERERS_AND_MORE[-4:-1]] if name in modules] == []


def test_help_lists_the_formats_and_papers_the_renderers_know() -> None:
    assert tuple(RENDERERS) == FORMATS
    assert get_args(Paper) == get_args(PaperName)


def _callbacks(group: typer.Typer) -> Iterator[Callable[..., Any]]:
    if group.registered_callback and group.registered_callback.callback:
        yield group.registered_callback.callback
    yield from (command.callback for command in group.registered_commands if command.callback)
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            yield from _callbacks(sub.typer_instance)


def test_command_signatures_hold_objects_so_start_up_evaluates_no_annotation_text() -> None:
    # Typer reads every command's signature whichever command runs: an annotation kept as
    # text (`from __future__ import annotations`) is evaluated twice per parameter there.
    callbacks = list(_callbacks(app))
    assert {"build", "lookup", "check"} <= {callback.__name__ for callback in callbacks}
    as_text = [
        f"{callback.__module__}.{callback.__name__}: {name}"
        for callback in callbacks
        for name, annotation in inspect.get_annotations(callback).items()
        if isinstance(annotation, str)
    ]
    assert as_text == []


@pytest.mark.parametrize("module", ["codefolio.cli", "codefolio.cli.app"])  # earlier installs
def test_the_console_script_collects_late_and_leaves_its_objects_out_of_the_exit_collection(
    module: str,
) -> None:
    probe = (
        "import gc, sys\n"
        f"from {module} import main\n"
        "from codefolio.cli import START_UP_OBJECTS\n"
        "sys.argv = ['codefolio', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(gc.get_threshold()[0] == START_UP_OBJECTS, gc.get_freeze_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    version, collection = done.stdout.splitlines()
    assert version.startswith("codefolio ")
    late, frozen = collection.split()
    assert late == "True"
    assert int(frozen) > 10_000  # the modules, classes and functions loaded for the command
