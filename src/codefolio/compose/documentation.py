"""Documentation Requirements: what the record says must be in the chart."""

from __future__ import annotations

from codefolio.compose.common import item_list, optional_missing
from codefolio.compose.model import Section
from codefolio.records.model import CodeRecord


def compose_documentation(record: CodeRecord) -> Section:
    block = (
        item_list("documentation", [(None, entry) for entry in record.documentation])
        if record.documentation
        else optional_missing("documentation", "Documentation requirements")
    )
    return Section(id="documentation", title="Documentation Requirements", blocks=[block])
