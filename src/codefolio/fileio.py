"""Atomic file writes (a reader sees the old file or the new one, never half of either) and
bounded reads of input files."""

from __future__ import annotations

import errno
import itertools
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path, *, durable: bool = True) -> Iterator[Path]:
    """Yield a temp file beside `path` to fill; on success flush it to disk and rename it
    over `path`, on any failure delete it, leaving `path` as it was.

    `durable=False` skips the flush: a reader still never sees half a file, but after a
    power loss the file may be short. For files whose writer records their size and
    digest and checks them before trusting the file again (catalogue publications)."""
    fd, tmp = _create_temp(path)
    os.close(fd)
    try:
        yield tmp
        if durable:
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> os.stat_result:
    """Write `data` to `path` through a temp file (see `replacing`), with one open, one
    write and one rename: a catalogue writes tens of thousands of files. Returns the
    file's stat as written (the rename keeps its size, mtime and inode)."""
    tmp, written = write_temp(path, data, durable=durable)
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written


def write_temp(path: Path, data: bytes, *, durable: bool = True) -> tuple[Path, os.stat_result]:
    """Write `data` whole into a new temp file beside `path`, for the caller to rename over
    `path` (or delete); returns the temp file and its stat. On any failure the temp file is
    gone and nothing else was touched."""
    fd, tmp = _create_temp(path)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, written


def write_atomic_text(path: Path, chunks: Iterable[str]) -> None:
    """Write UTF-8 text to `path` as it is produced, through a temp file (see `replacing`):
    a large page never has to sit in memory whole."""
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(chunks)


# Temp names are `.<name>.<pid>_<n>.tmp`: unique within a process by the counter, across
# processes by the pid; a name a killed process left behind is skipped (O_EXCL).
_temp_numbers = itertools.count()


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new, empty temp file beside `path` (its folder made when missing), mode 0o644
    whatever the umask, opened for writing."""
    while True:
        tmp = path.parent / f".{path.name}.{os.getpid()}_{next(_temp_numbers)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            continue
        except FileNotFoundError:
            if path.parent.is_dir():
                raise
            path.parent.mkdir(parents=True, exist_ok=True)  # once per new folder
            continue
        try:
            os.fchmod(fd, 0o644)  # a umask may have narrowed the mode os.open set
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        return fd, tmp


class UnreadableFile(ValueError):
    """A file that is not read: not a regular file, or larger than the caller allows."""


def read_limited(path: Path, limit: int, *, noun: str = "file") -> bytes:
    """The bytes of the regular file at `path`, refusing anything else before reading it.

    A device (a link to /dev/zero) would be read without end and a FIFO would block the
    open, so the file is opened without blocking and checked to be a regular file; at most
    `limit` bytes are read, however large the file claims or turns out to be.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(
                f"is not a regular file (a device, FIFO or socket); a {noun} is a plain file"
            )
        if info.st_size > limit:
            raise UnreadableFile(
                f"file is {info.st_size:,} bytes; a {noun} may be at most {limit:,} bytes"
            )
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise UnreadableFile(f"file is over {limit:,} bytes; a {noun} may be at most {limit:,}")
        return data
    finally:
        os.close(fd)
