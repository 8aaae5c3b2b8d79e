"""Worked billing examples: each dose in the record in billing units, the packages it opens,
the JW or JZ lines, the NDC quantities and the MUE, computed once so that the Coding
Specifications text and the Claim Appearance lines show the same numbers.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from codefolio.billing.claim_lines import NdcReport
from codefolio.billing.mue import MUE_SETTINGS, MueComparison, compare_to_mue, mai_rule_id
from codefolio.billing.ndc import normalize_ndc
from codefolio.billing.package_quantity import package_ndc_quantity
from codefolio.billing.units import (
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
from codefolio.billing.wastage import Draw, PackageSize, Wastage, least_waste
from codefolio.compose.common import format_amount, join_words, sentence, src
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import MISSING_TEXT, Paragraph, SourceRef
from codefolio.compose.rules import ROUNDING, cite_rule
from codefolio.records.model import CodeRecord, Dose, Package
from codefolio.refdata import Mue, NdcPackage


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
    ndc_origin: str | None = None
    """Where the NDC unit and quantity come from, when not the input's ndc_unit/quantity."""

    def ndc_report(self, amount: Fraction) -> NdcReport | None:
        """The NDC for a line of `amount` (in the billing unit's measure): its quantity is
        the amount in the package's NDC unit of measure, to three decimals."""
        if self.ndc_unit is None or self.ndc_quantity is None:
            return None
        share = amount / self.size.content * Fraction(self.ndc_quantity)
        quantity = round_half_up(share, 3)
        return NdcReport(self.ndc11, self.ndc_unit, quantity.normalize())


@dataclass(frozen=True)
class DrugLine:
    """One claim line of the drug for a worked dose: administered units from one NDC, or
    the discarded units (JW) of the package whose remainder was discarded."""

    units: int
    modifier: str | None
    amount: Fraction  # in the billing unit's measure
    supply: Supply | None
    discarded: bool = False

    @property
    def ndc(self) -> NdcReport | None:
        return self.supply.ndc_report(self.amount) if self.supply else None


@dataclass(frozen=True)
class WorkedDose:
    index: int
    dose: Dose
    units: DoseUnits | None
    problem: str | None  # why the dose could not be worked in units
    wastage: Wastage | None
    supplies: list[Supply] = field(default_factory=list)
    """The supplies the dose opens, in the order of `wastage.draws`."""
    lines: list[DrugLine] = field(default_factory=list)
    mue: list[tuple[Mue, MueComparison]] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    modifier_names: dict[str, str] = field(default_factory=dict)
    """JW or JZ with its HCPCS descriptor, for the text."""
    unrequired: str | None = None
    """The wastage modifier that single-dose packages would take but that is not yet in force
    on the as-of date."""

    @property
    def line_sources(self) -> list[SourceRef]:
        """What a claim line built from this dose cites: the input and the rules. The data
        set facts behind it are cited, with their values, in the worked example's text."""
        return [ref for ref in self.sources if ref.kind != "dataset"]

    def modifier_name(self, code: str) -> str:
        return self.modifier_names.get(code, code)

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines)


@dataclass(frozen=True)
class BillingWork:
    unit: UnitOfCode | None
    unit_problem: str | None
    concentration: Concentration | None
    supplies: list[Supply]
    doses: list[WorkedDose]

    @property
    def mais(self) -> list[int]:
        """The MUE adjudication indicators the worked doses were compared under."""
        return sorted({c.mai for dose in self.doses for _, c in dose.mue})


