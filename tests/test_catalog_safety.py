"""A catalogue build writes and removes only inside its own folder, whatever its manifest says,
and a folder it did not make is refused; a write the system refuses is reported, not raised."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codefolio.catalog.build import CATALOG_MARKER, build_catalog
from codefolio.catalog.manifest import (
    MANIFEST_NAME,
    PUBLICATION_FORMATS,
    CatalogManifest,
    load_catalog_manifest,
)
from codefolio.cli.app import app
from codefolio.render import RENDERERS
from tests.conftest import copy_examples

runner = CliRunner()
FORMATS = ["md", "html"]


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of records and the catalogue built from it."""
    records = copy_examples(tmp_path / "records")
    out = tmp_path / "catalog"
    assert build_catalog(records, out, FORMATS, workers=1).ok
    return records, out


_OUTPUT = {"sha256": "0" * 64, "stamp": {"size": 1, "mtime_ns": 1, "inode": 1}}


def edit_manifest(out: Path, change: Any) -> None:
    data = json.loads((out / MANIFEST_NAME).read_bytes())
    change(data)
    (out / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")


def victims(tmp_path: Path) -> Path:
    folder = tmp_path / "victimdir"
    folder.mkdir()
    (folder / "important").write_text("keep me", encoding="utf-8")
    (folder / "important.md").write_text("keep me", encoding="utf-8")
    return folder


def absolute_code(victim: Path) -> Any:
    def change(data: dict[str, Any]) -> None:
        entry = data["entries"]["J9306"]
        name = str(victim / "important")
        data["entries"][name] = {**entry, "code": name}

    return change


def dotdot_code(victim: Path) -> Any:
    def change(data: dict[str, Any]) -> None:
        entry = data["entries"]["J9306"]
        data["entries"]["../victimdir/important"] = {**entry, "code": "../victimdir/important"}

    return change


def dotdot_output(victim: Path) -> Any:
    def change(data: dict[str, Any]) -> None:
        outputs = data["entries"]["J9355"]["outputs"]
        outputs["/../../victimdir/important"] = outputs["md"]
        outputs["md/../../victimdir/important"] = outputs["md"]

    return change


@pytest.mark.parametrize("tamper", [absolute_code, dotdot_code, dotdot_output])
def test_a_tampered_manifest_removes_nothing_outside_the_folder(
    built: tuple[Path, Path], tmp_path: Path, tamper: Any
) -> None:
    records, out = built
    victim = victims(tmp_path)
    edit_manifest(out, tamper(victim))
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (result.ok, result.removed) == (True, [])
    assert sorted(p.name for p in victim.iterdir()) == ["important", "important.md"]
    assert sorted(result.built) == ["J9306", "J9355"]  # an invalid manifest rebuilds all


def test_a_javascript_href_in_the_manifest_never_reaches_the_index(
    built: tuple[Path, Path],
) -> None:
    records, out = built
    edit_manifest(out, lambda d: d["entries"]["J9306"]["index"].update(href="javascript:alert(1)"))
    assert build_catalog(records, out, FORMATS, workers=1).ok
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in index
    assert 'href="J9306.html"' in index


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["entries"]["J9306"].update(code="J9355"),  # was a KeyError
        lambda d: d["entries"]["J9306"].update(index={}),  # was a TypeError
        lambda d: d["entries"]["J9306"].update(outputs={"exe": _OUTPUT}),
        lambda d: d["entries"]["J9306"]["outputs"]["md"]["stamp"].update(size="12"),
        lambda d: d["entries"]["J9306"]["outputs"]["md"].update(sha256="not a digest"),
        lambda d: d["entries"]["J9306"].update(findings=[{"severity": 1}]),
        lambda d: d["entries"]["J9306"]["index"].update(href="J9355.html"),
        lambda d: d.update(entries=[]),
        lambda d: d.update(format="codefolio-catalog/0"),
    ],
)
def test_an_invalid_manifest_means_rebuild_everything(
    built: tuple[Path, Path], change: Any
) -> None:
    records, out = built
    edit_manifest(out, change)
    assert "J9306" not in load_catalog_manifest(out).entries
    result = build_catalog(records, out, FORMATS, workers=1)
    assert result.ok
    assert sorted(result.built + result.unchanged) == ["J9306", "J9355"]
    assert set(load_catalog_manifest(out).entries) == {"J9306", "J9355"}


def test_an_index_row_with_an_unknown_field_is_read_without_it(built: tuple[Path, Path]) -> None:
    _, out = built
    edit_manifest(out, lambda d: d["entries"]["J9306"]["index"].update(extra="field"))
    assert "extra" not in load_catalog_manifest(out).entries["J9306"].index


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"[" * 100_000, b"null", b"{}"])
def test_a_damaged_manifest_file_is_an_empty_manifest(tmp_path: Path, content: bytes) -> None:
    (tmp_path / MANIFEST_NAME).write_bytes(content)
    assert load_catalog_manifest(tmp_path) == CatalogManifest()


def test_a_manifest_that_links_to_a_device_is_not_read(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).symlink_to("/dev/zero")
    assert load_catalog_manifest(tmp_path) == CatalogManifest()


