"""The embedded SQLite store: built from the shipped files, kept in the user cache directory.

The store is disposable: it is rebuilt whenever the manifest's sha256 (or the schema)
differs from the one recorded in it, or when it is damaged (a digest of its bytes, kept in
its header, no longer matches). It is built into a temp file
in the same folder and renamed into place, so a crash never leaves half a store and two
processes building at once each rename a complete one (the last rename wins).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from codefolio.errors import ReferenceDataError
from codefolio.fileio import replacing
from codefolio.refdata import parse
from codefolio.refdata.manifest import DATA_DIR, Manifest, Release, load_manifest, verify_file

Building = Callable[[], AbstractContextManager[object]]
"""What to wrap a store build in, such as a progress display."""

CACHE_ENV = "CODEFOLIO_CACHE_DIR"
STORE_NAME = "refdata.sqlite3"
# Bump when the tables below change, so stores built by older code are rebuilt.
SCHEMA_VERSION = "2"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE hcpcs (
    code TEXT PRIMARY KEY, long_description TEXT NOT NULL, short_description TEXT NOT NULL,
    pricing_indicator TEXT, coverage_code TEXT, betos TEXT, type_of_service TEXT NOT NULL,
    add_date TEXT, effective_date TEXT, termination_date TEXT, action_code TEXT
) WITHOUT ROWID;
CREATE TABLE modifier (
    code TEXT PRIMARY KEY, long_description TEXT NOT NULL, short_description TEXT NOT NULL,
    coverage_code TEXT, add_date TEXT, effective_date TEXT, termination_date TEXT,
    action_code TEXT
) WITHOUT ROWID;
CREATE TABLE pos (code TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL)
    WITHOUT ROWID;
CREATE TABLE taxonomy (
    code TEXT PRIMARY KEY, grouping TEXT NOT NULL, classification TEXT NOT NULL,
    specialization TEXT, display_name TEXT NOT NULL, section TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE mue (
    code TEXT NOT NULL, setting TEXT NOT NULL, setting_order INTEGER NOT NULL,
    value INTEGER NOT NULL, mai INTEGER NOT NULL, mai_description TEXT NOT NULL,
    rationale TEXT NOT NULL, PRIMARY KEY (code, setting_order)
) WITHOUT ROWID;
CREATE TABLE asp (
    code TEXT NOT NULL, quarter TEXT NOT NULL, short_description TEXT, dosage TEXT NOT NULL,
    payment_limit TEXT, coinsurance_percent TEXT, notes TEXT, PRIMARY KEY (code, quarter)
) WITHOUT ROWID;
CREATE TABLE asp_ndc (
    quarter TEXT NOT NULL, hcpcs_code TEXT NOT NULL, ndc TEXT NOT NULL, ndc11 TEXT,
    labeler TEXT NOT NULL, drug_name TEXT NOT NULL, hcpcs_dosage TEXT NOT NULL,
    package_size TEXT, package_quantity TEXT, billing_units TEXT,
    billing_units_per_package TEXT
);
CREATE TABLE icd10 (code TEXT PRIMARY KEY, description TEXT NOT NULL, billable INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE opps (
    code TEXT PRIMARY KEY, short_descriptor TEXT, status_indicator TEXT NOT NULL, apc TEXT,
    relative_weight TEXT, payment_rate TEXT, national_unadjusted_copayment TEXT,
    minimum_unadjusted_copayment TEXT
) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX asp_ndc_by_code ON asp_ndc (hcpcs_code, quarter);
CREATE INDEX asp_ndc_by_ndc11 ON asp_ndc (ndc11, quarter);
"""
TABLES = ("hcpcs", "modifier", "pos", "taxonomy", "icd10", "mue", "asp", "asp_ndc", "opps")


@dataclass(frozen=True)
class BuildReport:
    """What a build produced: where, how many rows per table, and how long it took."""

    path: Path
    rows: dict[str, int]
    seconds: float


def default_cache_dir() -> Path:
    """`$CODEFOLIO_CACHE_DIR` when set (tests, CI), else the platform's user cache folder."""
    override = os.environ.get(CACHE_ENV, "").strip()
    return Path(override) if override else Path(platformdirs.user_cache_dir("codefolio"))


def store_path(cache_dir: Path) -> Path:
    return cache_dir / STORE_NAME


def _insert(conn: sqlite3.Connection, table: str, rows: Iterable[parse.Row]) -> None:
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    marks = ", ".join("?" * len(first))
    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", [first, *rows])


