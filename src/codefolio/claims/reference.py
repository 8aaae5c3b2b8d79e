"""The reference tables the checks join, exported from the reference store (and the team's
records) as Parquet files that DuckDB and Spark both read.
"""

from __future__ import annotations

import contextlib
import csv
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import duckdb

from codefolio.billing.ndc import NdcError, normalize_ndc
from codefolio.billing.package_quantity import package_ndc_quantity
from codefolio.billing.pairing import ADD_ON_PRIMARIES, FAMILIES, add_on_rule
from codefolio.billing.rules import RULES
from codefolio.billing.units import parse_concentration
from codefolio.records.model import CodeRecord
from codefolio.refdata.manifest import DataSet, Manifest
from codefolio.refdata.store import connect_store, default_store_dir

Row = Sequence[Any]

# Table -> (column, DuckDB type) pairs.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    # Each edition of a data set and the dates it is in force on (open ends are NULL).
    "ref_editions": (
        ("dataset", "VARCHAR"),
        ("edition", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_until", "DATE"),
    ),
    "ref_hcpcs": (
        ("edition", "VARCHAR"),
        ("code", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_until", "DATE"),
    ),
    "ref_modifier": (
        ("edition", "VARCHAR"),
        ("code", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_until", "DATE"),
    ),
    "ref_mue": (
        ("edition", "VARCHAR"),
        ("code", "VARCHAR"),
        ("setting", "VARCHAR"),
        ("mue", "INTEGER"),
        ("mai", "INTEGER"),
    ),
    "ref_crosswalk": (("edition", "VARCHAR"), ("hcpcs_code", "VARCHAR"), ("ndc11", "VARCHAR")),
    "ref_ndc_units": (("ndc11", "VARCHAR"), ("ndc_unit", "VARCHAR"), ("per_unit", "DOUBLE")),
    # An add-on code's primaries as bits of `ref_day_codes.bit`.
    "ref_add_on": (("add_on", "VARCHAR"), ("primaries", "BIGINT"), ("rule_id", "VARCHAR")),
    # Codes a claim's day is summarised by: administration codes and add-on primaries.
    "ref_day_codes": (("code", "VARCHAR"), ("admin", "BOOLEAN"), ("bit", "BIGINT")),
    "ref_icd10": (("code", "VARCHAR"), ("billable", "BOOLEAN")),
    "ref_drug": (("code", "VARCHAR"), ("single_dose", "BOOLEAN"), ("administered", "BOOLEAN")),
    "ref_rules": (
        ("id", "VARCHAR"),
        ("scope", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_until", "DATE"),
    ),
    "ndc_forms": (("raw", "VARCHAR"), ("ndc11", "VARCHAR"), ("problem", "VARCHAR")),
}
# The data sets whose edition is chosen by each line's date of service, by manifest id.
EDITIONED: Final = {"hcpcs": "hcpcs", "modifier": "hcpcs", "mue": "mue"}


def _quarter_start(quarter: str) -> date:
    """`2026q1` -> 2026-01-01."""
    return date(int(quarter[:4]), 3 * int(quarter[-1]) - 2, 1)


def _crosswalk_spans(quarters: Iterable[str]) -> list[Row]:
    """Each crosswalk edition in force from its quarter's first day until the next edition;
    the latest stays in force for dates after it, and dates before the first have none."""
    ordered = sorted(set(quarters))
    spans: list[Row] = []
    for index, quarter in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        until = _quarter_start(following) - timedelta(days=1) if following else None
        spans.append(("crosswalk", quarter, _quarter_start(quarter).isoformat(), until))
    return spans


def _release_spans(table: str, dataset: DataSet) -> list[Row]:
    """The dates each edition of a data set is in force on, exactly as the manifest's
    `in_force` chooses them (the earliest edition also answers for earlier dates)."""
    starts = sorted({r.effective_start for r in dataset.releases if r.effective_start})
    bounds: list[date | None] = [None, *starts]
    spans: list[list[Any]] = []
    for index, start in enumerate(bounds):
        edition = dataset.in_force(start or date.min).edition
        if spans and spans[-1][1] == edition:
            spans[-1][3] = None
        else:
            spans.append([table, edition, start, None])
        following = bounds[index + 1] if index + 1 < len(bounds) else None
        if following is not None:
            spans[-1][3] = following - timedelta(days=1)
    return [tuple(span) for span in spans]


def _store_rows(
    conn: sqlite3.Connection, manifest: Manifest, records: list[CodeRecord]
) -> dict[str, list[Row]]:
    def rows(sql: str) -> list[Row]:
        return list(conn.execute(sql).fetchall())

    editions = _crosswalk_spans(q for (q,) in rows("SELECT DISTINCT quarter FROM asp_ndc"))
    for table, dataset_id in EDITIONED.items():
        editions += _release_spans(table, manifest.dataset(dataset_id))
    per_item = rows(
        "SELECT ndc11, billing_units FROM asp_ndc WHERE ndc11 != '' ORDER BY quarter DESC"
    )
    per_package = {
        str(ndc11): units
        for ndc11, units in rows(
            "SELECT ndc11, billing_units_per_package FROM asp_ndc WHERE ndc11 != '' "
            "ORDER BY quarter"
        )
    }
    drugs = {
        code
        for (code,) in rows(
            "SELECT code FROM hcpcs WHERE code LIKE 'J%' UNION SELECT code FROM asp "
            "UNION SELECT hcpcs_code FROM asp_ndc"
        )
    }
    return {
        "ref_editions": editions,
        "ref_hcpcs": rows("SELECT edition, code, add_date, termination_date FROM hcpcs_editions"),
        "ref_modifier": rows(
            "SELECT edition, code, add_date, termination_date FROM modifier_editions"
        ),
        "ref_mue": rows(
            "SELECT edition, code, setting, value, mai FROM mue_editions "
            "WHERE setting IN ('practitioner', 'outpatient_hospital')"
        ),
        "ref_crosswalk": rows(
            "SELECT DISTINCT quarter, hcpcs_code, ndc11 FROM asp_ndc WHERE ndc11 != ''"
        ),
        "ref_ndc_units": _ndc_units(per_item, per_package, records),
        "ref_icd10": [
            (code.replace(".", ""), bool(billable))
            for code, billable in rows("SELECT code, billable FROM icd10")
        ],
        "ref_drug": _drugs(drugs, records),
    }


def _ndc_units(
    per_item: list[Row], per_package: dict[str, Any], records: list[CodeRecord]
) -> list[Row]:
    """Billing units per NDC unit of measure: one UN is one item of the crosswalk's package
    (its billing units); the records add their packages' own NDC unit and quantity."""
    found: dict[tuple[str, str], float] = {}
    for ndc11, units in per_item:
        try:
            found.setdefault((str(ndc11), "UN"), float(str(units)))
        except ValueError:
            continue
    for record in records:
        drug = record.drug
        concentration = None
        if drug is not None and drug.concentration:
            concentration = parse_concentration(drug.concentration)
        for package in drug.packages if drug else []:
            reported = package_ndc_quantity(package, concentration)
            ndc11 = normalize_ndc(package.ndc)
            units = per_package.get(ndc11)
            if reported is None or not units or reported[1] <= 0:
                continue
            unit, quantity, _origin = reported
            with contextlib.suppress(ValueError):
                found[(ndc11, unit.upper())] = float(Fraction(str(units)) / Fraction(quantity))
    return [(ndc11, unit, per) for (ndc11, unit), per in sorted(found.items())]


def _drugs(codes: set[str], records: list[CodeRecord]) -> list[Row]:
    """Drug codes, single-dose where every package a record lists for the code is (None
    where the records do not say), and whether an administration code goes with them (not
    oral and inhaled drugs, J7500-J8999)."""
    single: dict[str, bool | None] = {}
    for record in records:
        packages = record.drug.packages if record.drug else []
        kinds = {package.single_dose for package in packages}
        single[record.code] = kinds.pop() if len(kinds) == 1 else None
    return [
        (code, single.get(code), code[0].isalpha() and not "J7500" <= code <= "J8999")
        for code in sorted(codes | set(single))
    ]


def _day_codes() -> tuple[list[Row], dict[str, int]]:
    """Administration codes and add-on primaries, each primary with a bit of its own (so a
    claim's day is one number of the primaries billed on it)."""
    admin = {
        str(number)
        for number in range(96360, 96550)
        if any(family.holds(str(number)) for family in FAMILIES)
    }
    primaries = sorted({code for codes in ADD_ON_PRIMARIES.values() for code in codes})
    bits = {code: 1 << index for index, code in enumerate(primaries)}
    assert len(bits) < 63, "the primaries no longer fit a BIGINT"
    rows: list[Row] = [
        (code, code in admin, bits.get(code, 0)) for code in sorted(admin | set(bits))
    ]
    return rows, bits


def _static_rows() -> dict[str, list[Row]]:
    day_codes, bits = _day_codes()
    return {
        "ref_add_on": [
            (add_on, sum(bits[code] for code in set(primaries)), add_on_rule(add_on))
            for add_on, primaries in ADD_ON_PRIMARIES.items()
        ],
        "ref_day_codes": day_codes,
        "ref_rules": [
            (
                rule.id,
                rule.scope,
                rule.in_force_from.isoformat() if rule.in_force_from else None,
                rule.in_force_until.isoformat() if rule.in_force_until else None,
            )
            for rule in RULES
        ],
    }


def ndc_forms(values: Iterable[str]) -> list[Row]:
    """Each NDC text of the claims read by the one normaliser: its 11-digit form, and why it
    is not the 11-digit billing form when it is not."""
    forms: list[Row] = []
    for raw in values:
        try:
            ndc11 = normalize_ndc(raw)
        except NdcError as error:
            forms.append((raw, None, str(error)))
            continue
        digits = raw.replace("-", "")
        problem = (
            None
            if digits == ndc11
            else (f"NDC {raw} is not in the 11-digit 5-4-2 billing form; report it as {ndc11}")
        )
        forms.append((raw, ndc11, problem))
    return forms


def write_table(conn: duckdb.DuckDBPyConnection, name: str, rows: list[Row], folder: Path) -> Path:
    """One table as Parquet in `folder`, through a CSV DuckDB reads with the declared types."""
    columns = TABLES[name]
    staged = folder / f"{name}.csv"
    with staged.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([column for column, _ in columns])
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    target = folder / f"{name}.parquet"
    types = ", ".join(f"'{column}': '{kind}'" for column, kind in columns)
    conn.execute(
        f"COPY (SELECT * FROM read_csv(?, header = true, columns = {{{types}}}, "
        "nullstr = '')) TO ? (FORMAT parquet)",
        [str(staged), str(target)],
    )
    staged.unlink()
    return target


def export_reference(
    folder: Path, records: list[CodeRecord], cache_dir: Path | None = None
) -> dict[str, Path]:
    """Write every reference table but `ndc_forms` (which depends on the claims) as Parquet
    into `folder`; returns table -> file."""
    store, manifest, _build = connect_store(cache_dir or default_store_dir())
    with closing(store):
        tables = _store_rows(store, manifest, records)
    tables.update(_static_rows())
    folder.mkdir(parents=True, exist_ok=True)
    with closing(duckdb.connect()) as conn:
        return {name: write_table(conn, name, rows, folder) for name, rows in tables.items()}
