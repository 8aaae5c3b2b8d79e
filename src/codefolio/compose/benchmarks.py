"""Coding Benchmarks: MUE, ASP payment limits and OPPS from the data sets; the team's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from codefolio.billing.mue import MUE_SETTINGS
from codefolio.compose.common import join_words, optional_missing, per_unit, sentence, src
from codefolio.compose.facts import ReferenceFacts, cite
from codefolio.compose.model import (
    MISSING_TEXT,
    Block,
    Callout,
    Chart,
    ChartPoint,
    Paragraph,
    Row,
    Section,
    Table,
)
from codefolio.compose.rules import cite_rule
from codefolio.records.model import CodeRecord
from codefolio.refdata import AspLimit, Mue, OppsRate
from codefolio.refdata.meanings import OPPS_STATUS_INDICATORS, meaning

if TYPE_CHECKING:
    from codefolio.compose.review import Staleness


def compose_benchmarks(
    record: CodeRecord, facts: ReferenceFacts, staleness: dict[str, Staleness]
) -> Section:
    """Data set figures with the edition (quarter) each is from; a quarter other than the
    as-of date's is flagged beside the figure."""
    blocks: list[Block] = []
    if facts.mue:
        blocks.append(_mue_table(facts.mue, staleness.get("mue")))
    priced = [limit for limit in facts.asp if limit.payment_limit is not None]
    if priced:
        blocks.append(_asp_for(priced, facts.as_of, staleness.get("asp")))
        blocks.extend(_asp_history(priced))
    if facts.opps:
        blocks.append(_opps(facts.opps, staleness.get("opps")))
    if record.benchmarks:
        blocks.append(_input_benchmarks(record))
    if not blocks:
        blocks.append(optional_missing("benchmarks", "Coding benchmarks"))
    return Section(id="benchmarks", title="Coding Benchmarks", blocks=blocks)


def dollars(amount: Decimal) -> str:
    """`$17.012`: as many decimals as the data set publishes."""
    return f"${amount:,}"


def _mue_table(rows: list[Mue], stale: Staleness | None) -> Table:
    caption = (
        "Medically Unlikely Edits (units per patient per day, by setting), "
        f"edition {rows[0].edition}"
    )
    if stale is not None:
        caption += f"; check before billing: {stale}"
    return Table(
        caption=caption,
        columns=["Setting", "MUE (units)", "MUE adjudication indicator", "Rationale"],
        rows=[
            Row(
                cells=[
                    MUE_SETTINGS.get(row.setting, row.setting),
                    str(row.value),
                    f"{row.mai} ({row.mai_description})",
                    row.rationale,
                ],
                sources=cite(row, "value", "mai", "mai_description", "rationale"),
            )
            for row in rows
        ],
    )


def _effective(limit: AspLimit) -> str:
    if limit.effective_start and limit.effective_end:
        return f"{limit.effective_start.isoformat()} to {limit.effective_end.isoformat()}"
    return "dates not given"


def _asp_for(limits: list[AspLimit], as_of: date, stale: Staleness | None) -> Paragraph:
    """The payment limit of the quarter holding the as-of date; without that quarter, the
    newest before it (or the oldest shipped), flagged."""
    earlier = [q for q in limits if q.effective_start is None or q.effective_start <= as_of]
    limit = earlier[-1] if earlier else limits[0]
    assert limit.payment_limit is not None
    text = (
        f"{dollars(limit.payment_limit)} per {per_unit(limit.dosage)} for the "
        f"{limit.quarter} quarter (effective {_effective(limit)})"
    )
    fields = ["payment_limit", "dosage"]
    if limit.coinsurance_percent is not None:
        text += f"; co-insurance {limit.coinsurance_percent}%"
        fields.append("coinsurance_percent")
    if limit.notes:
        text += f" ({limit.notes})"
        fields.append("notes")
    if stale is not None:
        text += f". Check before billing: {stale}"
    return Paragraph(
        label="Medicare Part B payment limit (ASP)",
        text=sentence(text),
        sources=cite(limit, *fields),
    )


def _asp_history(limits: list[AspLimit]) -> list[Block]:
    """`limits`: the quarters with a payment limit, oldest first. The chart compares only
    quarters priced per the latest billing unit: a limit per 1 MG and one per 0.25 MG are
    not comparable figures."""
    latest = _unit_key(limits[-1].dosage)
    comparable = [limit for limit in limits if _unit_key(limit.dosage) == latest]
    table = Table(
        caption=f"ASP payment limit per quarter, {limits[0].quarter} to {limits[-1].quarter}",
        columns=["Quarter", "Effective", "Payment limit", "Per", "Co-insurance"],
        rows=[
            Row(
                cells=[
                    limit.quarter,
                    _effective(limit),
                    dollars(limit.payment_limit) if limit.payment_limit is not None else "",
                    per_unit(limit.dosage),
                    f"{limit.coinsurance_percent}%"
                    if limit.coinsurance_percent is not None
                    else "not given",
                ],
                sources=cite(limit, "quarter", "payment_limit", "dosage", "coinsurance_percent"),
            )
            for limit in limits
        ],
        chart=Chart(
            unit=f"USD per {per_unit(limits[-1].dosage)}",
            points=[
                ChartPoint(label=limit.quarter, value=limit.payment_limit)
                for limit in comparable
                if limit.payment_limit is not None
            ],
        ),
    )
    left_out = [limit for limit in limits if limit not in comparable]
    if not left_out:
        return [table]
    quarters = join_words([limit.quarter for limit in left_out])
    earlier = join_words(sorted({per_unit(limit.dosage) for limit in left_out}))
    latest_unit = per_unit(limits[-1].dosage)
    note = Callout(
        tone="caution",
        text=f"The billing unit changed: {quarters} priced per {earlier}, the "
        f"other quarters per {latest_unit}; the chart shows only the quarters priced per "
        f"{latest_unit}.",
        sources=[ref for limit in limits for ref in cite(limit, "dosage")],
    )
    return [table, note]


def _unit_key(dosage: str) -> str:
    """`1 MG` and `1MG` name the same billing unit."""
    return "".join(dosage.split()).upper()


def _opps(rate: OppsRate, stale: Staleness | None) -> Paragraph:
    indicator = meaning(OPPS_STATUS_INDICATORS, rate.status_indicator).split(": ", 1)[1]
    parts = [f"status indicator {rate.status_indicator}", f"APC {rate.apc}" if rate.apc else ""]
    parts = [part for part in parts if part]
    fields = ["status_indicator", *(["apc"] if rate.apc else [])]
    if rate.payment_rate is not None:
        parts.append(f"payment rate {dollars(rate.payment_rate)}")
        fields.append("payment_rate")
    text = (
        f"{', '.join(parts)} (edition {rate.edition}); "
        f"status indicator {rate.status_indicator}: {indicator}"
    )
    if stale is not None:
        text += f". Check before billing: {stale}"
    return Paragraph(
        label="Hospital outpatient (OPPS Addendum B)",
        text=sentence(text),
        sources=[*cite(rate, *fields), cite_rule("opps-status-indicators")],
    )


def _input_benchmarks(record: CodeRecord) -> Table:
    with_source = any(b.source for b in record.benchmarks)
    return Table(
        caption="Benchmarks from the input",
        columns=["Benchmark", "Value", "Source"] if with_source else ["Benchmark", "Value"],
        rows=[
            Row(
                cells=[b.label, b.value, b.source or MISSING_TEXT]
                if with_source
                else [b.label, b.value],
                sources=src(f"benchmarks[{i}]"),
            )
            for i, b in enumerate(record.benchmarks)
        ],
    )
