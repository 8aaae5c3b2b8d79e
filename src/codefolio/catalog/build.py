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
import gc
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codefolio.catalog.facts import change_lines, facts_keys
from codefolio.catalog.folder import check_own_folder, inside
from codefolio.catalog.index import IndexRow
from codefolio.catalog.manifest import (
    MANIFEST_NAME,
    CatalogManifest,
    Entry,
    Gap,
    Output,
    Stamp,
    StoredFinding,
    build_context,
    load_catalog_manifest,
    record_key,
)
from codefolio.catalog.pool import (
    Job,
    Outcome,
    Progress,
    elsewhere,
    run,
    run_files,
    worker_pool,
)
from codefolio.catalog.report import REPORT_FILES, Report, ReportRow, write_report
from codefolio.catalog.sources import (
    Failure,
    Located,
    Unread,
    check_source,
    duplicate_code,
    read_source,
    stat_records,
)
from codefolio.errors import CatalogError, Problem, RecordError
from codefolio.fileio import write_atomic, write_atomic_text
from codefolio.refdata import open_reference_data

if TYPE_CHECKING:
    from codefolio.refdata import ReferenceData
    from codefolio.render.html import Paper

# The manifest is saved at most this often while publications are written, so a killed
# build loses little work; it is always saved at the end.
_SAVE_EVERY_SECONDS = 5.0
_PUBLICATION = re.compile(r"[A-Z0-9]{5}\.(md|txt|html|pdf|json)")
_TEMP = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp")
_SITE_FILES = ("index.html", "assets/site.css", "assets/site.js")
CATALOG_MARKER = ".codefolio-catalog"
"""Written into every catalogue folder; only a folder holding it (or an empty one, or one an
earlier codefolio left its manifest in) is ever written to."""


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

    `workers=1` publishes in this process; by default one worker per CPU. The manifest,
    index and report are written only when something changed.
    """
    as_of = as_of or date.today()
    result = CatalogResult(out_dir)
    count = workers or os.cpu_count() or 1
    check_source(source)  # before DIR is made: a SOURCE that is not there is refused
    check_own_folder(out_dir, CATALOG_MARKER, "catalogue", MANIFEST_NAME)
    with _locked(out_dir), _collector_paused(), contextlib.ExitStack() as stack:
        inside(out_dir, _SITE_FILES[-1])  # refuses an assets/ that links elsewhere
        # A read-only DIR still gets every record tried and every failure listed.
        _writing(result, CATALOG_MARKER, functools.partial(_mark, out_dir))
        _writing(result, "(temporary files)", functools.partial(_remove_temp_files, out_dir))
        context = build_context(formats, as_of, paper)
        ref = open_reference_data()
        read_at = time.time_ns()
        manifest = load_catalog_manifest(out_dir)
        changed = manifest.context != context  # what the index and report show
        dirty = changed  # only the manifest: stamps that moved
        manifest.context = context
        # Unchanged record files are left unread only while the data set facts their
        # publications state cannot have moved: the same store file, the same as-of date.
        trusted = _trusted(ref, as_of)
        skip = not changed and manifest.trusted == trusted
        dirty |= manifest.trusted != trusted
        manifest.trusted = trusted
        # A full build: the workers start now, and load while the records are read.
        pool = stack.enter_context(worker_pool(count)) if changed else None
        link = "html" if "html" in formats else formats[0]
        job = Job(out_dir, tuple(formats), as_of, strict, link, paper, context)
        taker = _Taker(result, manifest, ref, as_of, strict, _Saver(manifest, out_dir))
        if changed and source.is_dir():
            codes = _publish_folder(source, job, pool, count, taker, progress, read_at)
        else:
            codes, moved, restamped = _publish_changed(
                source, job, (stack, pool, count), taker, progress, read_at, skip=skip
            )
            changed |= moved
            dirty |= restamped
        result.removed = _drop_missing(manifest, codes, result, out_dir)
        changed |= bool(result.built or result.removed)
        report_as_of = "" if result.failures else as_of.isoformat()
        report = changed or bool(result.failures) or manifest.report_as_of != report_as_of
        # Each is written even when another cannot be (a full disk, a read-only folder), so
        # the failures are still listed and whatever can be written is. The index and the
        # report are written by the workers, side by side, while the manifest is encoded.
        rows = [manifest.entries[code].index for code in sorted(manifest.entries)]
        site = elsewhere(pool, _write_site, rows, out_dir, changed)
        written: Callable[[], object] | None = None
        if report or not all((out_dir / name).is_file() for name in REPORT_FILES):
            result.rows.sort(key=lambda row: (row.code or "", row.source))
            done = Report(as_of.isoformat(), result.rows, result.removed)
            written = elsewhere(pool, write_report, out_dir, done)
        if report or dirty:
            manifest.encode()
        _writing(result, "index.html", site)
        if written is not None:
            _writing(result, "the report", written)
        if report or dirty:
            # A report that could not be written is written again next time.
            manifest.report_as_of = "" if result.errors else report_as_of
            _writing(result, MANIFEST_NAME, lambda: manifest.save(out_dir))
    return result


Workers = tuple[contextlib.ExitStack, "ProcessPoolExecutor | None", int]
"""Where a pool started on demand is kept, the pool when one is running, how many workers."""


def _publish_folder(
    source: Path,
    job: Job,
    pool: ProcessPoolExecutor | None,
    count: int,
    taker: _Taker,
    progress: Progress | None,
    read_at: int,
) -> set[str]:
    """Publish every record file of a folder; the codes read.

    The workers read, key and publish the records (parsing is most of the work a parent
    would otherwise do alone); here the files are only listed, the second record of a code
    refused, and each publication renamed into place from its temp file, so a duplicate
    never overwrites the first record's files."""
    stats, early = stat_records(source)
    paths = list(stats)
    stamps = {origin: Stamp.settled(stat, read_at) for origin, stat in stats.items()}
    first: dict[str, str] = {}
    duplicates: list[Failure] = []
    if progress:
        progress.start(len(paths))
    for origin, outcome in run_files(job, paths, pool, count, progress):
        code = outcome.code
        if code is None:
            early.append(Failure(origin, None, outcome.unreadable or []))
        elif code in first:
            outcome.discard()
            where = Problem(origin, duplicate_code(code, first[code]), outcome.code_line, "code")
            duplicates.append(Failure(origin, code, [str(where)]))
        else:
            first[code] = origin
            taker.take(origin, outcome.key, stamps.get(origin), outcome, outcome.where)
    # Listed as a read of the folder lists them: unreadable files, duplicates, the rest.
    published, taker.result.failures = taker.result.failures, []
    for failure in [*early, *duplicates]:
        _unreadable(taker.result, failure)
    taker.result.failures += published
    return set(first) | {failure.code for failure in duplicates if failure.code}


