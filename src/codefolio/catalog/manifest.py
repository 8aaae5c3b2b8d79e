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
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from codefolio import __version__
from codefolio.fileio import write_atomic
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
    """The manifest in `out_dir`; an absent, damaged or foreign one means build everything."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_bytes())
        if data.get("format") != MANIFEST_FORMAT:
            return CatalogManifest()
        return CatalogManifest(
            {code: _entry(item) for code, item in data["entries"].items()},
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return CatalogManifest()


def _entry(item: dict[str, Any]) -> Entry:
    return Entry(
        code=item["code"],
        source=item["source"],
        key=item["key"],
        outputs={fmt: Output(**output) for fmt, output in item["outputs"].items()},
        findings=[StoredFinding(**finding) for finding in item["findings"]],
        gaps=[Gap(**gap) for gap in item["gaps"]],
        index=dict(item["index"]),
    )


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
