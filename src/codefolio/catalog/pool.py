"""The worker processes of a catalogue build: what a build hands them (`Job`), what they
hand back for each record (`Outcome`), and how records go out in batches and their
outcomes come back in order, or are published in this process when there is one worker.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from codefolio.catalog.sources import Located
    from codefolio.records.model import CodeRecord
    from codefolio.records.source import FieldPath
    from codefolio.render.html import Paper

# Records per pool task, at most: enough to make each message worth sending.
_BATCH_MOST = 32
T = TypeVar("T")


class Progress(Protocol):
    """Told how many publications will be built, then of each one finished."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


@dataclass(frozen=True)
class Job:
    """What every record of one build shares (handed to each worker)."""

    out_dir: Path
    formats: tuple[str, ...]
    as_of: date
    strict: bool
    link_format: str
    """The format the site index links each code to."""
    paper: Paper = "letter"
    """The page size of PDF output."""
    context: str = ""
    """The build context (see `build_context`), part of every record's build key."""


@dataclass
class Outcome:
    code: str | None
    """None when the record file could not be read (see `unreadable`)."""
    findings: list[tuple[str, FieldPath, str]] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    """Each finding located in the record's source, when the worker read the record."""
    gaps: list[tuple[str, str]] = field(default_factory=list)
    outputs: dict[str, tuple[str, int, int, int]] = field(default_factory=dict)
    """Per format: the sha256 of the bytes written, and the file's size, mtime_ns, inode."""
    temps: dict[str, str] = field(default_factory=dict)
    """Per format: the temp file beside the publication that holds those bytes, renamed
    into place by the build once the record is known to be the only one of its code."""
    index: dict[str, object] = field(default_factory=dict)
    error: str | None = None
    """Why nothing was published: findings that are errors (or warnings, when strict), or
    what went wrong composing, rendering or writing."""
    key: str = ""
    """The record's build key, when the worker read the record."""
    code_line: int | None = None
    """The line of the record's `code`, when the worker read the record."""
    unreadable: list[str] | None = None
    """What is wrong with a record file the worker could not read."""

    def discard(self) -> None:
        """Delete the temp files: nothing of this outcome is published."""
        for tmp in self.temps.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # noqa: PTH108 (thousands of files: no Path object each)
        self.temps = {}

    def place(self, out_dir: Path) -> None:
        """Rename the temp files over the publications; on failure the rest are deleted."""
        try:
            for fmt, tmp in list(self.temps.items()):
                os.replace(tmp, f"{out_dir}{os.sep}{self.code}.{fmt}")  # noqa: PTH105
                del self.temps[fmt]
        finally:
            self.discard()


def elsewhere(
    pool: ProcessPoolExecutor | None, action: Callable[..., None], *args: object
) -> Callable[[], object]:
    """Start `action(*args)` in a worker now, when there is a pool; returns what waits for
    it to finish (raising what it raised). Without a pool, or when the worker died, the
    action runs here when waited for."""
    here = functools.partial(action, *args)
    if pool is None:
        return here
    try:
        future = pool.submit(action, *args)
    except BrokenProcessPool:
        return here

    def wait() -> object:
        try:
            return future.result()
        except BrokenProcessPool:
            return here()

    return wait


@contextlib.contextmanager
def worker_pool(count: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes, all started at once (None when one process does the work)."""
    if count <= 1:
        yield None
        return
    # spawn: a worker starts clean, never sharing the parent's SQLite connection or locks.
    context = get_context("spawn")
    with ProcessPoolExecutor(
        count, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    ) as pool:
        for _ in range(count):  # each submission starts one worker
            pool.submit(os.getpid)
        try:
            yield pool
        except BaseException:
            pool.shutdown(cancel_futures=True)  # batches not started are dropped, not run
            raise


def _start_worker(parent: int) -> None:
    from codefolio.catalog.worker import start_worker

    start_worker(parent)


def _publish_batch(job: Job, records: list[CodeRecord]) -> list[Outcome]:
    from codefolio.catalog.worker import publish_batch

    return publish_batch(job, records)


def _publish_files(job: Job, paths: list[str]) -> list[Outcome]:
    from codefolio.catalog.worker import publish_files

    return publish_files(job, paths)


def _batches(todo: Sequence[T], count: int) -> list[Sequence[T]]:
    """A few batches per worker, so each message carries real work and the last batches
    still spread over every worker."""
    size = max(1, min(_BATCH_MOST, len(todo) // (count * 4)))
    return [todo[start : start + size] for start in range(0, len(todo), size)]


def run(
    job: Job,
    todo: list[Located],
    pool: ProcessPoolExecutor | None,
    count: int,
    progress: Progress | None,
) -> Iterator[tuple[Located, Outcome]]:
    """Each record with its outcome, in order; in the pool when there is one, where all
    the batches are handed out now, so the workers start while the caller goes on."""
    if not todo:
        return iter(())
    if pool is None:
        return _in_process(job, todo, progress)
    batches = _batches(todo, count)
    futures = [
        pool.submit(_publish_batch, job, [item.record for item in batch]) for batch in batches
    ]
    return _collect(batches, futures, progress, _record_died)


def run_files(
    job: Job,
    paths: list[str],
    pool: ProcessPoolExecutor | None,
    count: int,
    progress: Progress | None,
) -> Iterator[tuple[str, Outcome]]:
    """Each record file with its outcome, in order (see `_run`)."""
    batches = _batches(paths, max(count, 1))
    if pool is None:
        return _files_in_process(job, batches, progress)
    futures = [pool.submit(_publish_files, job, list(batch)) for batch in batches]
    return _collect(batches, futures, progress, _file_died)


def _in_process(
    job: Job, todo: list[Located], progress: Progress | None
) -> Iterator[tuple[Located, Outcome]]:
    from codefolio.catalog.worker import publish

    for item in todo:
        with _collecting():
            outcome = publish(job, item.record)
        yield item, outcome
        if progress:
            progress.advance()


def _files_in_process(
    job: Job, batches: list[Sequence[str]], progress: Progress | None
) -> Iterator[tuple[str, Outcome]]:
    from codefolio.catalog.worker import publish_files

    for batch in batches:
        with _collecting():
            outcomes = publish_files(job, list(batch))
        for path, outcome in zip(batch, outcomes, strict=True):
            yield path, outcome
            if progress:
                progress.advance()


def _collect(
    batches: list[Sequence[T]],
    futures: list[Future[list[Outcome]]],
    progress: Progress | None,
    died: Callable[[T, str], Outcome],
) -> Iterator[tuple[T, Outcome]]:
    """The outcomes of the batches handed to the pool, in the batches' order."""
    done: dict[int, list[Outcome]] = {}
    position = {id(future): index for index, future in enumerate(futures)}
    next_index = 0
    for future in as_completed(futures):
        index = position[id(future)]
        try:
            done[index] = future.result()
        except BrokenProcessPool as error:
            message = f"the worker process died: {error}"
            done[index] = [died(item, message) for item in batches[index]]
        while next_index in done:
            for item, outcome in zip(batches[next_index], done.pop(next_index), strict=True):
                yield item, outcome
                if progress:
                    progress.advance()
            next_index += 1


def _record_died(item: Located, message: str) -> Outcome:
    """The outcome of a record whose worker died."""
    return Outcome(item.record.code, error=message)


def _file_died(path: str, message: str) -> Outcome:
    """The outcome of a record file whose worker died, perhaps before reading it."""
    return Outcome(None, unreadable=[f"{path}: {message}"])


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """The collector at work while records are published in this process: composing and
    rendering leave cyclic garbage, which would otherwise pile up for the whole build."""
    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()