def _publish_changed(
    source: Path,
    job: Job,
    workers: Workers,
    taker: _Taker,
    progress: Progress | None,
    read_at: int,
    *,
    skip: bool,
) -> tuple[set[str], bool, bool]:
    """Publish the records of a sheet, or those of a folder whose key changed (`skip`:
    record files unchanged since their last build are not even read). Returns the codes
    read, whether an unchanged publication moved to another record file, and whether any
    entry's stamps moved."""
    stack, pool, count = workers
    result, manifest, out_dir = taker.result, taker.manifest, job.out_dir
    moved = restamped = False
    loaded = read_source(source, _unchanged_files(manifest) if skip else None)
    result.notes = loaded.notes
    for failure in loaded.failures:
        _unreadable(result, failure)
    todo: list[Located] = []
    for unread in loaded.unread:
        entry = manifest.entries[unread.code].verified(out_dir)
        if entry is not None:
            restamped |= entry is not manifest.entries[unread.code]
            manifest.entries[unread.code] = entry
            _unchanged(result, unread.origin, entry, job.strict)
        else:
            again = _read_again(unread, result)
            todo.extend([again] if again else [])
    stamps = {origin: Stamp.settled(stat, read_at) for origin, stat in loaded.stats.items()}
    outcomes: Iterator[tuple[Located, Outcome]] | None = None
    if pool is not None and loaded.records and not todo:
        # A full build: every record is published whatever its key, so the workers
        # start on them now, while the keys are worked out here.
        if progress:
            progress.start(len(loaded.records))
        outcomes = run(job, loaded.records, pool, count, progress)
    records = [item.record for item in [*loaded.records, *todo]]
    facts = facts_keys(records, taker.ref, job.as_of)
    keys = {
        record.code: record_key(f"{job.context}\n{facts[record.code]}", record)
        for record in records
    }
    for item in loaded.records:
        code = item.record.code
        old = manifest.entries.get(code)
        same = old is not None and old.key == keys[code] and outcomes is None
        entry = old.verified(out_dir) if old and same else None
        if entry is None:
            todo.append(item)
            continue
        moved |= entry.source != item.origin
        entry = replace(entry, source=item.origin, stamp=stamps.get(item.origin))
        restamped |= entry != old
        manifest.entries[code] = entry
        _unchanged(result, item.origin, entry, job.strict)
    if outcomes is None:
        if progress:
            progress.start(len(todo))
        if pool is None and todo:
            pool = stack.enter_context(worker_pool(min(count, len(todo))))
        outcomes = run(job, todo, pool, count, progress)
    for item, outcome in outcomes:
        where = [str(item.problem(path, message)) for _, path, message in outcome.findings]
        taker.take(item.origin, keys[item.record.code], stamps.get(item.origin), outcome, where)
    return loaded.codes, moved, restamped


