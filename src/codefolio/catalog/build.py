"""Build a whole catalogue: every record of a folder or sheet into DIR, in parallel and
incrementally, then the site index and the completeness report.

DIR holds `<code>.<format>` files, `index.html` with `assets/`, `report.html`,
`report.json` and the manifest. A publication whose record and build context are
unchanged is skipped without composing anything. A record that fails is listed and the
others go on; its last good publication, if any, stays. Publications of codes that are
no longer in SOURCE are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from codefolio import __version__
from codefolio.catalog.facts import change_lines, facts_keys
from codefolio.catalog.folder import check_own_folder, inside
from codefolio.catalog.index import IndexRow
from codefolio.catalog.manifest import (
    MANIFEST_NAME,
    CatalogManifest,
    Entry,
    Gap,
    Output,
    StoredFinding,
    build_context,
    load_catalog_manifest,
    record_key,
)
from codefolio.catalog.report import REPORT_FILES, Report, ReportRow, write_report
from codefolio.catalog.sources import Failure, Located, read_source
from codefolio.errors import CatalogError
from codefolio.fileio import write_atomic
from codefolio.records.source import format_path
from codefolio.refdata import open_reference_data

if TYPE_CHECKING:  # the worker module imports compose and render: loaded only to build
    from codefolio.catalog.worker import Outcome, Task
    from codefolio.render.html import Paper

# The manifest is saved at most this often while publications are written, so a killed
# build loses little work; it is always saved at the end.
_SAVE_EVERY_SECONDS = 1.0
_PUBLICATION = re.compile(r"[A-Z0-9]{5}\.(md|txt|html|pdf|json)")
_TEMP = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp")
_SITE_FILES = ("index.html", "assets/site.css", "assets/site.js")
CATALOG_MARKER = ".codefolio-catalog"
"""Written into every catalogue folder; only a folder holding it (or an empty one, or one an
earlier codefolio left its manifest in) is ever written to."""


class Progress(Protocol):
    """Told how many publications will be built, then of each one finished."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


