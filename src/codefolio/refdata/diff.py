"""What changed for each code between two editions of a data set (`codefolio refdata diff`,
`lookup --history`, a publication's "Changes since the previous edition").

Each data set declares in its registry module which fields are compared and how a change
is named (added, removed, terminated, re-described, changed); this module applies that to
the rows of two editions in the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

from codefolio.errors import ReferenceDataError
from codefolio.refdata import datasets
from codefolio.refdata.codes import normalize_code
from codefolio.refdata.lookup import ReferenceData


class Change(BaseModel):
    """One change to one code: `change` is added, removed, terminated, re-described or
    changed; `item` names the keyed row within the code (an MUE setting, an NDC package)."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    code: str
    change: str
    item: str | None = None
    field: str | None = None
    before: str | None = None
    after: str | None = None
    percent: str | None = None
    key: list[str] = []
    column: str = "code"
    """The row's key and the store column changed (or the key's last, for a row added or
    removed): what a citation of the change names."""

    def source(self, from_edition: str, to_edition: str) -> str:
        """`mue@2026-07-01:J9306.practitioner.value`: the row of the change, in the edition
        that holds it (the earlier one for a removed row)."""
        edition = from_edition if self.change == "removed" else to_edition
        return f"{self.dataset}@{edition}:{'.'.join(self.key)}.{self.column}"

    def describe(self) -> str:
        """The change in words, e.g. `payment limit 17.012 → 17.50 (+2.87%)`."""
        what = f"{self.item} " if self.item else ""
        if self.field is None:
            return f"{what}{self.change}".strip()
        shown = f"{self.field}: {self.before or '—'} → {self.after or '—'}"
        if self.percent is not None:
            shown += f" ({self.percent})"
        return f"{what}{shown}" if self.change == "changed" else f"{self.change}; {what}{shown}"


