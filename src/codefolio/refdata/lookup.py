"""`ReferenceData`: typed point lookups over the store, one method per question.

Lookups normalize the code first and return None (or an empty list) for a code the data
set does not hold; only a malformed question (an ambiguous NDC, an unknown data set or
quarter) raises `ReferenceDataError`.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from codefolio.billing.ndc import format_ndc11
from codefolio.errors import ReferenceDataError
from codefolio.refdata.codes import (
    Kind,
    normalize_code,
    normalize_icd10,
    normalize_ndc,
    require_kind,
)
from codefolio.refdata.manifest import DATA_DIR, DataSet, Manifest
from codefolio.refdata.models import (
    AspLimit,
    Diagnosis,
    HcpcsCode,
    Modifier,
    Mue,
    NdcPackage,
    OppsRate,
    PlaceOfService,
    Taxonomy,
)
from codefolio.refdata.nearest import rank_nearest
from codefolio.refdata.store import (
    Building,
    BuildReport,
    build_store,
    connect_store,
    default_store_dir,
    store_path,
)

# Codes each kind can suggest; "hcpcs" covers every HCPCS/CPT code any data set holds.
_KNOWN_CODES = {
    "hcpcs": "SELECT code FROM hcpcs UNION SELECT code FROM mue UNION SELECT code FROM opps "
    "UNION SELECT code FROM asp",
    "modifier": "SELECT code FROM modifier",
    "pos": "SELECT code FROM pos",
    "taxonomy": "SELECT code FROM taxonomy",
    "icd10": "SELECT replace(code, '.', '') AS code FROM icd10",  # ranked undotted
}
# The words of a descriptor, as the pattern of `hcpcs_naming` bounds them.
_WORD = re.compile(r"\w+")
# Names looked up by scanning every descriptor before the word index is built: a scan takes
# about a millisecond, the index fifty, and a catalogue asks for thousands of names.
_SCANS_BEFORE_INDEX = 8
# The descriptors that may hold a name, without reading all of them (15 ms) for the first
# names: SQLite's LIKE ignores the case of ASCII letters only, as `str.lower` folds them, so
# a descriptor holding any other character (more bytes than characters, or a NUL) is always
# read for Python to fold and check.
_HOLDING = (
    "SELECT code, long_description FROM hcpcs_editions WHERE edition = ? AND ("
    "long_description LIKE ? ESCAPE '\\' "
    "OR length(long_description) != length(CAST(long_description AS BLOB))) ORDER BY code"
)
_LIKE_BYTES = 10_000  # SQLite refuses a LIKE pattern of over 50,000 bytes


def containing(text: str) -> str:
    """The LIKE pattern (escaped by `\\`) of a value holding `text`, its `%` and `_` literal."""
    return "%" + re.sub(r"[\\%_]", r"\\\g<0>", text) + "%"


_Row = TypeVar("_Row")


def _memoized(
    lookup: Callable[[ReferenceData, str], _Row],
) -> Callable[[ReferenceData, str], _Row]:
    """A point lookup asked once per view and code: checking and composing a catalogue ask
    for the same codes, modifiers and places again and again. The rows are frozen, and a
    rebuilt store is opened anew (`forget_reference_data`)."""

    @functools.wraps(lookup)
    def cached(self: ReferenceData, code: str) -> _Row:
        return self.remembered((lookup.__name__, code), lambda: lookup(self, code))

    return cached


class ReferenceData:
    """The shipped reference data sets, opened over one store connection."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        manifest: Manifest,
        path: Path,
        build: BuildReport | None = None,
        as_of: date | None = None,
    ) -> None:
        self._conn = conn
        self._conn.row_factory = sqlite3.Row
        # One read transaction for the connection's life: outside one, SQLite takes and
        # drops its file lock and looks for a hot journal around every query, most of a
        # point lookup's cost. Nothing waits on that lock: the store is read-only, and a
        # rebuild renames a new file into place.
        self._conn.execute("BEGIN")
        self._lock = threading.Lock()
        self._known: dict[str, list[str]] = {}
        self._descriptors: list[tuple[str, str]] = []
        self._naming: dict[str, list[str]] = {}
        self._words: dict[str, list[int]] = {}
        self._memo: dict[tuple[str, ...], Any] = {}
        self._views: dict[tuple[str, ...], ReferenceData] = {}
        self._dated: dict[date, ReferenceData] = {}
        self.manifest = manifest
        self.path = path
        self.build = build
        self.as_of = as_of or date.today()
        self._editions = {
            dataset.id: dataset.in_force(self.as_of).edition for dataset in manifest.datasets
        }
        self._quarters = {release.edition: release for release in manifest.dataset("asp").releases}

    def at(self, as_of: date) -> ReferenceData:
        """The same store, answering from the editions in force on `as_of` (HCPCS, MUE and
        OPPS by effective date, the ASP crosswalk by quarter); one view per set of editions
        is kept, so what it reads once (descriptors) is read once."""
        known = self._dated.get(as_of)
        if known is not None:  # checking and composing each record ask for the same date
            return known
        editions = tuple(dataset.in_force(as_of).edition for dataset in self.manifest.datasets)
        if editions == tuple(self._editions.values()):
            self._dated[as_of] = self
            return self
        with self._lock:
            view = self._views.get(editions)
            if view is None:
                view = ReferenceData.__new__(ReferenceData)
                view.__dict__.update(self.__dict__)
                view._known, view._descriptors, view._naming, view._words = {}, [], {}, {}
                view._memo, view._dated = {}, {}
                view.as_of = as_of
                view._editions = dict(zip(self._editions, editions, strict=True))
                self._views[editions] = view
            self._dated[as_of] = view
        return view

    def edition(self, dataset_id: str) -> str:
        """The edition of a data set these lookups answer from (in force on `as_of`)."""
        self.manifest.dataset(dataset_id)  # raises for an unknown id
        return self._editions[dataset_id]

    def _in_edition(
        self, table: str, dataset_id: str, where: str, *args: object
    ) -> list[dict[str, Any]]:
        """Rows of an editioned table in the edition in force, without the edition column."""
        rows = self._rows(
            f"SELECT * FROM {table}_editions WHERE edition = ? AND {where}",
            self._editions[dataset_id],
            *args,
        )
        for row in rows:
            row.pop("edition")
        return rows

    @classmethod
    def open(
        cls, cache_dir: Path, data_dir: Path = DATA_DIR, building: Building | None = None
    ) -> ReferenceData:
        """Open the store in `cache_dir`, building it first (inside `building()`) if it is
        missing, stale or damaged."""
        conn, manifest, build = connect_store(cache_dir, data_dir, building)
        return cls(conn, manifest, store_path(cache_dir), build)

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, *args: object) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._conn.execute(sql, args).fetchall()]

    def _row(self, sql: str, *args: object) -> dict[str, Any] | None:
        rows = self._rows(sql, *args)
        return rows[0] if rows else None

    def table_rows(
        self,
        table: str,
        edition_column: str,
        edition: str,
        code_column: str | None = None,
        codes: set[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of one edition of a store table (of the codes given), for diffs. The names
        come from the data set registry, never from input."""
        sql = f"SELECT * FROM {table} WHERE {edition_column} = ?"
        args: list[object] = [edition]
        if code_column is not None and codes is not None:
            sql += f" AND {code_column} IN ({', '.join('?' * len(codes))})"
            args.extend(sorted(codes))
        return self._rows(sql, *args)

    def table_codes(
        self, table: str, edition_column: str, editions: tuple[str, ...], code_column: str
    ) -> set[str]:
        """Every code some of `editions` of a store table holds (names from the registry)."""
        marks = ", ".join("?" * len(editions))
        sql = f"SELECT DISTINCT {code_column} FROM {table} WHERE {edition_column} IN ({marks})"
        with self._lock:
            return {code for (code,) in self._conn.execute(sql, editions)}

    def remembered(self, key: tuple[str, ...], make: Callable[[], _Row]) -> _Row:
        """`make()`, worked out once per view: what a catalogue asks for every record."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            found = self._memo[key] = make()
            return found

    # Data sets

    def datasets(self) -> list[DataSet]:
        return list(self.manifest.datasets)

    def dataset(self, dataset_id: str) -> DataSet:
        """The manifest entry; raises ReferenceDataError for an unknown id."""
        return self.manifest.dataset(dataset_id)

    # Code sets

    @_memoized
    def hcpcs(self, code: str) -> HcpcsCode | None:
        """The HCPCS Level II procedure row (RECID 3); None for CPT and unknown codes."""
        rows = self._in_edition("hcpcs", "hcpcs", "code = ?", normalize_code(code))
        if not rows:
            return None
        row = rows[0]
        services = row.pop("type_of_service")
        return HcpcsCode.from_store(
            "hcpcs",
            self._editions["hcpcs"],
            type_of_service=services.split(",") if services else [],
            **row,
        )

    def hcpcs_naming(self, ingredient: str) -> list[HcpcsCode]:
        """HCPCS codes whose long descriptor names `ingredient` as a word of its own, or with
        a biosimilar suffix (`trastuzumab-dkst`), but not inside another molecule's name
        (`ado-trastuzumab emtansine`), in code order."""
        name = " ".join(ingredient.lower().split())
        if not name:
            return []
        if name not in self._naming:
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?:-[a-z]{{4}})?(?![\w-])")
            self._naming[name] = [
                code
                for code, text in self._naming_candidates(name)
                if name in text and pattern.search(text)
            ]
        return [row for code in self._naming[name] if (row := self.hcpcs(code))]

    def _naming_candidates(self, name: str) -> list[tuple[str, str]]:
        """The descriptors holding the rarest word of `name`, in code order: a descriptor
        naming it has every word of the name as a word of its own (the first few names,
        the descriptors holding the name at all)."""
        words = set(_WORD.findall(name))
        if not words:
            return self._all_descriptors()
        if not self._words:
            if len(self._naming) < _SCANS_BEFORE_INDEX:  # one build asks for a name or two
                return self._descriptors_holding(name)
            for index, (_, text) in enumerate(self._all_descriptors()):
                for word in set(_WORD.findall(text)):
                    self._words.setdefault(word, []).append(index)
        rarest = min((self._words.get(word, []) for word in words), key=len)
        return [self._descriptors[index] for index in rarest]

    def _all_descriptors(self) -> list[tuple[str, str]]:
        """Every (code, lowercase long descriptor) of the HCPCS edition, in code order."""
        if not self._descriptors:
            with self._lock:  # two columns of every row: no dict per row
                rows = self._conn.execute(
                    "SELECT code, long_description FROM hcpcs_editions "
                    "WHERE edition = ? ORDER BY code",
                    (self._editions["hcpcs"],),
                ).fetchall()
            self._descriptors = [(code, text.lower()) for code, text in rows]
        return self._descriptors

    def _descriptors_holding(self, name: str) -> list[tuple[str, str]]:
        """The (code, lowercase descriptor) pairs holding `name`, in code order."""
        like = containing(name)
        if self._descriptors or len(like.encode()) > _LIKE_BYTES:
            return [(code, text) for code, text in self._all_descriptors() if name in text]
        with self._lock:
            rows = self._conn.execute(_HOLDING, (self._editions["hcpcs"], like)).fetchall()
        lowered = ((code, text.lower()) for code, text in rows)
        return [(code, text) for code, text in lowered if name in text]

    @_memoized
    def modifier(self, code: str) -> Modifier | None:
        rows = self._in_edition("modifier", "hcpcs", "code = ?", normalize_code(code))
        row = rows[0] if rows else None
        return None if row is None else Modifier.from_store("hcpcs", self._editions["hcpcs"], **row)

    @_memoized
    def pos(self, code: str) -> PlaceOfService | None:
        rows = self._in_edition("pos", "pos", "code = ?", normalize_code(code))
        row = rows[0] if rows else None
        return (
            None if row is None else PlaceOfService.from_store("pos", self._editions["pos"], **row)
        )

    @_memoized
    def taxonomy(self, code: str) -> Taxonomy | None:
        rows = self._in_edition("taxonomy", "nucc", "code = ?", normalize_code(code))
        row = rows[0] if rows else None
        return None if row is None else Taxonomy.from_store("nucc", self._editions["nucc"], **row)

    @_memoized
    def icd10(self, code: str) -> Diagnosis | None:
        """An ICD-10-CM category, subcategory or code (not a chapter or block)."""
        row = self._row("SELECT * FROM icd10 WHERE code = ?", normalize_icd10(code))
        if row is None:
            return None
        return Diagnosis.from_store("icd10cm", self._editions["icd10cm"], **row)

    # Payment and edit tables

    def mue(self, code: str) -> list[Mue]:
        """One edit per setting: practitioner, outpatient_hospital, dme_supplier (in that order)."""
        rows = self._in_edition(
            "mue", "mue", "code = ? ORDER BY setting_order", normalize_code(code)
        )
        for row in rows:
            row.pop("setting_order")
        return [Mue.from_store("mue", self._editions["mue"], **row) for row in rows]

    def asp_history(self, code: str) -> list[AspLimit]:
        """The code's payment limit in each shipped quarter it appears in, oldest first."""
        rows = self._rows("SELECT * FROM asp WHERE code = ? ORDER BY quarter", normalize_code(code))
        limits = []
        for row in rows:
            release = self._quarters[row["quarter"]]
            limits.append(
                AspLimit.from_store(
                    "asp",
                    row["quarter"],
                    effective_start=release.effective_start,
                    effective_end=release.effective_end,
                    **row,
                )
            )
        return limits

    def _packages(self, rows: list[dict[str, Any]]) -> list[NdcPackage]:
        return [NdcPackage.from_store("asp-ndc", row["quarter"], **row) for row in rows]

    def ndc_packages(self, code: str, quarter: str | None = None) -> list[NdcPackage]:
        """Crosswalk rows for a HCPCS code in the quarter in force, or in `quarter`."""
        wanted = self._crosswalk_quarter(quarter)
        rows = self._rows(
            "SELECT * FROM asp_ndc WHERE hcpcs_code = ? AND quarter = ? ORDER BY ndc",
            normalize_code(code),
            wanted,
        )
        return self._packages(rows)

    def ndc(self, ndc: str) -> list[NdcPackage]:
        """Crosswalk rows of the quarter in force for an NDC in any hyphenation or 11 digits."""
        rows = self._rows(
            "SELECT * FROM asp_ndc WHERE ndc11 = ? AND quarter = ? ORDER BY hcpcs_code",
            normalize_ndc(ndc),
            self._crosswalk_quarter(None),
        )
        return self._packages(rows)

    def _crosswalk_quarter(self, quarter: str | None) -> str:
        dataset = self.manifest.dataset("asp-ndc")
        if quarter is None:
            return self._editions["asp-ndc"]
        return dataset.release(quarter.strip().lower()).edition

    def opps(self, code: str) -> OppsRate | None:
        rows = self._in_edition("opps", "opps", "code = ?", normalize_code(code))
        row = rows[0] if rows else None
        return None if row is None else OppsRate.from_store("opps", self._editions["opps"], **row)

    # Suggestions

    def nearest(self, kind: str, code: str, limit: int = 5) -> list[str]:
        """Known codes of `kind` nearest to `code`, best first, for "did you mean"."""
        checked: Kind = require_kind(kind)
        if checked == "icd10":
            bare = normalize_icd10(code).replace(".", "")
            return [
                normalize_icd10(c) for c in rank_nearest(bare, self.known_codes(checked), limit)
            ]
        if checked == "ndc":
            digits = "".join(ch for ch in code if ch.isdigit())
            with contextlib.suppress(ReferenceDataError):
                digits = normalize_ndc(code)
            return [format_ndc11(c) for c in rank_nearest(digits, self.known_codes(checked), limit)]
        return rank_nearest(normalize_code(code), self.known_codes(checked), limit)

    def known_codes(self, kind: Kind) -> list[str]:
        """Every code of `kind` the data sets hold, sorted (NDCs as 11 digits, of the quarter
        in force; other codes of the newest editions)."""
        if kind not in self._known:
            if kind == "ndc":
                codes = [
                    row["ndc11"]
                    for row in self._rows(
                        "SELECT DISTINCT ndc11 FROM asp_ndc "
                        "WHERE quarter = ? AND ndc11 IS NOT NULL",
                        self._crosswalk_quarter(None),
                    )
                ]
            else:
                codes = [row["code"] for row in self._rows(_KNOWN_CODES[kind])]
            self._known[kind] = sorted(codes)
        return self._known[kind]


_DEFAULT: dict[Path, ReferenceData] = {}
_DEFAULT_LOCK = threading.Lock()


def open_reference_data(
    cache_dir: Path | None = None, building: Building | None = None
) -> ReferenceData:
    """The reference data, building the store on first use (inside `building()`, if given).

    With no `cache_dir` the store lives in the default store folder and the opened
    instance is shared for the rest of the process; an explicit folder gets a new one.
    """
    if cache_dir is not None:
        return ReferenceData.open(cache_dir, building=building)
    folder = default_store_dir()
    with _DEFAULT_LOCK:
        if folder not in _DEFAULT:
            _DEFAULT[folder] = ReferenceData.open(folder, building=building)
        return _DEFAULT[folder]


def forget_reference_data(cache_dir: Path | None = None) -> None:
    """Let the next `open_reference_data()` reopen the store (after an import rebuilt it)."""
    with _DEFAULT_LOCK:
        _DEFAULT.pop(cache_dir or default_store_dir(), None)


def rebuild_reference_data(cache_dir: Path | None = None) -> BuildReport:
    """Rebuild the store now; the process's shared instance for that folder reopens next time.

    An instance already handed out keeps reading the store it opened, which stays intact.
    """
    folder = cache_dir or default_store_dir()
    with _DEFAULT_LOCK:
        _DEFAULT.pop(folder, None)
        return build_store(folder)