def test_the_manifest_knows_every_format_codefolio_renders() -> None:
    assert tuple(RENDERERS) == PUBLICATION_FORMATS


def test_a_symlinked_assets_folder_is_never_written_through(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    records, out = built
    victim = victims(tmp_path)
    for path in (out / "assets").iterdir():
        path.unlink()
    (out / "assets").rmdir()
    (out / "assets").symlink_to(victim)
    (victim / ".site.css.x1.tmp").write_text("a file the build's clean-up would remove")
    code, _, stderr = run("catalog", "build", str(records), "-o", str(out), "-j", "1")
    assert code == 1
    assert stderr == (
        f"error: {out / 'assets'}: is a link to a place outside {out}; codefolio writes only "
        "inside its own folder: remove the link\n"
    )
    assert sorted(p.name for p in victim.iterdir()) == [
        ".site.css.x1.tmp",
        "important",
        "important.md",
    ]


def test_a_publication_that_is_a_link_is_replaced_not_written_through(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    records, out = built
    victim = victims(tmp_path)
    (out / "J9306.md").unlink()
    (out / "J9306.md").symlink_to(victim / "important.md")
    assert build_catalog(records, out, FORMATS, workers=1).ok
    assert (victim / "important.md").read_text(encoding="utf-8") == "keep me"
    assert not (out / "J9306.md").is_symlink()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_catalog_build_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    records = copy_examples(tmp_path / "records")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my own page", encoding="utf-8")
    (mine / "J9000.md").write_text("my own notes", encoding="utf-8")
    code, stdout, stderr = run("catalog", "build", str(records), "-o", str(mine))
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"error: {mine}: folder is not empty and is not a codefolio catalogue "
        f"(no {CATALOG_MARKER}); choose a new or empty folder\n"
    )
    assert (mine / "index.html").read_text(encoding="utf-8") == "my own page"
    assert sorted(p.name for p in mine.iterdir()) == ["J9000.md", "index.html"]


def test_catalog_build_refuses_a_file_as_its_folder(tmp_path: Path) -> None:
    records = copy_examples(tmp_path / "records")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, stderr = run("catalog", "build", str(records), "-o", str(tmp_path / "file"))
    assert code == 1
    assert "exists and is not a folder; choose another catalogue folder" in stderr


def test_catalog_build_uses_an_empty_folder_marks_it_and_builds_into_it_again(
    tmp_path: Path,
) -> None:
    records = copy_examples(tmp_path / "records")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build_catalog(records, empty, FORMATS, workers=1).ok
    assert (empty / CATALOG_MARKER).is_file()
    assert build_catalog(records, empty, FORMATS, workers=1).unchanged == ["J9306", "J9355"]


def test_a_catalogue_of_an_earlier_codefolio_without_the_mark_is_still_ours(
    built: tuple[Path, Path],
) -> None:
    records, out = built
    (out / CATALOG_MARKER).unlink()
    result = build_catalog(records, out, FORMATS, workers=1)
    assert result.unchanged == ["J9306", "J9355"]


def test_a_full_disk_still_lists_failures_and_says_what_was_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = copy_examples(tmp_path / "records")
    (records / "J9999.yaml").write_text("code: J9999\nmodifers: []\n", encoding="utf-8")
    out = tmp_path / "catalog"

    def full(self: CatalogManifest, out_dir: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(CatalogManifest, "save", full)
    code, stdout, stderr = run("catalog", "build", str(records), "-o", str(out), "-j", "1")
    assert code == 1
    assert stdout.startswith("2 built, 0 unchanged, 0 removed, 1 failed in")
    assert "1 record(s) failed:\n✗ " in stderr
    assert stderr.endswith(f"error: {out / MANIFEST_NAME}: cannot write: No space left on device\n")
    assert (out / "report.json").is_file()
    assert (out / "index.html").is_file()


def test_a_read_only_catalogue_still_lists_every_failure(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system refuses every write (root ignores file modes, so the refusal is simulated
    where codefolio writes: the mark, the atomic writes, the manifest)."""
    records, out = built
    (out / CATALOG_MARKER).unlink()  # an earlier codefolio's catalogue: the mark is written now
    (records / "J9306.yaml").write_text(
        (records / "J9306.yaml").read_text(encoding="utf-8").replace("Perjeta", "Perjeta®"),
        encoding="utf-8",
    )
    (records / "J9999.yaml").write_text("code: J9999\nmodifers: []\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    real_open = os.open

    def open_refusing_writes(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith((CATALOG_MARKER, ".tmp")):  # the mark, every atomic write
            refuse()
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_refusing_writes)
    code, stdout, stderr = run(
        "catalog", "build", str(records), "-o", str(out), "-j", "1", "-f", ",".join(FORMATS)
    )
    assert code == 1
    assert stdout.startswith("0 built, 1 unchanged, 0 removed, 2 failed in")
    assert "2 record(s) failed:\n" in stderr
    assert "J9306.yaml: cannot write: Permission denied" in stderr
    assert f"error: {out / CATALOG_MARKER}: cannot write: Permission denied\n" in stderr
    assert f"error: {out / MANIFEST_NAME}: cannot write: Permission denied\n" in stderr
    assert "Traceback" not in stdout + stderr
