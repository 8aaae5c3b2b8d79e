"""The catalogue manifest: what each publication in DIR was built from, so an unchanged one
is skipped without composing anything.

An entry's key hashes the normalized record with the build context (reference data
manifest, ICD-10-CM package, codefolio version, formats, the quarter findings are dated
in). An entry is recorded only after all its files are written, and the manifest itself is
written atomically, so a build killed at any point resumes safely.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from codefolio import __version__
from codefolio.catalog.index import IndexRow
from codefolio.fileio import read_limited, write_atomic
from codefolio.records.fields import CPT_PATTERN, HCPCS_PATTERN
from codefolio.records.model import CodeRecord
from codefolio.refdata.manifest import load_manifest
from codefolio.refdata.parse import icd10_package_version

MANIFEST_NAME = "catalog-manifest.json"
MANIFEST_FORMAT = "codefolio-catalog/1"


@dataclass(frozen=True)
class Output:
    sha256: str
    size: int


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
    key: str
    outputs: dict[str, Output]
    findings: list[StoredFinding]
    gaps: list[Gap]
    index: dict[str, Any]
    """The site index row (`catalog.index.IndexRow` fields), read off the Publication."""

    def files(self) -> list[str]:
        return [f"{self.code}.{fmt}" for fmt in self.outputs]

    def is_present(self, out_dir: Path) -> bool:
        """Every output is still there at its recorded size."""
        for fmt, output in self.outputs.items():
            try:
                if (out_dir / f"{self.code}.{fmt}").stat().st_size != output.size:
                    return False
            except OSError:
                return False
        return True


@dataclass
class CatalogManifest:
    entries: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT,
            "codefolio": __version__,
            "codefolio_code": code_digest(),
            "entries": {code: asdict(self.entries[code]) for code in sorted(self.entries)},
        }
        return json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8")

    def save(self, out_dir: Path) -> None:
        write_atomic(out_dir / MANIFEST_NAME, self.to_json())


def load_catalog_manifest(out_dir: Path) -> CatalogManifest:
    """The manifest in `out_dir`; an absent, damaged, foreign or invalid one means build
    everything (see `validated_entries`)."""
    try:
        raw = read_limited(out_dir / MANIFEST_NAME, MAX_MANIFEST_BYTES, noun="manifest")
        return CatalogManifest(validated_entries(raw))
    except (OSError, ValueError, RecursionError):
        return CatalogManifest()


def validated_entries(raw: bytes) -> dict[str, Entry]:
    """The entries of a manifest file, checked as strictly as a record: the manifest is
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
    return {key: _checked_entry(key, entry) for key, entry in stored.entries.items()}


@dataclass(frozen=True)
class _StoredManifest:
    """What `validated_entries` reads of a manifest file (other keys are informative)."""

    format: str
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
        if output.size < 0:
            raise ValueError(f"entry {key!r} has a negative size")
    try:
        row = _INDEX_ROW.validate_python(entry.index)
    except ValidationError as error:
        raise ValueError(f"entry {key!r} has no valid index row: {error}") from None
    if row.code != key or row.href not in entry.files():
        raise ValueError(f"entry {key!r} has an index row for another file")
    return replace(entry, index=asdict(row))


# The formats a catalogue publishes, as file extensions (codefolio.render.RENDERERS).
PUBLICATION_FORMATS = ("md", "txt", "html", "pdf", "json")
# A manifest of 20,000 codes is a few tens of megabytes.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
_CODE = re.compile(f"{HCPCS_PATTERN}|{CPT_PATTERN}")
_DIGEST = re.compile("[0-9a-f]{64}")
_FILE = TypeAdapter(_StoredManifest)
_INDEX_ROW = TypeAdapter(IndexRow)


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
