"""Worked billing examples: each dose in the record in billing units, the packages it opens,
the JW or JZ lines, the NDC quantities and the MUE, computed once so that the Coding
Specifications text and the Claim Appearance lines show the same numbers.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from codefolio.billing.claim_lines import NdcReport
from codefolio.billing.mue import MUE_RULE, MUE_SETTINGS, MueComparison, compare_to_mue
from codefolio.billing.ndc import normalize_ndc
from codefolio.billing.units import (
    ROUNDING_RULE,
    BillingUnit,
    Concentration,
    ConversionError,
    DoseUnits,
    convert,
    format_quantity,
    parse_billing_unit,
    parse_concentration,
    round_half_up,
    units_for_dose,
)
from codefolio.billing.wastage import WASTAGE_RULE, PackageSize, Wastage, least_waste
from codefolio.compose.common import format_amount, join_words, rule, sentence, src
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import MISSING_TEXT, Paragraph, SourceRef
from codefolio.compose.rules import OFFICE_POS, OUTPATIENT_HOSPITAL_POS
from codefolio.records.model import CodeRecord, Dose, Package
from codefolio.refdata import Mue, NdcPackage

_MUE_SETTING_POS = {
    "practitioner": OFFICE_POS,
    "outpatient_hospital": OUTPATIENT_HOSPITAL_POS,
}
ROUNDING = rule(f"Medicare Part B drug billing units: {ROUNDING_RULE}")
WASTAGE = rule(WASTAGE_RULE)
MUE = rule(MUE_RULE)


@dataclass(frozen=True)
class UnitOfCode:
    """The billing unit and where it was read: the input, else the HCPCS descriptor."""

    unit: BillingUnit
    sources: list[SourceRef]


@dataclass(frozen=True)
class Supply:
    """One package size a dose may be drawn from, with its NDC reporting facts."""

    size: PackageSize
    ndc11: str
    ndc_unit: str | None
    ndc_quantity: Decimal | None  # of `ndc_unit` in one package
    label: str
    sources: list[SourceRef]


@dataclass(frozen=True)
class WorkedDose:
    index: int
    dose: Dose
    units: DoseUnits | None
    problem: str | None  # why the dose could not be worked in units
    wastage: Wastage | None
    supply: Supply | None
    mue: list[tuple[Mue, MueComparison]] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    modifier_names: dict[str, str] = field(default_factory=dict)
    """JW or JZ with its HCPCS descriptor, for the text."""

    @property
    def line_sources(self) -> list[SourceRef]:
        """What a claim line built from this dose cites: the input and the rules. The data
        set facts behind it are cited, with their values, in the worked example's text."""
        return [ref for ref in self.sources if ref.kind != "dataset"]

    def modifier_name(self, code: str) -> str:
        return self.modifier_names.get(code, code)

    @property
    def total_units(self) -> int:
        return billed_units(self.units, self.wastage) if self.units else 0

    def ndc_report(self, amount: Fraction) -> NdcReport | None:
        """The NDC for a line of `amount` (in the billing unit's measure): its quantity is the
        amount in the package's NDC unit of measure, to three decimals."""
        supply = self.supply
        if supply is None or supply.ndc_unit is None or supply.ndc_quantity is None:
            return None
        share = amount / supply.size.content * Fraction(supply.ndc_quantity)
        quantity = round_half_up(share, 3)
        return NdcReport(supply.ndc11, supply.ndc_unit, quantity.normalize())


def billed_units(units: DoseUnits, wastage: Wastage | None) -> int:
    """Units billed for the date of service: administered plus the JW line."""
    return units.units + (wastage.discarded_units if wastage else 0)


@dataclass(frozen=True)
class BillingWork:
    unit: UnitOfCode | None
    unit_problem: str | None
    concentration: Concentration | None
    supplies: list[Supply]
    doses: list[WorkedDose]


def work_billing(record: CodeRecord, facts: ReferenceFacts) -> BillingWork:
    """Every dose of the record worked through units, wastage, NDC quantity and MUE."""
    unit, unit_problem = _billing_unit(record, facts)
    drug = record.drug
    concentration = None
    if drug and drug.concentration:
        concentration = parse_concentration(drug.concentration)  # checked on load
    supplies = _supplies(record, facts, unit.unit, concentration) if unit else []
    settings = _mue_settings(record)
    mue_rows = [row for row in facts.mue if row.setting in settings]
    doses = [
        _work_dose(index, dose, unit, concentration, supplies, mue_rows, facts)
        for index, dose in enumerate(drug.doses if drug else [])
    ]
    return BillingWork(unit, unit_problem, concentration, supplies, doses)