def work_billing(record: CodeRecord, facts: ReferenceFacts) -> BillingWork:
    """Every dose of the record worked through units, wastage, NDC quantity and MUE."""
    unit, unit_problem = _billing_unit(record, facts)
    drug = record.drug
    concentration = None
    if drug and drug.concentration:
        concentration = parse_concentration(drug.concentration)  # checked on load
    supplies = _supplies(record, facts, unit.unit, concentration) if unit else []
    mue_rows = [row for row in facts.mue if row.setting in facts.mue_settings]
    doses = [
        _work_dose(record, index, dose, unit, concentration, supplies, mue_rows, facts)
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
            supplies.append(_supply_of(index, package, content, sources, concentration))
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


def _supply_of(
    index: int,
    package: Package,
    content: Fraction,
    sources: list[SourceRef],
    concentration: Concentration | None,
) -> Supply:
    container = {True: "single-dose", False: "multiple-dose", None: "unknown"}[package.single_dose]
    size = PackageSize(ndc=package.ndc, content=content, container=container)  # type: ignore[arg-type]
    label = f"NDC {package.ndc}" + (f" ({package.description})" if package.description else "")
    found = package_ndc_quantity(package, concentration)
    origin = found[2] if found else None
    if origin == "concentration":
        sources = [*sources, *src("drug.concentration")]
    return Supply(
        size,
        normalize_ndc(package.ndc),
        found[0] if found else None,
        found[1] if found else None,
        label,
        sources,
        None if origin == "ndc_unit" else origin,
    )


def _work_dose(
    record: CodeRecord,
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
        return WorkedDose(index, dose, None, "the billing unit is not known", None)
    try:
        units = units_for_dose(dose.amount, dose.unit, unit.unit, concentration)
    except ConversionError as exc:
        return WorkedDose(index, dose, None, str(exc), None, sources=sources)
    if concentration:
        sources += src("drug.concentration")
    sources.append(ROUNDING)
    wastage = None
    used: list[Supply] = []
    modifier_names: dict[str, str] = {}
    unrequired = None
    lines = [DrugLine(units.units, None, units.in_billing_measure, None)]
    if supplies:
        wastage = least_waste(units, [s.size for s in supplies])
        used = [next(s for s in supplies if s.size == draw.package) for draw in wastage.draws]
        sources += [ref for supply in used for ref in supply.sources]
        modifier: str | None = wastage.modifier
        if modifier:
            rule_id = "jw-discarded-amount" if modifier == "JW" else "jz-nothing-discarded"
            if facts.in_force(rule_id):
                sources.append(cite_rule(rule_id))
                official = facts.wastage_modifiers.get(modifier)
                if official:
                    sources += cite(official, "long_description")
                    modifier_names[modifier] = f"{modifier} ({official.long_description})"
            else:
                unrequired, modifier = modifier, None
        elif wastage.container == "multiple-dose" and facts.in_force("jw-jz-multiple-dose"):
            sources.append(cite_rule("jw-jz-multiple-dose"))
        lines = _drug_lines(units, wastage, used, modifier)
    total = sum(line.units for line in lines)
    largest = max(line.units for line in lines)
    comparisons = [
        (row, compare_to_mue(total if row.mai in (2, 3) else largest, row.value, row.mai))
        for row in mue_rows
    ]
    for row, comparison in comparisons:
        sources += cite(row, "value", "mai")
        mai_rule = mai_rule_id(comparison.mai)
        if mai_rule:
            sources.append(cite_rule(mai_rule))
    return WorkedDose(
        index,
        dose,
        units,
        None,
        wastage,
        used,
        lines,
        comparisons,
        list(dict.fromkeys(sources)),
        modifier_names,
        unrequired,
    )


def _drug_lines(
    units: DoseUnits, wastage: Wastage, used: list[Supply], modifier: str | None
) -> list[DrugLine]:
    """One administered line per NDC opened, with its share of the units (packages given
    whole bill their whole units; the partly used one takes the rest), each with JZ when
    nothing billable is discarded; and the JW line of the discarded units, carrying the NDC
    of the package whose remainder was discarded."""
    per_unit = Fraction(units.billing_unit.amount)
    zero = "JZ" if modifier == "JZ" else None
    lines = []
    given = 0
    for number, (draw, supply) in enumerate(zip(wastage.draws, used, strict=True)):
        amount = wastage.administered_from(draw)
        last = number == len(wastage.draws) - 1
        share = units.units - given if last else math.floor(amount / per_unit)
        given += share
        lines.append(DrugLine(share, zero, amount, supply))
    if modifier == "JW":
        lines.append(DrugLine(wastage.discarded_units, "JW", wastage.discarded, used[-1], True))
    return lines


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
    parts += _mue_sentences(record, worked)
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


def line_text(record: CodeRecord, line: DrugLine) -> str:
    code = f"{record.code}-{line.modifier}" if line.modifier else record.code
    return f"{code} × {count(line.units, 'unit')}"


def _lines_text(record: CodeRecord, worked: WorkedDose) -> str:
    """`Claim line: <code>-JZ × 840 units` or `Claim lines: ..., and ...`."""
    texts = [line_text(record, line) for line in worked.lines]
    return f"Claim line{'' if len(texts) == 1 else 's'}: {join_words(texts)}"


def _opened(wastage: Wastage, supplies: list[Supply], measure: str) -> str:
    def draw_text(draw: Draw, supply: Supply) -> str:
        content = f"{format_quantity(draw.package.content)} {measure}"
        return f"{count(draw.count, 'package')} of {content}, {supply.label}"

    parts = [draw_text(d, s) for d, s in zip(wastage.draws, supplies, strict=True)]
    return (
        f"It takes {join_words(parts)}, {format_quantity(wastage.opened)} {measure} in all "
        "(the fewest packages that discard least)"
        if len(parts) > 1
        else f"It takes {parts[0]}, {format_quantity(wastage.opened)} {measure} in all"
    )


def _lines_sentence(record: CodeRecord, worked: WorkedDose) -> str:
    units = worked.units
    assert units is not None
    wastage = worked.wastage
    if wastage is None:
        return (
            "The input gives no package with an amount, so the packages opened and any "
            f"discarded amount cannot be worked out: {MISSING_TEXT} {_lines_text(record, worked)}."
        )
    measure = units.billing_unit.unit
    opened = _opened(wastage, worked.supplies, measure)
    discarded = f"{format_quantity(wastage.discarded)} {measure}"
    left = f"{discarded} is left" if wastage.discarded else "nothing is left"
    container = wastage.container
    per_ndc = (
        " Each NDC has its own line with its share of the units." if len(wastage.draws) > 1 else ""
    )
    lines = f"{per_ndc} {_lines_text(record, worked)}."
    if container == "multiple-dose":
        return (
            f"{opened}. The packages are multiple-dose, so neither JW nor JZ applies: what is "
            f"left stays in the package for later doses.{lines}"
        )
    if container == "unknown":
        return (
            f"{opened}, and {left}. Whether every package is single-dose is not given "
            f"in the input, so JW or JZ cannot be worked out: {MISSING_TEXT}{lines}"
        )
    if worked.unrequired:
        return (
            f"{opened}, and {left}. {worked.unrequired} is not required on the as-of date "
            f"(see the Modifiers section), so the line carries no wastage modifier.{lines}"
        )
    if wastage.discarded_units:
        return (
            f"{opened}; {discarded} is discarded and billed on its own line with "
            f"{worked.modifier_name('JW')}.{lines}"
        )
    if wastage.discarded:
        return (
            f"{opened}; {discarded} is discarded, but the administered units, rounded up, "
            "already bill the whole labelled amount, so there is no JW line and the "
            f"administered line carries {worked.modifier_name('JZ')}.{lines}"
        )
    return (
        f"{opened}; nothing is discarded, so the administered line carries "
        f"{worked.modifier_name('JZ')}.{lines}"
    )


def _ndc_sentence(worked: WorkedDose) -> list[str]:
    if worked.wastage is None:
        return []
    parts = []
    for line in worked.lines:
        assert line.supply is not None
        where = "the JW line" if line.discarded else f"the line of {count(line.units, 'unit')}"
        report = line.ndc
        if report is None:
            parts.append(
                f"on {where} N4 {line.supply.ndc11}, unit qualifier and quantity: {MISSING_TEXT}"
            )
        else:
            parts.append(f"on {where} N4 {report.ndc11} {report.qualifier} {report.quantity_text}")
    origins = {
        line.supply.ndc_origin for line in worked.lines if line.supply and line.supply.ndc_origin
    }
    note = ""
    if origins:
        words = {
            "concentration": "the package amount at the input's concentration",
            "description": "the volume in the input's package description",
        }
        note = f" (NDC quantity from {join_words([words[o] for o in sorted(origins)])})"
    return [
        f"NDC on the claim (the line's amount in the package's NDC unit): {'; '.join(parts)}{note}."
    ]


def _mue_sentences(record: CodeRecord, worked: WorkedDose) -> list[str]:
    """Each setting's MUE against the units it counts: MAI 2 and 3 add every line of the code
    on the date of service, MAI 1 checks each line (rules mue-mai-1 to mue-mai-3, stated
    once under the worked examples)."""
    if not worked.mue:
        return []
    groups: dict[tuple[str, int, int], list[str]] = {}
    for row, c in worked.mue:
        setting = MUE_SETTINGS.get(row.setting, row.setting)
        relation = "within" if c.within else "above"
        if c.date_of_service_edit:
            counted = f"{count(c.units, 'unit')} of {record.code} on the date of service are"
        else:
            counted = f"the largest line, {count(c.units, 'unit')}, is"
        groups.setdefault((f"{counted} {relation}", row.value, c.mai), []).append(setting)
    parts = [
        f"{head} the {join_words(settings)} MUE{'s' if len(settings) > 1 else ''} of "
        f"{value:,} (MAI {mai})"
        for (head, value, mai), settings in groups.items()
    ]
    return [f"MUE: {'; '.join(parts)}."]