def _trusted(ref: ReferenceData, as_of: date) -> str:
    """The reference store file, by its stamp, and the as-of date: while both are those of
    the last build, so are the data set facts of every publication."""
    stat = ref.path.stat()
    return f"{as_of.isoformat()} {stat.st_size} {stat.st_mtime_ns} {stat.st_ino}"


def _unchanged_files(manifest: CatalogManifest) -> Callable[[str, os.stat_result], str | None]:
    """Which record files need not be read: those whose stamp is the one they were built from."""
    by_source = {
        entry.source: (entry.code, entry.stamp)
        for entry in manifest.entries.values()
        if entry.stamp is not None
    }

    def unchanged(origin: str, stat: os.stat_result) -> str | None:
        code, stamp = by_source.get(origin, (None, None))
        return code if stamp is not None and stamp.matches(stat) else None

    return unchanged


def _read_again(unread: Unread, result: CatalogResult) -> Located | None:
    """An unchanged record whose publication is missing or altered: read it to rebuild it."""
    try:
        from codefolio.records import read_record

        return read_record(Path(unread.origin))
    except RecordError as error:
        _unreadable(result, Failure(unread.origin, unread.code, [str(p) for p in error.problems]))
        return None


def _unreadable(result: CatalogResult, failure: Failure) -> None:
    result.fail(
        failure, ReportRow(failure.code, failure.origin, "failed", None, [], failure.problems)
    )


def _unchanged(result: CatalogResult, origin: str, entry: Entry, strict: bool) -> None:
    """A skipped publication; with --strict its stored warnings still fail it."""
    result.unchanged.append(entry.code)
    if strict and any(f.severity == "warning" for f in entry.findings):
        message = f"{origin}: the record has warnings (--strict); its publication is kept"
        failure = _failure(origin, entry, message, strict)
        result.fail(failure, _row(entry, "failed", failure.problems[:1]))
    else:
        result.rows.append(_row(entry, "unchanged"))


def _row(entry: Entry, status: str, problems: Sequence[str] = ()) -> ReportRow:
    return ReportRow(entry.code, entry.source, status, entry.gaps, entry.findings, list(problems))


def _entry(origin: str, key: str, stamp: Stamp | None, outcome: Outcome, where: list[str]) -> Entry:
    from codefolio.records.source import format_path

    assert outcome.code is not None  # an outcome with no code is an unreadable file
    return Entry(
        code=outcome.code,
        source=origin,
        stamp=stamp,
        key=key,
        outputs={
            fmt: Output(sha, Stamp(size, mtime_ns, inode))
            for fmt, (sha, size, mtime_ns, inode) in outcome.outputs.items()
        },
        findings=[
            StoredFinding(severity, format_path(path), message, located)
            for (severity, path, message), located in zip(outcome.findings, where, strict=True)
        ],
        gaps=[Gap(path, label) for path, label in outcome.gaps],
        index=outcome.index,
    )