def _billing_unit(
    record: CodeRecord, facts: ReferenceFacts
) -> tuple[UnitOfCode | None, str | None]:
    if record.drug and record.drug.billing_unit:
        parsed = parse_billing_unit(record.drug.billing_unit)  # checked on load
        if parsed:
            return UnitOfCode(parsed, src("drug.billing_unit")), None
    if facts.hcpcs is None:
        return None, None
    parsed = parse_billing_unit(facts.hcpcs.long_description)
    if parsed is None:
        return None, (
            f"the HCPCS descriptor of {record.code} states no single billing unit "
            "(a combination, a range or no quantity), and the input gives none"
        )
    return UnitOfCode(parsed, cite(facts.hcpcs, "long_description")), None


def _supplies(
    record: CodeRecord,
    facts: ReferenceFacts,
    unit: BillingUnit,
    concentration: Concentration | None,
) -> list[Supply]:
    """The input's packages, each sized by its amount or, without one, by the crosswalk's
    billing units per package; with no input package, the crosswalk's packages (container
    kind unknown). A package whose size cannot be told is left out."""
    drug = record.drug
    supplies = []
    for index, package in enumerate(drug.packages if drug else []):
        sources = src(f"drug.packages[{index}]")
        content = None
        if package.amount and package.unit:
            with contextlib.suppress(ConversionError):
                content = convert(package.amount, package.unit, unit.unit, concentration)
        row = facts.crosswalk_row(package.ndc)
        if content is None and row is not None:
            content = _crosswalk_content(row, unit)
            sources += cite(row, "billing_units_per_package") if content else []
        if content:
            supplies.append(_supply_of(package, content, sources))
    if drug and drug.packages:
        return supplies
    for row in facts.ndc_packages:
        content = _crosswalk_content(row, unit)
        if row.ndc11 is None or content is None:
            continue
        size = PackageSize(ndc=row.ndc, content=content, container="unknown")
        label = f"NDC {row.ndc} ({row.drug_name}, ASP NDC-HCPCS crosswalk)"
        sources = cite(row, "ndc", "drug_name", "billing_units_per_package")
        supplies.append(Supply(size, row.ndc11, None, None, label, sources))
    return supplies


def _crosswalk_content(row: NdcPackage, unit: BillingUnit) -> Fraction | None:
    """A package's content in the billing unit's measure: its billing units per package."""
    if row.billing_units_per_package is None or row.billing_units_per_package <= 0:
        return None
    return Fraction(row.billing_units_per_package) * Fraction(unit.amount)


def _supply_of(package: Package, content: Fraction, sources: list[SourceRef]) -> Supply:
    container = {True: "single-dose", False: "multiple-dose", None: "unknown"}[package.single_dose]
    size = PackageSize(ndc=package.ndc, content=content, container=container)  # type: ignore[arg-type]
    label = f"NDC {package.ndc}" + (f" ({package.description})" if package.description else "")
    return Supply(
        size,
        normalize_ndc(package.ndc),
        package.ndc_unit,
        package.ndc_quantity,
        label,
        sources,
    )


def _mue_settings(record: CodeRecord) -> set[str]:
    """The MUE tables for the record's sites: practitioner for the office, outpatient
    hospital for POS 19 and 22; both when the record names neither."""
    settings = {
        setting
        for site in record.sites_of_service
        for setting, places in _MUE_SETTING_POS.items()
        if site.pos in places
    }
    return settings or set(_MUE_SETTING_POS)


def _work_dose(
    index: int,
    dose: Dose,
    unit: UnitOfCode | None,
    concentration: Concentration | None,
    supplies: list[Supply],
    mue_rows: list[Mue],
    facts: ReferenceFacts,
) -> WorkedDose:
    sources = [*src(f"drug.doses[{index}]"), *(unit.sources if unit else [])]
    if unit is None:
        return WorkedDose(index, dose, None, "the billing unit is not known", None, None)
    try:
        units = units_for_dose(dose.amount, dose.unit, unit.unit, concentration)
    except ConversionError as exc:
        return WorkedDose(index, dose, None, str(exc), None, None, sources=sources)
    if concentration:
        sources += src("drug.concentration")
    sources.append(ROUNDING)
    wastage = supply = None
    modifier_names: dict[str, str] = {}
    if supplies:
        wastage = least_waste(units, [s.size for s in supplies])
        supply = next(s for s in supplies if s.size == wastage.package)
        sources += [*supply.sources, WASTAGE]
        official = facts.wastage_modifiers.get(wastage.modifier or "")
        if official:
            sources += cite(official, "long_description")
            modifier_names[official.code] = f"{official.code} ({official.long_description})"
    total = billed_units(units, wastage)
    comparisons = [(row, compare_to_mue(total, row.value, row.mai)) for row in mue_rows]
    if comparisons:
        sources += [ref for row, _ in comparisons for ref in cite(row, "value", "mai")] + [MUE]
    return WorkedDose(
        index, dose, units, None, wastage, supply, comparisons, sources, modifier_names
    )


