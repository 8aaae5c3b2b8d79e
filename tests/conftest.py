"""Shared fixtures: the example records and helpers to compose and render them."""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from codefolio.compose import compose_publication
from codefolio.compose.model import Publication
from codefolio.records.model import CodeRecord
from codefolio.refdata import ReferenceData, open_reference_data
from codefolio.render import render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
_CACHE_ENV = "CODEFOLIO_CACHE_DIR"
_SESSION_CACHE: dict[str, Path] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Point the reference data store at a temp folder for the whole run, never the user's."""
    folder = Path(tempfile.mkdtemp(prefix="codefolio-cache-"))
    _SESSION_CACHE["dir"] = folder
    os.environ[_CACHE_ENV] = str(folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = _SESSION_CACHE.pop("dir", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def refdata() -> ReferenceData:
    """The reference data opened once per session (built into the session's temp cache)."""
    return open_reference_data()


def example_data(code: str) -> dict[str, Any]:
    """The example record as plain data, ready to be edited by a test."""
    return copy.deepcopy(yaml.safe_load((EXAMPLES / f"{code}.yaml").read_text(encoding="utf-8")))


def copy_examples(folder: Path) -> Path:
    """A folder holding the example records, for catalogue tests to build from."""
    folder.mkdir()
    for name in ["J9306.yaml", "J9355.yaml"]:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


AS_OF = date(2026, 11, 27)
"""The as-of date of test publications and golden files: a day in 2026q4, later than every
quarterly data set shipped, so the stale-edition flags show."""


def publish(data: dict[str, Any], as_of: date = AS_OF) -> Publication:
    return compose_publication(CodeRecord.model_validate(data), as_of=as_of)


def plain_markdown(markdown: str) -> str:
    """Markdown without its markup, so facts can be matched as plain text."""
    text = re.sub(r"\\(.)", r"\1", markdown.replace("**", ""))
    return re.sub(r"^#+ |^- |^> |^\*|\*$", "", text, flags=re.MULTILINE)


def rendered_texts(publication: Publication) -> dict[str, str]:
    """Each text format's output, markup removed."""
    return {
        "txt": render(publication, "txt").decode("utf-8"),
        "md": plain_markdown(render(publication, "md").decode("utf-8")),
    }


@pytest.fixture
def j9306() -> dict[str, Any]:
    return example_data("J9306")