@dataclass
class _Taker:
    """Takes each record's outcome into the manifest and the result: its files renamed into
    place and its entry recorded, or its failure listed."""

    result: CatalogResult
    manifest: CatalogManifest
    ref: ReferenceData
    as_of: date
    strict: bool
    saver: _Saver

    def take(
        self, origin: str, key: str, stamp: Stamp | None, outcome: Outcome, where: list[str]
    ) -> None:
        result, manifest, out_dir = self.result, self.manifest, self.result.out_dir
        if outcome.error is None:
            try:
                outcome.place(out_dir)
            except OSError as error:
                outcome.error = f"cannot write: {error.strerror or error}"
        entry = _entry(origin, key, stamp, outcome, where)
        if outcome.error is None:
            previous = manifest.entries.get(entry.code)
            _remove_stale(out_dir, previous, entry, result)
            manifest.entries[entry.code] = entry
            result.built.append(entry.code)
            # A republication lists what the editions in force changed for its code.
            changes = change_lines(self.ref, entry.code, self.as_of) if previous else []
            result.rows.append(replace(_row(entry, "built"), changes=changes))
            self.saver.changed()
        else:
            failure = _failure(origin, entry, outcome.error, self.strict)
            result.fail(failure, _row(entry, "failed", failure.problems[:1]))


def _failure(origin: str, entry: Entry, error: str, strict: bool) -> Failure:
    """Why a record was not published, with the findings that stopped it, located."""
    fatal = {"error", "warning"} if strict else {"error"}
    stopping = [f"{f.severity}: {f.where}" for f in entry.findings if f.severity in fatal]
    head = error if error.startswith(origin) else f"{origin}: {error}"
    return Failure(origin, entry.code, [head, *stopping])


class _Saver:
    """Saves the manifest now and then while publications are written."""

    def __init__(self, manifest: CatalogManifest, out_dir: Path) -> None:
        self.manifest, self.out_dir = manifest, out_dir
        self.next = time.monotonic() + _SAVE_EVERY_SECONDS

    def changed(self) -> None:
        """Save when due; a slow save (a large manifest) is repeated less often."""
        start = time.monotonic()
        if start >= self.next:
            with contextlib.suppress(OSError):  # saved again at the end, or reported then
                self.manifest.save(self.out_dir)
            took = time.monotonic() - start
            self.next = start + max(_SAVE_EVERY_SECONDS, 30 * took)


def _remove_stale(out_dir: Path, old: Entry | None, new: Entry, result: CatalogResult) -> None:
    """Files of the code's previous build in formats this build no longer makes."""
    if old is None:
        return
    for name in sorted(set(old.files()) - set(new.files())):
        _remove(result, out_dir, name)


def _drop_missing(
    manifest: CatalogManifest, codes: set[str], result: CatalogResult, out_dir: Path
) -> list[str]:
    """Remove the publications of codes no longer in SOURCE. A record that failed keeps its
    last good publication: by code, or by file when it could not be read at all."""
    failures = result.failures
    keep_codes = codes | {f.code for f in failures if f.code}
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


def _write_site(rows: list[dict[str, Any]], out_dir: Path, everything: bool) -> None:
    """The index (from each entry's index row, by code) and its assets: all of them, or
    only those missing."""
    if everything or not (out_dir / "index.html").is_file():
        from codefolio.catalog.site import stream_index

        index = [IndexRow(**row) for row in rows]
        write_atomic_text(inside(out_dir, "index.html"), stream_index(index))
    if everything or not all((out_dir / name).is_file() for name in _SITE_FILES[1:]):
        from codefolio.catalog.site import site_assets

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
    from codefolio import __version__

    try:
        os.write(fd, f"codefolio {__version__}\n".encode())
    finally:
        os.close(fd)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while building: it would walk the manifest and every
    record read, again and again, though they live to the end and hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
