"""The catalogue manifest: what each publication in DIR was built from, so an unchanged one
is skipped without composing anything.

An entry's key hashes the normalized record with the build context (reference data
manifest, ICD-10-CM package, codefolio version, formats, the quarter findings are dated
in). An entry is recorded only after all its files are written, and the manifest itself is
written atomically, so a build killed at any point resumes safely.

A rebuild trusts what is cheap to read: a record file whose size, mtime and inode are those
it had when last built, under the same context, is not read again; a publication whose
size, mtime and inode are those it was written with is not read either, and one where any
differs is read and checked against its sha256.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from codefolio import __version__
from codefolio.catalog.index import IndexRow
from codefolio.codes import CPT, HCPCS
from codefolio.fileio import read_limited, write_atomic
from codefolio.refdata.manifest import load_manifest
from codefolio.refdata.parse import icd10_package_version
from codefolio.render import FORMATS

if TYPE_CHECKING:
    from codefolio.records.model import CodeRecord

MANIFEST_NAME = "catalog-manifest.json"
MANIFEST_FORMAT = "codefolio-catalog/2"
# A file changed this close to when its stamp was taken may change again within the
# filesystem's timestamp granularity without its mtime moving: such a stamp is not kept.
_SETTLE_NS = 2_000_000_000


@dataclass(frozen=True)
class Stamp:
    """What a stat says of a file: equal stamps mean an unchanged file, cheaply."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> Stamp:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)

    def matches(self, stat: os.stat_result) -> bool:
        return (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (
            self.size,
            self.mtime_ns,
            self.inode,
        )

    @classmethod
    def settled(cls, stat: os.stat_result, read_at: int) -> Stamp | None:
        """The stamp of a file read after `read_at` (ns), or None when it had changed
        too shortly before to be trusted later."""
        return cls.of(stat) if read_at - stat.st_mtime_ns > _SETTLE_NS else None


@dataclass(frozen=True)
class Output:
    sha256: str
    stamp: Stamp

    def verified(self, path: str) -> Output | None:
        """This output if `path` still holds it (with its current stamp), else None.

        The stamp is compared first; when it differs the file is read and its digest
        compared, so a same-size edit is caught while a mere `touch` rebuilds nothing."""
        try:
            stat = os.stat(path)  # noqa: PTH116 (thousands of files: no Path object each)
            if self.stamp.matches(stat):
                return self
            if stat.st_size == self.stamp.size and _file_sha256(Path(path)) == self.sha256:
                return Output(self.sha256, Stamp.of(stat))
        except OSError:
            pass
        return None


@dataclass(frozen=True)
class StoredFinding:
    severity: str
    field: str
    message: str
    where: str
    """The finding located in its source: `records/J9306.yaml:14 modifiers[1].code: ...`."""


@dataclass(frozen=True)
class Gap:
    field: str
    label: str


@dataclass(frozen=True)
class Entry:
    """One code's last good build."""

    code: str
    source: str
    stamp: Stamp | None
    """The record file's stamp when it was read (None for a sheet row or a fresh file)."""
    key: str
    outputs: dict[str, Output]
    findings: list[StoredFinding]
    gaps: list[Gap]
    index: dict[str, Any]
    """The site index row (`catalog.index.IndexRow` fields), read off the Publication."""

    def files(self) -> list[str]:
        return [f"{self.code}.{fmt}" for fmt in self.outputs]

    def verified(self, out_dir: Path) -> Entry | None:
        """This entry if every output is still there as written (with the outputs' current
        stamps), else None: the publication must be built again."""
        outputs, moved = {}, False
        for fmt, output in self.outputs.items():
            found = output.verified(f"{out_dir}{os.sep}{self.code}.{fmt}")
            if found is None:
                return None
            outputs[fmt] = found
            moved |= found is not output
        return replace(self, outputs=outputs) if moved else self


@dataclass
class CatalogManifest:
    entries: dict[str, Entry] = field(default_factory=dict)
    context: str = ""
    """The build context every entry was built in (see `build_context`)."""
    report_as_of: str = ""
    """The as-of date of the report last written, or "" when it listed failures (so the next
    build writes it again)."""
    trusted: str = ""
    """What must be as it was for unchanged record files to be left unread (the reference
    store and the as-of date: see `catalog.build`)."""

    encoded: dict[str, tuple[Entry, str]] = field(default_factory=dict, repr=False)
    """Each entry's JSON as last saved: a build saves the manifest now and then, and
    encodes again only the entries it changed since."""

    def to_json(self) -> bytes:
        head = {
            "format": MANIFEST_FORMAT,
            "codefolio": __version__,
            "codefolio_code": code_digest(),
            "context": self.context,
            "report_as_of": self.report_as_of,
            "trusted": self.trusted,
        }
        entries = ",".join(f"{_dumps(code)}:{self._encode(code)}" for code in sorted(self.entries))
        return f'{_dumps(head)[:-1]},"entries":{{{entries}}}}}'.encode()

    def encode(self) -> None:
        """Encode every entry changed since the last save now (the build does it while the
        workers write the index and report); the save then only joins them."""
        for code in self.entries:
            self._encode(code)

    def _encode(self, code: str) -> str:
        entry = self.entries[code]
        cached = self.encoded.get(code)
        if cached is None or cached[0] is not entry:
            cached = self.encoded[code] = (entry, _dumps(_entry_json(entry)))
        return cached[1]

    def save(self, out_dir: Path) -> None:
        write_atomic(out_dir / MANIFEST_NAME, self.to_json())


def load_catalog_manifest(out_dir: Path) -> CatalogManifest:
    """The manifest in `out_dir`; an absent, damaged, foreign or invalid one means build
    everything (see `validated_entries`)."""
    try:
        raw = read_limited(out_dir / MANIFEST_NAME, MAX_MANIFEST_BYTES, noun="manifest")
        return validated_manifest(raw)
    except (OSError, ValueError, RecursionError):
        return CatalogManifest()


def validated_manifest(raw: bytes) -> CatalogManifest:
    """The manifest file's content, checked as strictly as a record: the manifest is
    input, and its values name files that a build replaces and removes. Every code has the
    shape of a billing code and is its entry's key, every format is one codefolio writes,
    every digest is one, and the index row links the entry's own file. Anything else
    raises ValueError: the caller then rebuilds everything."""
    try:
        stored = _FILE.validate_json(raw, strict=True)
    except ValidationError as error:
        raise ValueError(f"not a valid catalogue manifest: {error}") from None
    if stored.format != MANIFEST_FORMAT:
        raise ValueError(f"manifest format {stored.format!r}, not {MANIFEST_FORMAT!r}")
    entries = {key: _checked_entry(key, entry) for key, entry in stored.entries.items()}
    return CatalogManifest(entries, stored.context, stored.report_as_of, stored.trusted)


@dataclass(frozen=True)
class _StoredManifest:
    """What `validated_manifest` reads of a manifest file (other keys are informative)."""

    format: str
    context: str
    report_as_of: str
    trusted: str
    entries: dict[str, Entry]


def _checked_entry(key: str, entry: Entry) -> Entry:
    """The entry with its index row as `IndexRow` fields exactly, or ValueError."""
    if key != entry.code or not _CODE.fullmatch(key):
        raise ValueError(f"entry {key!r} does not hold the code {key!r}")
    if not _DIGEST.fullmatch(entry.key) or not entry.outputs:
        raise ValueError(f"entry {key!r} has no build key or no outputs")
    for fmt, output in entry.outputs.items():
        if fmt not in PUBLICATION_FORMATS or not _DIGEST.fullmatch(output.sha256):
            raise ValueError(f"entry {key!r} has an unknown format or digest")
        if output.stamp.size < 0:
            raise ValueError(f"entry {key!r} has a negative size")
    index = entry.index
    if any(type(index.get(name)) is not kind for name, kind in _INDEX_ROW_FIELDS.items()):
        raise ValueError(f"entry {key!r} has no valid index row")
    if index["code"] != key or index["href"] not in entry.files():
        raise ValueError(f"entry {key!r} has an index row for another file")
    if len(index) == len(_INDEX_ROW_FIELDS):
        return entry
    return replace(entry, index={name: index[name] for name in _INDEX_ROW_FIELDS})


# The formats a catalogue publishes, as file extensions.
PUBLICATION_FORMATS = FORMATS
# A manifest of 20,000 codes is a few tens of megabytes.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
_CODE = re.compile(f"{HCPCS.pattern}|{CPT.pattern}")
_DIGEST = re.compile("[0-9a-f]{64}")
_FILE = TypeAdapter(_StoredManifest)
# `IndexRow`'s fields and types, checked by hand: a catalogue has thousands of rows, and a
# validator per row took as long as reading the rest of the manifest.
_INDEX_ROW_FIELDS: dict[str, type] = typing.get_type_hints(IndexRow)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _entry_json(entry: Entry) -> dict[str, Any]:
    """The entry as `dataclasses.asdict` has it, built directly: asdict deep-copies
    everything and dominated saving a large manifest."""
    return {
        "code": entry.code,
        "source": entry.source,
        "stamp": None if entry.stamp is None else entry.stamp.__dict__,
        "key": entry.key,
        "outputs": {
            fmt: {"sha256": output.sha256, "stamp": output.stamp.__dict__}
            for fmt, output in entry.outputs.items()
        },
        "findings": [finding.__dict__ for finding in entry.findings],
        "gaps": [gap.__dict__ for gap in entry.gaps],
        "index": entry.index,
    }


def build_context(formats: Sequence[str], as_of: date, paper: str = "letter") -> str:
    """What every publication's bytes depend on besides its record.

    Findings (a terminated code) are dated; HCPCS changes take effect quarterly, so the
    quarter of `as_of` stands for the date and a new quarter rebuilds everything.
    """
    reference = load_manifest()
    quarter = f"{as_of.year}q{(as_of.month - 1) // 3 + 1}"
    parts = {
        "reference_data": reference.sha256,
        "icd10cm_package": icd10_package_version(),
        "codefolio": __version__,
        "codefolio_code": code_digest(),
        "formats": sorted(formats),
        "as_of_quarter": quarter,
        "paper": paper,
    }
    return _sha256(json.dumps(parts, sort_keys=True))


@functools.cache
def code_digest() -> str:
    """A digest of codefolio's own code and templates: a change to how publications are made
    rebuilds them even when the version number has not moved (the shipped reference data is
    covered by its manifest)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".css", ".js") and "data" not in path.parts:
            digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def record_key(context: str, record: CodeRecord) -> str:
    """The record's normalized content (its JSON, so layout and comments do not count)
    with the build context."""
    content = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return _sha256(f"{context}\n{content}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
