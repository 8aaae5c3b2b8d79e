"""Atomic writes: a reader sees the old file or the new one, never half of either; on any
failure the temp file is gone and the old file is kept."""

from __future__ import annotations

import errno
import itertools
import os
import stat
from pathlib import Path

import pytest

from codefolio import fileio
from codefolio.fileio import replacing, write_atomic, write_atomic_text, write_temp


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_write_atomic_writes_the_bytes_with_mode_644_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "J9306.md"  # folders made as needed
    old = os.umask(0o077)
    try:
        written = write_atomic(path, b"x" * 300_000)
    finally:
        os.umask(old)
    assert path.read_bytes() == b"x" * 300_000
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    now = path.stat()
    assert (written.st_size, written.st_mtime_ns, written.st_ino) == (
        now.st_size,
        now.st_mtime_ns,
        now.st_ino,
    )
    assert leftovers(path.parent) == []


def test_a_reader_sees_the_old_file_until_the_new_one_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "J9306.md"
    path.write_bytes(b"old")
    seen = []
    real_write = os.write

    def write_a_little(fd: int, data: bytes) -> int:
        seen.append(path.read_bytes())
        return real_write(fd, bytes(data)[:7])  # a short write: the rest comes in a loop

    monkeypatch.setattr(os, "write", write_a_little)
    write_atomic(path, b"the new publication")
    assert seen == [b"old"] * 3
    assert path.read_bytes() == b"the new publication"


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "J9306.md"
    path.write_bytes(b"old")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_temp_name_left_by_a_killed_process_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "J9306.md"
    stale = tmp_path / f".J9306.md.{os.getpid()}_7.tmp"
    stale.write_bytes(b"a killed build's")
    monkeypatch.setattr(fileio, "_temp_numbers", itertools.count(7))
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert stale.read_bytes() == b"a killed build's"
    assert leftovers(tmp_path) == [stale.name]


def test_write_temp_leaves_the_rename_to_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "J9306.md"
    path.write_bytes(b"old")
    tmp, written = write_temp(path, b"new", durable=False)
    assert tmp.parent == tmp_path and tmp.name.startswith(".J9306.md.")
    assert (path.read_bytes(), tmp.read_bytes(), written.st_size) == (b"old", b"new", 3)
    tmp.replace(path)
    assert path.read_bytes() == b"new" and path.stat().st_ino == written.st_ino


def test_replacing_renames_on_success_and_removes_the_temp_file_on_failure(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(path) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the build failed")
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []
    with replacing(path) as tmp:
        assert tmp.exists() and tmp.read_bytes() == b""
        tmp.write_bytes(b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_write_atomic_text_streams_chunks(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_atomic_text(path, (f"<p>{n}</p>\n" for n in range(3)))
    assert path.read_text(encoding="utf-8") == "<p>0</p>\n<p>1</p>\n<p>2</p>\n"
    assert leftovers(tmp_path) == []
