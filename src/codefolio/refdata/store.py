"""The embedded SQLite store: built from the shipped files and the imported release files
(see `editions`), kept in the user data folder beside those files. Each data set's tables
are declared by its module in `refdata.datasets`; editions sit side by side in one table,
keyed by edition.

The store is disposable: it is rebuilt whenever the manifest's sha256 (or the schema)
differs from the one recorded in it, or when it is damaged (a digest of its bytes, kept in
its header, no longer matches). It is built into a temp file
in the same folder and renamed into place, so a crash never leaves half a store and two
processes building at once each rename a complete one (the last rename wins).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from codefolio.errors import ReferenceDataError
from codefolio.fileio import replacing
from codefolio.refdata.editions import load_editions, release_path
from codefolio.refdata.manifest import (
    DATA_DIR,
    Manifest,
    Release,
    validate_manifest,
    verify_file,
)

if TYPE_CHECKING:  # the readers load with a build, not with every open
    from codefolio.refdata import datasets, parse
    from codefolio.refdata.release import ReleaseData, ReleaseFile

Building = Callable[[], AbstractContextManager[object]]
"""What to wrap a store build in, such as a progress display."""

CACHE_ENV = "CODEFOLIO_CACHE_DIR"
STORE_NAME = "refdata.sqlite3"
# Bump when the tables below change, so stores built by older code are rebuilt.
SCHEMA_VERSION = "3"

SCHEMA = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
INDEXES = """
CREATE INDEX asp_ndc_by_code ON asp_ndc (hcpcs_code, quarter);
CREATE INDEX asp_ndc_by_ndc11 ON asp_ndc (ndc11, quarter);
"""
TABLES = ("hcpcs", "modifier", "pos", "taxonomy", "icd10", "mue", "asp", "asp_ndc", "opps")


def _table_sql(table: datasets.Table) -> str:
    """A data set's table; an editioned one keyed by edition first (see `datasets.Table`)."""
    columns = f"edition TEXT NOT NULL, {table.columns}" if table.editioned else table.columns
    key = ", ".join(part for part in ("edition" if table.editioned else "", table.key) if part)
    if not key:
        return f"CREATE TABLE {table.stored} ({columns});"
    return f"CREATE TABLE {table.stored} ({columns}, PRIMARY KEY ({key})) WITHOUT ROWID;"


def _view_sql(table: datasets.Table, edition: str) -> str:
    """The newest edition under the table's own name, for SQL readers of the store."""
    quoted = edition.replace("'", "''")
    columns = ", ".join(table.column_names)
    return (
        f"CREATE VIEW {table.name} AS SELECT {columns} FROM {table.stored} "
        f"WHERE edition = '{quoted}';"
    )


@dataclass(frozen=True)
class BuildReport:
    """What a build produced: where, how many rows per table, and how long it took."""

    path: Path
    rows: dict[str, int]
    seconds: float


def default_store_dir() -> Path:
    """`$CODEFOLIO_CACHE_DIR` when set (tests, CI), else the platform's user data folder:
    the imported release files kept beside the store are the user's data, which a cache
    cleaner would remove, while the store itself is rebuilt from them whenever needed."""
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("codefolio"))


def store_path(cache_dir: Path) -> Path:
    return cache_dir / STORE_NAME


def _insert(conn: sqlite3.Connection, table: str, rows: Iterable[parse.Row]) -> None:
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    marks = ", ".join("?" * len(first))
    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", [first, *rows])


def release_tables(
    dataset_id: str, release: Release, data_dir: Path, cache_dir: Path
) -> dict[str, list[parse.Row]]:
    """The rows of one edition, by table: a shipped release through its data set's shipped
    reader, an imported one by reading its kept release files again."""
    from codefolio.refdata import datasets
    from codefolio.refdata.release import ReleaseFile

    spec = datasets.spec(dataset_id)
    paths = [release_path(cache_dir, data_dir, release, file.path) for file in release.files]
    if release.origin == "shipped":
        return spec.load_shipped(paths, release.edition)
    tables: dict[str, list[parse.Row]] = {}
    for file, path in zip(release.files, paths, strict=True):
        verify_file(cache_dir, file)
        data = read_import(ReleaseFile(file.derived_from or path.name, path.read_bytes()))
        for name, rows in data.tables.items():
            tables.setdefault(name, []).extend(rows)
    return tables


def read_import(file: ReleaseFile) -> ReleaseData:
    """A release file read by the data set reader that recognizes it."""
    from codefolio.refdata import datasets

    reader = datasets.recognize(file)
    if reader is None:
        raise ReferenceDataError(
            f"{file.name}: not a known release file; codefolio reads: "
            + "; ".join(datasets.layouts())
        )
    return reader.read(file)