def worked_dose(record: CodeRecord, worked: WorkedDose) -> Paragraph:
    """One dose, worked: units, packages and discarded amount, claim lines, NDC, MUE."""
    dose = worked.dose
    label = f"Worked example, {dose.label}"
    amount = f"{format_amount(dose.amount)} {dose.unit}"
    if worked.units is None:
        text = f"{amount} cannot be worked in billing units: {sentence(worked.problem or '')}"
        return Paragraph(label=label, text=f"{text} {MISSING_TEXT}", sources=worked.sources)
    parts = [_units_sentence(amount, worked.units), _lines_sentence(record, worked)]
    parts += _ndc_sentence(worked)
    parts += _mue_sentences(worked)
    return Paragraph(label=label, text=" ".join(parts), sources=worked.sources)


def count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _units_sentence(amount: str, units: DoseUnits) -> str:
    unit = units.billing_unit
    measure = f"{format_quantity(units.in_billing_measure)} {unit.unit}"
    start = amount if amount == measure else f"{amount} is {measure}; {measure}"
    per = f"{'up to ' if unit.up_to else ''}{format_quantity(unit.amount, places=12)} {unit.unit}"
    quotient = f"{start} ÷ {per} = {format_quantity(units.exact)}"
    if units.rounded:
        return f"{quotient}, rounded up to {count(units.units, 'unit')}."
    return f"{quotient} {'unit' if units.units == 1 else 'units'}."


def _line(record: CodeRecord, units: int, modifier: str | None = None) -> str:
    code = f"{record.code}-{modifier}" if modifier else record.code
    return f"{code} × {count(units, 'unit')}"


def _lines_sentence(record: CodeRecord, worked: WorkedDose) -> str:
    units = worked.units
    assert units is not None
    wastage, supply = worked.wastage, worked.supply
    if wastage is None or supply is None:
        return (
            "The input gives no package with an amount, so the packages opened and any "
            f"discarded amount cannot be worked out: {MISSING_TEXT} Claim line: "
            f"{_line(record, units.units)}."
        )
    measure = units.billing_unit.unit
    content = f"{format_quantity(supply.size.content)} {measure}"
    opened = (
        f"It takes {count(wastage.packages_used, 'package')} of {content}, {supply.label}, "
        f"{format_quantity(wastage.opened)} {measure} in all"
    )
    discarded = f"{format_quantity(wastage.discarded)} {measure}"
    left = f"{discarded} is left" if wastage.discarded else "nothing is left"
    container = supply.size.container
    if container == "multiple-dose":
        return (
            f"{opened}. The packages are multiple-dose, so neither JW nor JZ applies: what is "
            f"left stays in the package for later doses. Claim line: {_line(record, units.units)}."
        )
    if container == "unknown":
        return (
            f"{opened}, and {left}. Whether the package is single-dose is not given "
            f"in the input, so JW or JZ cannot be worked out: {MISSING_TEXT} Claim line: "
            f"{_line(record, units.units)}."
        )
    if wastage.discarded_units:
        return (
            f"{opened}; {discarded} is discarded. Claim lines: {_line(record, units.units)} "
            f"administered, and {_line(record, wastage.discarded_units, 'JW')} for the "
            f"discarded amount on its own line, with {worked.modifier_name('JW')}."
        )
    if wastage.discarded:
        return (
            f"{opened}; {discarded} is discarded, but the administered units, rounded up, "
            "already bill the whole labelled amount, so there is no JW line and the line "
            f"carries {worked.modifier_name('JZ')}: {_line(record, units.units, 'JZ')}."
        )
    return (
        f"{opened}; nothing is discarded, so the line carries {worked.modifier_name('JZ')}: "
        f"{_line(record, units.units, 'JZ')}."
    )


def _ndc_sentence(worked: WorkedDose) -> list[str]:
    supply, units = worked.supply, worked.units
    if supply is None or units is None:
        return []
    administered = worked.ndc_report(units.in_billing_measure)
    if administered is None:
        return [
            f"NDC on the claim: N4 {supply.ndc11}; its unit qualifier and quantity: {MISSING_TEXT}"
        ]
    text = (
        "NDC on the claim (the line's amount in the package's NDC unit): "
        f"N4 {supply.ndc11} {administered.qualifier} {administered.quantity_text}"
    )
    wastage = worked.wastage
    if wastage and wastage.discarded_units:
        discarded = worked.ndc_report(wastage.discarded)
        assert discarded is not None
        text += (
            f"; on the JW line N4 {supply.ndc11} {discarded.qualifier} {discarded.quantity_text}"
        )
    return [f"{text}."]


def _mue_sentences(worked: WorkedDose) -> list[str]:
    if not worked.mue:
        return []
    total = count(worked.total_units, "unit")
    limits = join_words(
        [
            f"{'within' if c.within else 'above'} the {MUE_SETTINGS.get(row.setting, row.setting)} "
            f"MUE of {row.value:,}"
            for row, c in worked.mue
        ]
    )
    sentences = [f"MUE: {total} on the date of service are {limits}."]
    for mai in sorted({c.mai for _, c in worked.mue}):
        meaning = next(c.meaning for _, c in worked.mue if c.mai == mai)
        sentences.append(f"MAI {mai} is {meaning}.")
    return sentences