class EditionDiff(BaseModel):
    """Every change between two editions of one data set, ordered by code."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    from_edition: str
    to_edition: str
    changes: list[Change]

    def codes(self) -> list[str]:
        return list(dict.fromkeys(change.code for change in self.changes))


def _rows(
    ref: ReferenceData,
    table: datasets.Table,
    diffed: datasets.Diffed,
    edition: str,
    codes: set[str] | None,
) -> list[dict[str, Any]]:
    column = "edition" if table.editioned else "quarter"
    return ref.table_rows(table.stored, column, edition, diffed.code_column, codes)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _percent(before: str | None, after: str | None) -> str | None:
    try:
        old, new = Decimal(before or ""), Decimal(after or "")
    except InvalidOperation:
        return None
    if old == 0:
        return None
    return f"{(new - old) / old * 100:+.2f}%"


def _same(before: object, after: object) -> bool:
    """Equal, counting runs of spaces as one (the fixed-width HCPCS file and the workbook
    space a descriptor cut into pieces differently) and numbers by value."""
    if isinstance(before, str) and isinstance(after, str):
        if " ".join(before.split()) == " ".join(after.split()):
            return True
        try:
            return Decimal(before) == Decimal(after)
        except InvalidOperation:
            return False
    return before == after


def _table_changes(
    dataset_id: str, spec: datasets.Diffed, old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> Iterable[Change]:
    def keyed(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
        return {tuple(str(row[k]) for k in spec.key): row for row in rows}

    before, after = keyed(old), keyed(new)
    whole_code = spec.key == (spec.code_column,)
    for key in sorted(before.keys() | after.keys()):
        code = key[0]
        item = None if whole_code else f"{spec.item} {' '.join(key[1:])}"
        if key not in before or key not in after:
            change = "added" if key not in before else "removed"
            yield Change(
                dataset=dataset_id,
                code=code,
                change=change,
                item=item,
                key=list(key),
                column=spec.key[-1],
            )
            continue
        for compared in spec.compared:
            was, now = before[key][compared.column], after[key][compared.column]
            if _same(was, now):
                continue
            change = compared.change
            if change == "terminated" and (was is not None or now is None):
                change = "changed"
            yield Change(
                dataset=dataset_id,
                code=code,
                change=change,
                item=item,
                field=compared.label,
                before=_text(was),
                after=_text(now),
                percent=_percent(_text(was), _text(now)) if compared.percent else None,
                key=list(key),
                column=compared.column,
            )


def diff_editions(
    ref: ReferenceData,
    dataset_id: str,
    from_edition: str,
    to_edition: str,
    codes: Iterable[str] | None = None,
) -> EditionDiff:
    """The changes from one edition of a data set to another, for every code or `codes`."""
    spec = datasets.spec(dataset_id)
    dataset = ref.dataset(dataset_id)
    for edition in (from_edition, to_edition):
        dataset.release(edition)  # raises naming the editions held
    if not spec.diffs:
        raise ReferenceDataError(f"data set {dataset_id!r} has a single edition; no diff")
    wanted = None if codes is None else {normalize_code(code) for code in codes}
    changes: list[Change] = []
    for diffed in spec.diffs:
        table = spec.table(diffed.table)
        old = _rows(ref, table, diffed, from_edition, wanted)
        new = _rows(ref, table, diffed, to_edition, wanted)
        changes.extend(_table_changes(dataset_id, diffed, old, new))
    changes.sort(key=lambda change: change.code)
    return EditionDiff(
        dataset=dataset_id, from_edition=from_edition, to_edition=to_edition, changes=changes
    )


def diff_dates(
    ref: ReferenceData, first: date, second: date, codes: Iterable[str] | None = None
) -> list[EditionDiff]:
    """For every data set with editions to compare, the change between the editions in
    force on two dates (none where the same edition is in force on both)."""
    wanted = None if codes is None else list(codes)
    diffs = []
    for dataset in ref.datasets():
        if not datasets.spec(dataset.id).diffs:
            continue
        old, new = dataset.in_force(first).edition, dataset.in_force(second).edition
        if old != new:
            diffs.append(diff_editions(ref, dataset.id, old, new, wanted))
    return diffs


def previous_edition(ref: ReferenceData, dataset_id: str) -> str | None:
    """The edition before the one in force for `ref`, or None for the first."""
    editions = ref.dataset(dataset_id).editions
    index = editions.index(ref.edition(dataset_id))
    return editions[index - 1] if index > 0 else None


def changes_since_previous(ref: ReferenceData, code: str) -> dict[str, EditionDiff]:
    """For each data set, what changed for `code` from the previous edition to the one in
    force (data sets with a single edition are left out)."""
    found = {}
    for dataset in ref.datasets():
        if not datasets.spec(dataset.id).diffs:
            continue
        previous = previous_edition(ref, dataset.id)
        if previous is None:
            continue
        edition = ref.edition(dataset.id)
        held = _codes_held(ref, dataset.id, previous, edition)
        if held is None or normalize_code(code) in held:
            found[dataset.id] = diff_editions(ref, dataset.id, previous, edition, [code])
        else:  # in neither edition: nothing changed, and no table need be read
            found[dataset.id] = EditionDiff(
                dataset=dataset.id, from_edition=previous, to_edition=edition, changes=[]
            )
    return found


# Codes a view diffs by reading their rows before it reads which codes the two editions
# hold at all: a catalogue asks for thousands of codes, most of them in no quarterly
# payment file, and a single build for one.
_CODES_BEFORE_HELD = 32


def _codes_held(ref: ReferenceData, dataset_id: str, old: str, new: str) -> set[str] | None:
    """The codes either edition of a data set holds, once the view has been asked about
    enough codes for reading them to pay; None before."""
    asked = ref.remembered(("changes asked", dataset_id, old, new), lambda: [0])
    asked[0] += 1
    if asked[0] <= _CODES_BEFORE_HELD:
        return None

    def held() -> set[str]:
        spec = datasets.spec(dataset_id)
        codes: set[str] = set()
        for diffed in spec.diffs:
            table = spec.table(diffed.table)
            column = "edition" if table.editioned else "quarter"
            codes |= ref.table_codes(table.stored, column, (old, new), diffed.code_column)
        return codes

    return ref.remembered(("codes held", dataset_id, old, new), held)


class HistoryEntry(BaseModel):
    """A code's facts in one edition of a data set, and what changed from the edition before."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    edition: str
    effective_start: date | None
    facts: list[str]
    changes: list[str]


def _facts(ref: ReferenceData, dataset_id: str, edition: str, code: str) -> list[str]:
    spec = datasets.spec(dataset_id)
    facts = []
    for diffed in spec.diffs:
        table = spec.table(diffed.table)
        for row in _rows(ref, table, diffed, edition, {code}):
            item = "" if diffed.key == (diffed.code_column,) else f"{diffed.item} "
            item += " ".join(str(row[k]) for k in diffed.key[1:])
            shown = "; ".join(
                f"{c.label} {row[c.column]}" for c in diffed.compared if row[c.column] is not None
            )
            facts.append(f"{item.strip()}: {shown}" if item.strip() else shown)
    return facts


def code_history(ref: ReferenceData, code: str) -> list[HistoryEntry]:
    """`lookup CODE --history`: the code in every edition of every data set that holds it,
    oldest first per data set, with the change from the edition before."""
    key = normalize_code(code)
    entries: list[HistoryEntry] = []
    for dataset in ref.datasets():
        if not datasets.spec(dataset.id).diffs:
            continue
        previous: str | None = None
        for release in dataset.releases:
            facts = _facts(ref, dataset.id, release.edition, key)
            changes: list[str] = []
            if previous is not None:
                diff = diff_editions(ref, dataset.id, previous, release.edition, [key])
                changes = [change.describe() for change in diff.changes]
            previous = release.edition
            if facts or changes:
                entries.append(
                    HistoryEntry(
                        dataset=dataset.id,
                        edition=release.edition,
                        effective_start=release.effective_start,
                        facts=facts,
                        changes=changes,
                    )
                )
    return entries
