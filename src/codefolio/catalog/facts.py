"""What a publication states from the data sets, as a digest per record: an imported edition
republishes only the codes whose facts it changed.

A record's digest covers the rows of its codes (its own, its administration and related
codes, the codes of the same active ingredient) in the editions in force on the as-of date,
what changed for them from the editions before (the "Changes since the previous edition"
block), every ASP quarter of its code (the history table), the modifiers' rows, and which
quarterly data sets have no edition of the as-of quarter (the Review notes). Edition names
are left out, so a code whose facts an import did not change keeps its publication.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from codefolio.refdata import ReferenceData
from codefolio.refdata.codes import normalize_code

if TYPE_CHECKING:
    from codefolio.records.model import CodeRecord

_QUARTERLY = ("hcpcs", "mue", "asp", "asp-ndc", "opps")


def _codes(record: CodeRecord, ref: ReferenceData) -> set[str]:
    codes = {record.code}
    codes.update(entry.code for entry in record.administration_codes)
    codes.update(entry.code for entry in record.related_codes)
    if record.drug and record.drug.generic_name:
        codes.update(row.code for row in ref.hcpcs_naming(record.drug.generic_name))
    return {normalize_code(code) for code in codes}


@functools.lru_cache(maxsize=8)
def _shared_digest(ref: ReferenceData, as_of: date) -> str:
    """The digest of `_shared`: the same for every batch of records a worker keys."""
    return hashlib.sha256(_shared(ref, as_of).encode("utf-8")).hexdigest()


def _shared(ref: ReferenceData, as_of: date) -> str:
    """What every publication states alike: modifier rows, stale quarterly data sets."""
    quarter = f"{as_of.year}q{(as_of.month - 1) // 3 + 1}"
    parts: dict[str, Any] = {
        "modifiers": ref.table_rows("modifier_editions", "edition", ref.edition("hcpcs")),
    }
    for dataset_id in _QUARTERLY:
        release = ref.dataset(dataset_id).in_force(as_of)
        start = release.effective_start
        current = start is not None and f"{start.year}q{(start.month - 1) // 3 + 1}" == quarter
        parts[dataset_id] = "current" if current else release.edition
    for row in parts["modifiers"]:
        row.pop("edition")
    return json.dumps(parts, sort_keys=True, default=str)


def facts_keys(records: Sequence[CodeRecord], ref: ReferenceData, as_of: date) -> dict[str, str]:
    """Each record's code → the digest of the data set facts its publication states."""
    if not records:  # a rebuild that reads no record
        return {}
    from codefolio.refdata import datasets
    from codefolio.refdata.diff import diff_editions, previous_edition

    ref = ref.at(as_of)
    wanted: dict[str, set[str]] = {}
    for record in records:  # a second record of a code is refused: the first one counts
        if record.code not in wanted:
            wanted[record.code] = _codes(record, ref)
    every = set().union(*wanted.values()) if wanted else set()
    rows: dict[str, list[str]] = defaultdict(list)
    for dataset in ref.datasets():
        spec = datasets.spec(dataset.id)
        if not spec.diffs:
            continue
        current = ref.edition(dataset.id)
        editions = dataset.editions if dataset.id == "asp" else [current]  # ASP: its history
        for diffed in spec.diffs:
            table = spec.table(diffed.table)
            column = "edition" if table.editioned else "quarter"
            for edition in editions:
                for row in ref.table_rows(table.stored, column, edition, diffed.code_column, every):
                    code = row[diffed.code_column]
                    row.pop("edition", None)
                    if dataset.id != "asp":
                        row.pop("quarter", None)
                    rows[code].append(f"{diffed.table}:{sorted(row.items())!r}")
        previous = previous_edition(ref, dataset.id)
        if previous is not None:
            for change in diff_editions(ref, dataset.id, previous, current, every).changes:
                rows[change.code].append(f"change:{change.model_dump_json()}")
    shared = _shared_digest(ref, as_of)
    keys = {}
    for code, codes in wanted.items():
        digest = hashlib.sha256(shared.encode("ascii"))
        for item in sorted(line for c in sorted(codes) for line in rows.get(c, [])):
            digest.update(item.encode("utf-8") + b"\n")
        keys[code] = digest.hexdigest()
    return keys


def change_lines(ref: ReferenceData, code: str, as_of: date) -> list[str]:
    """What the editions in force changed for the code, for the build report."""
    from codefolio.refdata.diff import changes_since_previous

    diffs = changes_since_previous(ref.at(as_of), code)
    return [
        f"{dataset_id} {diff.from_edition}→{diff.to_edition}: {change.describe()}"
        for dataset_id, diff in diffs.items()
        for change in diff.changes
    ]
