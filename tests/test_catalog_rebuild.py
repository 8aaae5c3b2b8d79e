"""Rebuilds do work proportional to what changed: unchanged record files are not read,
publications are checked by stamp then digest, and workers never outlive their build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codefolio.catalog import sources
from codefolio.catalog.build import build_catalog
from codefolio.catalog.manifest import MANIFEST_NAME
from codefolio.catalog.scaffold import scaffold_records
from codefolio.refdata import open_reference_data
from tests.conftest import copy_examples

FORMATS = ["md", "html", "json"]
SITE = [MANIFEST_NAME, "index.html", "report.html", "report.json"]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """The example records, last changed an hour ago (a settled stamp)."""
    folder = copy_examples(tmp_path / "records")
    (folder / "J9000.yaml").write_text("code: J9000\n", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    return folder


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The record files the catalogue reads from now on."""
    read: list[Path] = []
    real = sources._read_record

    def reading(path: str) -> object:
        read.append(Path(path))
        return real(path)

    monkeypatch.setattr(sources, "_read_record", reading)
    return read


def stamps(out: Path, names: list[str]) -> dict[str, tuple[int, int]]:
    return {name: ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns) for name in names}


def test_a_no_change_rebuild_reads_no_record_and_writes_nothing(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    files = sorted(p.name for p in out.iterdir() if p.is_file())
    before = stamps(out, files)
    read = count_reads(monkeypatch)
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (result.built, sorted(result.unchanged), read) == ([], ["J9000", "J9306", "J9355"], [])
    assert stamps(out, files) == before
    assert [row.status for row in result.rows] == ["unchanged"] * 3


def test_an_edited_record_is_read_again_even_at_the_same_size(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, ["md"], workers=1)
    (records / "J9000.yaml").write_text("code: J9035\n", encoding="utf-8")  # same size
    read = count_reads(monkeypatch)
    result = build_catalog(records, out, ["md"], workers=1)
    assert read == [records / "J9000.yaml"]
    assert (result.built, result.removed) == (["J9035"], ["J9000"])
    assert sorted(p.name for p in out.glob("J*")) == ["J9035.md", "J9306.md", "J9355.md"]


def test_a_touched_record_is_read_but_not_rebuilt(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, ["md"], workers=1)
    site = stamps(out, SITE[1:])
    os.utime(records / "J9306.yaml")
    read = count_reads(monkeypatch)
    result = build_catalog(records, out, ["md"], workers=1)
    assert (read, result.built) == ([records / "J9306.yaml"], [])
    assert stamps(out, SITE[1:]) == site  # the index and report do not change
    # The new stamp is kept only once it has settled; then the file is not read again.
    an_hour_ago = time.time() - 3600
    os.utime(records / "J9306.yaml", (an_hour_ago, an_hour_ago))
    build_catalog(records, out, ["md"], workers=1)
    read.clear()
    assert build_catalog(records, out, ["md"], workers=1).built == []
    assert read == []


def test_a_same_size_edit_of_a_publication_is_rebuilt(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    good = (out / "J9306.html").read_bytes()
    tampered = good.replace(b"pertuzumab", b"PERTUZUMAB", 1)
    assert tampered != good and len(tampered) == len(good)
    (out / "J9306.html").write_bytes(tampered)
    result = build_catalog(records, out, FORMATS, workers=1)
    assert result.built == ["J9306"]
    assert (out / "J9306.html").read_bytes() == good


def test_a_touched_publication_is_checked_by_digest_and_kept(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_catalog(records, out, FORMATS, workers=1)
    os.utime(out / "J9355.md")
    result = build_catalog(records, out, FORMATS, workers=1)
    assert (result.built, sorted(result.unchanged)) == ([], ["J9000", "J9306", "J9355"])


def test_the_report_is_written_again_when_the_as_of_date_moves(
    records: Path, tmp_path: Path
) -> None:
    from datetime import date

    out = tmp_path / "out"
    build_catalog(records, out, ["json"], workers=1, as_of=date(2026, 4, 1))
    build_catalog(records, out, ["json"], workers=1, as_of=date(2026, 4, 2))
    assert '"as_of": "2026-04-02"' in (out / "report.json").read_text(encoding="utf-8")


def _descendants(pid: int) -> set[int]:
    """Every live process below `pid`, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_workers_exit_when_the_build_alone_is_killed(tmp_path: Path) -> None:
    source = tmp_path / "records"
    scaffold_records("J0000-J9999", source, open_reference_data())
    out = tmp_path / "out"
    command = [str(Path(sys.executable).parent / "codefolio"), "catalog", "build", str(source)]
    process = subprocess.Popen(
        [*command, "-o", str(out), "-f", "md,html,json", "-j", "2"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(out.glob("J*.md")):
            time.sleep(0.01)
        workers = _descendants(process.pid)
        assert len(workers) >= 2  # the pool's workers, and its resource tracker if any
        os.kill(process.pid, signal.SIGKILL)  # the build alone, not its process group
        process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
