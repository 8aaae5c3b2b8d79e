"""Coding Benchmarks: figures the billing team supplies."""

from __future__ import annotations

from codefolio.compose.common import optional_missing, src
from codefolio.compose.model import MISSING_TEXT, Block, Row, Section, Table
from codefolio.records.model import CodeRecord


def compose_benchmarks(record: CodeRecord) -> Section:
    block: Block
    if not record.benchmarks:
        block = optional_missing("benchmarks", "Coding benchmarks")
    else:
        with_source = any(b.source for b in record.benchmarks)
        block = Table(
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
    return Section(id="benchmarks", title="Coding Benchmarks", blocks=[block])
