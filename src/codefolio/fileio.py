"""Atomic file writes (a reader sees the old file or the new one, never half of either) and
bounded reads of input files."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if durable:
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` through a temp file (see `replacing`)."""
    with replacing(path, durable=durable) as tmp:
        tmp.write_bytes(data)


def write_atomic_text(path: Path, chunks: Iterable[str]) -> None:
    """Write UTF-8 text to `path` as it is produced, through a temp file (see `replacing`):
    a large page never has to sit in memory whole."""
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(chunks)


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