Tables = dict[str, list["parse.Row"]]
Apart = dict[tuple[str, str], Callable[[], Tables]]


def _load_release(
    conn: sqlite3.Connection, dataset_id: str, release: Release, read: Callable[[], Tables]
) -> None:
    """Insert one release's rows (as `read()` returns them) into its data set's tables."""
    from codefolio.refdata import datasets

    try:
        spec = datasets.spec(dataset_id)
        for name, rows in read().items():
            table = spec.table(name)
            if table.editioned:
                rows = [(release.edition, *row) for row in rows]
            _insert(conn, table.stored, rows)
    except (KeyError, ValueError, IndexError, sqlite3.IntegrityError, ReferenceDataError) as error:
        names = ", ".join(file.path for file in release.files)
        raise ReferenceDataError(
            f"cannot load {dataset_id} {release.edition} from {names}: "
            f"{type(error).__name__}: {error}"
        ) from None


def _meta(manifest: Manifest, icd10_package: str | None = None) -> dict[str, str]:
    """What the store was built from; any difference means it is stale and is rebuilt.
    `icd10_package`: the ICD-10-CM package's version when known to be unchanged (reading
    it from the installed package takes longer than a whole lookup)."""
    if icd10_package is None:
        from codefolio.refdata import parse

        icd10_package = parse.icd10_package_version()
    return {
        "manifest_sha256": manifest.sha256,
        "schema": SCHEMA_VERSION,
        "icd10cm_package": icd10_package,
    }


@contextlib.contextmanager
def _reading_apart(manifest: Manifest, data_dir: Path, cache_dir: Path) -> Iterator[Apart]:
    """Start reading the releases of the data sets whose reader is slow (`read_apart`:
    ICD-10-CM parses a package's whole tabular) in a child process, while this one loads
    the rest; yields their rows to come, by data set and edition."""
    from codefolio.refdata import datasets

    apart = [
        (dataset.id, release)
        for dataset in manifest.datasets
        if datasets.spec(dataset.id).read_apart
        for release in dataset.releases
    ]
    if not apart:
        yield {}
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    def rows_of(future: Future[Tables]) -> Callable[[], Tables]:
        def rows() -> Tables:
            try:
                return future.result()
            except BrokenProcessPool as error:
                raise ReferenceDataError(f"the process reading it stopped: {error}") from None

        return rows

    pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))
    try:
        yield {
            (dataset_id, release.edition): rows_of(
                pool.submit(release_tables, dataset_id, release, data_dir, cache_dir)
            )
            for dataset_id, release in apart
        }
    finally:  # a failed build does not wait for the child, which ends when its read does
        pool.shutdown(wait=False, cancel_futures=True)


def _fill(
    conn: sqlite3.Connection, manifest: Manifest, data_dir: Path, cache_dir: Path, apart: Apart
) -> dict[str, int]:
    from codefolio.refdata import datasets

    conn.executescript(SCHEMA)
    for dataset in manifest.datasets:
        for table in datasets.spec(dataset.id).tables:
            conn.execute(_table_sql(table))
    releases = [
        (dataset.id, release) for dataset in manifest.datasets for release in dataset.releases
    ]
    # The releases read apart load last, so that their reading overlaps all the others'.
    releases.sort(key=lambda item: (item[0], item[1].edition) in apart)
    for dataset_id, release in releases:
        read = apart.get((dataset_id, release.edition)) or partial(
            release_tables, dataset_id, release, data_dir, cache_dir
        )
        _load_release(conn, dataset_id, release, read)
    for dataset in manifest.datasets:
        for table in datasets.spec(dataset.id).tables:
            if table.editioned:
                conn.execute(_view_sql(table, dataset.edition))
    conn.executescript(INDEXES)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", _meta(manifest).items())
    conn.commit()
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def build_store(
    cache_dir: Path, data_dir: Path = DATA_DIR, manifest: Manifest | None = None
) -> BuildReport:
    """Build the store from the shipped and imported files now (`manifest`, default the
    editions recorded), replacing any existing one atomically."""
    start = time.perf_counter()
    manifest = manifest or load_editions(cache_dir, data_dir)
    path = store_path(cache_dir)
    try:
        with _reading_apart(manifest, data_dir, cache_dir) as apart, replacing(path) as tmp:
            validate_manifest(data_dir)
            for dataset in manifest.datasets:
                for release in dataset.releases:
                    if release.origin == "shipped":
                        for file in release.files:
                            verify_file(data_dir, file)
            conn = sqlite3.connect(tmp)
            try:
                # The temp file is thrown away on failure, so no journal is needed.
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                rows = _fill(conn, manifest, data_dir, cache_dir, apart)
            finally:
                conn.close()
            _seal(tmp)
    except OSError as error:
        raise ReferenceDataError(
            f"cannot write the reference data store in {cache_dir}: {error} "
            f"(set {CACHE_ENV} to a writable folder)"
        ) from None
    return BuildReport(path=path, rows=rows, seconds=time.perf_counter() - start)


