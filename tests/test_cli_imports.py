"""Each command loads only what it uses: a lookup never imports compose or render."""

from __future__ import annotations

import json
import subprocess
import sys

from codefolio.cli.output import FORMAT_NAMES
from codefolio.render import RENDERERS

# Run the command as the console script does, then list what the process imported.
PROBE = """
import json, sys
from codefolio.cli.app import app
sys.argv = ["codefolio", *sys.argv[1:]]
try:
    app()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
HEAVY = ["codefolio.compose", "codefolio.render", "weasyprint", "openpyxl", "jinja2", "yaml"]


def imported_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_lookup_imports_no_compose_render_pdf_or_sheet_module() -> None:
    modules = imported_by("lookup", "J9306")
    assert "codefolio.refdata.report" in modules  # the probe did run the lookup
    assert [name for name in HEAVY if name in modules] == []


def test_help_lists_the_formats_the_renderers_know() -> None:
    assert tuple(RENDERERS) == FORMAT_NAMES
