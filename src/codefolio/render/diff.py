"""The HTML page of `codefolio refdata diff --html`: one table per data set compared."""

from __future__ import annotations

from collections.abc import Sequence

from codefolio import __version__
from codefolio.refdata.diff import EditionDiff
from codefolio.render.templating import render_template


def render_diff_html(diffs: Sequence[EditionDiff], title: str) -> bytes:
    return render_template("diff.html.j2", diffs=diffs, title=title, version=__version__).encode(
        "utf-8"
    )