def open_current(path: Path, manifest: Manifest) -> sqlite3.Connection | None:
    """A read-only connection to the store if it is intact and built from this manifest.

    None when it is missing, stale (other manifest or schema), or damaged: not a database,
    truncated, no meta table, not the bytes it was sealed with, or failing SQLite's quick
    integrity check. Both checks read the whole file, so they run once per store file: a
    store whose size, mtime and inode are those it had when it passed is not read again,
    and while the ICD-10-CM package's files are unchanged too, the package version the
    store records is taken as the installed one.
    """
    if not path.is_file():
        return None
    checked = _checked_before(path)
    if not checked and not _is_sealed(path):
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        known = meta.get("icd10cm_package") if checked else None
        current = meta == _meta(manifest, known) and (checked or _check(conn, path))
    except sqlite3.Error:
        current = False
    if not current:
        conn.close()
        return None
    return conn


def _check(conn: sqlite3.Connection, path: Path) -> bool:
    """SQLite's quick integrity check, after the seal's; a pass of both is remembered
    beside the store with the file's stamp, so the next open can skip them."""
    if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        return False
    with contextlib.suppress(OSError):
        _checked_path(path).write_text(_stamp(path), encoding="utf-8")
    return True


def _checked_before(path: Path) -> bool:
    """Whether the store passed its check and it, and the ICD-10-CM package, are by size,
    mtime and inode unchanged since."""
    try:
        return _checked_path(path).read_text(encoding="utf-8") == _stamp(path)
    except OSError:
        return False


def _checked_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.checked")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ino} {_icd10_package_stamp()}"


def _icd10_package_stamp() -> str:
    """The size, mtime and inode of the ICD-10-CM package's module file: an upgrade of the
    package replaces it (found without importing the package, which parses its tabular)."""
    found = importlib.util.find_spec("simple_icd_10_cm")
    if found is None or found.origin is None:
        return "-"
    try:
        stat = Path(found.origin).stat()
    except OSError:
        return "-"
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


# The store's own digest lives in two 4-byte fields of the SQLite header that SQLite leaves
# to applications (user_version at offset 60, application_id at 68; sqlite.org/fileformat2):
# the first 8 bytes of the sha256 of the file with those fields zeroed. SQLite's checks see
# a damaged page structure, not a changed byte in a stored descriptor; this sees both, for
# the cost of reading the file once on open.
_SEAL_FIELDS = ((60, 64), (68, 72))


def _unsealed_digest(data: bytearray) -> bytes:
    for start, end in _SEAL_FIELDS:
        data[start:end] = bytes(end - start)
    return hashlib.sha256(data).digest()[:8]


def _seal(path: Path) -> None:
    """Write the digest of the finished store into its header."""
    data = bytearray(path.read_bytes())
    digest = _unsealed_digest(data)
    with path.open("r+b") as handle:
        for (start, _end), part in zip(_SEAL_FIELDS, (digest[:4], digest[4:]), strict=True):
            handle.seek(start)
            handle.write(part)


def _is_sealed(path: Path) -> bool:
    """Whether the store's bytes are those it was built with."""
    try:
        data = bytearray(path.read_bytes())
    except OSError:
        return False
    if len(data) < 100:
        return False
    stored = b"".join(bytes(data[start:end]) for start, end in _SEAL_FIELDS)
    return _unsealed_digest(data) == stored


def connect_store(
    cache_dir: Path, data_dir: Path = DATA_DIR, building: Building | None = None
) -> tuple[sqlite3.Connection, Manifest, BuildReport | None]:
    """Open the current store, building it first when needed (inside `building()`, e.g. a
    progress spinner); returns the build if one ran."""
    manifest = load_editions(cache_dir, data_dir)
    path = store_path(cache_dir)
    conn = open_current(path, manifest)
    if conn is not None:
        return conn, manifest, None
    with building() if building else contextlib.nullcontext():
        report = build_store(cache_dir, data_dir, manifest)
    conn = open_current(path, manifest)
    if conn is None:
        raise ReferenceDataError(f"the reference data store {path} was built but cannot be opened")
    return conn, manifest, report


def store_needs_build(cache_dir: Path | None = None, data_dir: Path = DATA_DIR) -> bool:
    """Whether opening the reference data now would build the store first (for progress UI)."""
    folder = cache_dir or default_store_dir()
    conn = open_current(store_path(folder), load_editions(folder, data_dir))
    if conn is None:
        return True
    with contextlib.closing(conn):
        return False