@dataclass
class CatalogResult:
    out_dir: Path
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    rows: list[ReportRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How SOURCE was read, when a user should know (see `Source.notes`)."""
    errors: list[str] = field(default_factory=list)
    """Files of DIR beyond any one record's that could not be written or removed."""

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors

    def fail(self, failure: Failure, row: ReportRow) -> None:
        self.failures.append(failure)
        self.rows.append(row)


def build_catalog(
    source: Path,
    out_dir: Path,
    formats: Sequence[str],
    *,
    strict: bool = False,
    workers: int | None = None,
    as_of: date | None = None,
    paper: Paper = "letter",
    progress: Progress | None = None,
) -> CatalogResult:
    """Publish every record of `source` into `out_dir` (see the module docstring).

    `workers=1` publishes in this process; by default one worker per CPU.
    """
    as_of = as_of or date.today()
    loaded = read_source(source)
    result = CatalogResult(out_dir, notes=loaded.notes)
    for failure in loaded.failures:
        result.fail(
            failure, ReportRow(failure.code, failure.origin, "failed", None, [], failure.problems)
        )
    check_own_folder(out_dir, CATALOG_MARKER, "catalogue", MANIFEST_NAME)
    with _locked(out_dir):
        inside(out_dir, _SITE_FILES[-1])  # refuses an assets/ that links elsewhere
        # A read-only DIR still gets every record tried and every failure listed.
        _writing(result, CATALOG_MARKER, functools.partial(_mark, out_dir))
        _writing(result, "(temporary files)", functools.partial(_remove_temp_files, out_dir))
        manifest = load_catalog_manifest(out_dir)
        context = build_context(formats, as_of, paper)
        ref = open_reference_data()
        facts = facts_keys([item.record for item in loaded.records], ref, as_of)
        keys = {
            item.record.code: record_key(f"{context}\n{facts[item.record.code]}", item.record)
            for item in loaded.records
        }
        todo: list[Located] = []
        for item in loaded.records:
            entry = manifest.entries.get(item.record.code)
            if entry and entry.key == keys[entry.code] and entry.is_present(out_dir):
                _unchanged(result, item, entry, strict)
            else:
                todo.append(item)
        if progress:
            progress.start(len(todo))
        link = "html" if "html" in formats else formats[0]
        tasks = [_task(item, out_dir, formats, as_of, strict, link, paper) for item in todo]
        saver = _Saver(manifest, out_dir)
        for item, outcome in zip(todo, _run(tasks, workers, progress), strict=True):
            entry = _entry(item, keys[item.record.code], outcome)
            if outcome.error is None:
                _remove_stale(out_dir, manifest.entries.get(entry.code), entry, result)
                previous = manifest.entries.get(entry.code)
                manifest.entries[entry.code] = entry
                result.built.append(entry.code)
                # A republication lists what the editions in force changed for its code.
                changes = change_lines(ref, entry.code, as_of) if previous is not None else []
                result.rows.append(replace(_row(entry, "built"), changes=changes))
                saver.changed()
            else:
                failure = _failure(item, entry, outcome.error, strict)
                result.fail(failure, _row(entry, "failed", failure.problems[:1]))
        result.removed = _drop_missing(manifest, loaded.records, result, out_dir)
        result.rows.sort(key=lambda row: (row.code or "", row.source))
        report = Report(as_of.isoformat(), result.rows, result.removed)
        # Each is written even when another cannot be (a full disk, a read-only folder), so
        # the failures are still listed and whatever can be written is.
        _writing(result, MANIFEST_NAME, lambda: manifest.save(out_dir))
        _writing(result, "index.html", lambda: _write_site(manifest, out_dir))
        _writing(result, "the report", lambda: write_report(out_dir, report))
    return result


def _unchanged(result: CatalogResult, item: Located, entry: Entry, strict: bool) -> None:
    """A skipped publication; with --strict its stored warnings still fail it."""
    result.unchanged.append(entry.code)
    if strict and any(f.severity == "warning" for f in entry.findings):
        message = f"{item.origin}: the record has warnings (--strict); its publication is kept"
        failure = _failure(item, entry, message, strict)
        result.fail(failure, _row(entry, "failed", failure.problems[:1]))
    else:
        result.rows.append(_row(entry, "unchanged"))


def _row(entry: Entry, status: str, problems: Sequence[str] = ()) -> ReportRow:
    return ReportRow(entry.code, entry.source, status, entry.gaps, entry.findings, list(problems))


def _task(
    item: Located,
    out_dir: Path,
    formats: Sequence[str],
    as_of: date,
    strict: bool,
    link: str,
    paper: Paper,
) -> Task:
    from codefolio.catalog.worker import Task

    return Task(item.record, out_dir, tuple(formats), as_of, strict, link, paper)


def _run(tasks: list[Task], workers: int | None, progress: Progress | None) -> Iterator[Outcome]:
    """Each task's outcome, in task order; a pool when there is more than one worker."""
    from codefolio.catalog.worker import Outcome, publish

    count = min(workers or os.cpu_count() or 1, len(tasks))
    if count <= 1:
        for task in tasks:
            yield publish(task)
            if progress:
                progress.advance()
        return
    # spawn: a worker starts clean, never sharing the parent's SQLite connection or locks.
    with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
        futures: list[Future[Outcome]] = [pool.submit(publish, task) for task in tasks]
        done: dict[int, Outcome] = {}
        position = {id(future): index for index, future in enumerate(futures)}
        next_index = 0
        for future in as_completed(futures):
            index = position[id(future)]
            try:
                done[index] = future.result()
            except BrokenProcessPool as error:
                code = tasks[index].record.code
                done[index] = Outcome(code, error=f"the worker process died: {error}")
            if progress:
                progress.advance()
            while next_index in done:
                yield done.pop(next_index)
                next_index += 1


def _entry(item: Located, key: str, outcome: Outcome) -> Entry:
    return Entry(
        code=outcome.code,
        source=item.origin,
        key=key,
        outputs={fmt: Output(sha, size) for fmt, (sha, size) in outcome.outputs.items()},
        findings=[
            StoredFinding(severity, format_path(path), message, str(item.problem(path, message)))
            for severity, path, message in outcome.findings
        ],
        gaps=[Gap(path, label) for path, label in outcome.gaps],
        index=outcome.index,
    )


def _failure(item: Located, entry: Entry, error: str, strict: bool) -> Failure:
    """Why a record was not published, with the findings that stopped it, located."""
    fatal = {"error", "warning"} if strict else {"error"}
    stopping = [f"{f.severity}: {f.where}" for f in entry.findings if f.severity in fatal]
    head = error if error.startswith(item.origin) else f"{item.origin}: {error}"
    return Failure(item.origin, entry.code, [head, *stopping])


class _Saver:
    """Saves the manifest now and then while publications are written."""

    def __init__(self, manifest: CatalogManifest, out_dir: Path) -> None:
        self.manifest, self.out_dir = manifest, out_dir
        self.last = time.monotonic()

    def changed(self) -> None:
        if time.monotonic() - self.last >= _SAVE_EVERY_SECONDS:
            with contextlib.suppress(OSError):  # saved again at the end, or reported then
                self.manifest.save(self.out_dir)
            self.last = time.monotonic()


def _remove_stale(out_dir: Path, old: Entry | None, new: Entry, result: CatalogResult) -> None:
    """Files of the code's previous build in formats this build no longer makes."""
    if old is None:
        return
    for name in sorted(set(old.files()) - set(new.files())):
        _remove(result, out_dir, name)


def _drop_missing(
    manifest: CatalogManifest, records: list[Located], result: CatalogResult, out_dir: Path
) -> list[str]:
    """Remove the publications of codes no longer in SOURCE. A record that failed keeps its
    last good publication: by code, or by file when it could not be read at all."""
    failures = result.failures
    keep_codes = {item.record.code for item in records} | {f.code for f in failures if f.code}
    keep_sources = {f.origin for f in failures}
    removed = []
    for code, entry in list(manifest.entries.items()):
        if code in keep_codes or entry.source in keep_sources:
            continue
        for name in entry.files():
            _remove(result, out_dir, name)
        del manifest.entries[code]
        removed.append(code)
    return sorted(removed)


def _remove(result: CatalogResult, out_dir: Path, name: str) -> None:
    _writing(result, name, functools.partial(inside(out_dir, name).unlink, missing_ok=True))


def _writing(result: CatalogResult, name: str, action: Callable[[], object]) -> None:
    """Run one write or removal in DIR; when the system refuses it, say so and go on."""
    try:
        action()
    except OSError as error:
        result.errors.append(f"{result.out_dir / name}: cannot write: {error.strerror or error}")


def _write_site(manifest: CatalogManifest, out_dir: Path) -> None:
    from codefolio.catalog.site import render_index, site_assets

    rows = [IndexRow(**manifest.entries[code].index) for code in sorted(manifest.entries)]
    write_atomic(inside(out_dir, "index.html"), render_index(rows).encode("utf-8"))
    for name, data in site_assets().items():
        write_atomic(inside(out_dir, name), data)


def _mark(out_dir: Path) -> None:
    """Mark DIR as a catalogue (see `check_own_folder`); never through a link."""
    marker = out_dir / CATALOG_MARKER
    if marker.is_symlink() or marker.exists():
        return
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    except FileExistsError:
        return
    try:
        os.write(fd, f"codefolio {__version__}\n".encode())
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One build at a time per DIR: a second one would race on the manifest."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(out_dir, os.O_RDONLY)
    except OSError as exc:
        raise CatalogError(
            f"{out_dir}: cannot use as the catalogue folder: {exc.strerror}"
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CatalogError(
                f"{out_dir}: another catalogue build is writing this folder; wait for it"
            ) from None
        yield
    finally:
        os.close(handle)


def _remove_temp_files(out_dir: Path) -> None:
    """Temp files a killed build left behind (only those of files a catalogue writes)."""
    managed = {MANIFEST_NAME, *REPORT_FILES, *(Path(name).name for name in _SITE_FILES)}
    for folder in (out_dir, out_dir / "assets"):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = _TEMP.fullmatch(path.name)
            if match and (match["name"] in managed or _PUBLICATION.fullmatch(match["name"])):
                path.unlink(missing_ok=True)