def _load_release(
    conn: sqlite3.Connection,
    dataset_id: str,
    release: Release,
    data_dir: Path,
    icd10: Callable[[], list[parse.Row]],
) -> None:
    """Insert one release's files into its table(s); the data set id picks the reader."""
    paths = [data_dir / file.path for file in release.files]
    try:
        match dataset_id:
            case "hcpcs":
                _insert(conn, "hcpcs", parse.hcpcs_rows(paths[0]))
                _insert(conn, "modifier", parse.modifier_rows(paths[1]))
            case "pos":
                _insert(conn, "pos", parse.pos_rows(paths[0]))
            case "nucc":
                _insert(conn, "taxonomy", parse.taxonomy_rows(paths[0]))
            case "mue":
                _insert(conn, "mue", parse.mue_rows(paths[0]))
            case "asp":
                _insert(conn, "asp", parse.asp_rows(paths[0], release.edition))
            case "asp-ndc":
                _insert(conn, "asp_ndc", parse.asp_ndc_rows(paths[0], release.edition))
            case "opps":
                _insert(conn, "opps", parse.opps_rows(paths[0]))
            case "icd10cm":
                _insert(conn, "icd10", icd10())
            case _:
                raise ReferenceDataError(f"no reader for reference data set {dataset_id!r}")
    except (KeyError, ValueError, IndexError, sqlite3.IntegrityError, ReferenceDataError) as error:
        names = ", ".join(str(path) for path in paths)
        raise ReferenceDataError(
            f"cannot load {dataset_id} {release.edition} from {names}: "
            f"{type(error).__name__}: {error}"
        ) from None


# Prints the ICD-10-CM rows, pickled, on stdout (see `_icd10_aside`).
_ICD10_CHILD = (
    "import pickle, sys\n"
    "from codefolio.refdata import parse\n"
    "pickle.dump(list(parse.icd10_rows()), sys.stdout.buffer)\n"
)


@contextlib.contextmanager
def _icd10_aside() -> Iterator[Callable[[], list[parse.Row]]]:
    """The ICD-10-CM rows, read by a child Python process: the package behind them parses
    its whole tabular on import, which takes as long as reading every shipped file here.
    The child's output is trusted like the package it comes from."""
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _ICD10_CHILD],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError:  # no child process here: read in this one
        yield lambda: list(parse.icd10_rows())
        return

    def rows() -> list[parse.Row]:
        output, errors = child.communicate()
        if child.returncode:
            message = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise ReferenceDataError(f"reading ICD-10-CM failed: {' '.join(message)}")
        table: list[parse.Row] = pickle.loads(output)
        return table

    try:
        yield rows
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()


def _meta(manifest: Manifest) -> dict[str, str]:
    """What the store was built from; any difference means it is stale and is rebuilt."""
    return {
        "manifest_sha256": manifest.sha256,
        "schema": SCHEMA_VERSION,
        "icd10cm_package": parse.icd10_package_version(),
    }


def _fill(conn: sqlite3.Connection, manifest: Manifest, data_dir: Path) -> dict[str, int]:
    conn.executescript(SCHEMA)
    releases = [(data.id, release) for data in manifest.datasets for release in data.releases]
    with _icd10_aside() as icd10:  # loaded last, so the other data sets load meanwhile
        for dataset_id, release in sorted(releases, key=lambda item: item[0] == "icd10cm"):
            _load_release(conn, dataset_id, release, data_dir, icd10)
    conn.executescript(INDEXES)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", _meta(manifest).items())
    conn.commit()
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def build_store(cache_dir: Path, data_dir: Path = DATA_DIR) -> BuildReport:
    """Build the store from the shipped files now, replacing any existing one atomically."""
    start = time.perf_counter()
    manifest = load_manifest(data_dir)
    for dataset in manifest.datasets:
        for file in dataset.files:
            verify_file(data_dir, file)
    path = store_path(cache_dir)
    try:
        with replacing(path) as tmp:
            conn = sqlite3.connect(tmp)
            try:
                # The temp file is thrown away on failure, so no journal is needed.
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                rows = _fill(conn, manifest, data_dir)
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
    store whose size, mtime and inode are those it had when it passed is not read again.
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
        current = meta == _meta(manifest) and (checked or _check(conn, path))
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
    """Whether the store passed its check and is, by size, mtime and inode, unchanged since."""
    try:
        return _checked_path(path).read_text(encoding="utf-8") == _stamp(path)
    except OSError:
        return False


def _checked_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.checked")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ino}"


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
    manifest = load_manifest(data_dir)
    path = store_path(cache_dir)
    conn = open_current(path, manifest)
    if conn is not None:
        return conn, manifest, None
    with building() if building else contextlib.nullcontext():
        report = build_store(cache_dir, data_dir)
    conn = open_current(path, manifest)
    if conn is None:
        raise ReferenceDataError(f"the reference data store {path} was built but cannot be opened")
    return conn, manifest, report


def store_needs_build(cache_dir: Path | None = None, data_dir: Path = DATA_DIR) -> bool:
    """Whether opening the reference data now would build the store first (for progress UI)."""
    manifest = load_manifest(data_dir)
    conn = open_current(store_path(cache_dir or default_cache_dir()), manifest)
    if conn is None:
        return True
    with contextlib.closing(conn):
        return False
