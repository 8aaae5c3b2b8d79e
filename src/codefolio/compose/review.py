"""What a reviewer must see before billing from a publication: the findings of checking the
record, quarterly data sets older (or newer) than the as-of date, and NDC quantities the
input does not give. Shown as a "Review notes" section in every format, not only in JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from codefolio.compose.common import join_words
from codefolio.compose.facts import ReferenceFacts
from codefolio.compose.model import BulletList, ListItem, Section
from codefolio.compose.worked import BillingWork
from codefolio.refdata import ReferenceData
from codefolio.validation import Finding

# Data sets CMS replaces every quarter; an edition of another quarter than the as-of date's
# is flagged next to its figures.
QUARTERLY = ("hcpcs", "mue", "asp", "asp-ndc", "opps")


def quarter_of(day: date) -> str:
    """`2026q4`: the calendar quarter of a date, spelt as the ASP files spell theirs."""
    return f"{day.year}q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Staleness:
    """A quarterly data set whose edition used is of another quarter than the as-of date."""

    dataset: str
    name: str
    edition: str
    quarter: str
    as_of_quarter: str
    origin: str = "shipped"
    """`shipped`, or `imported` for an edition added by `refdata import`."""

    @property
    def older(self) -> bool:
        return self.quarter < self.as_of_quarter

    @property
    def edition_text(self) -> str:
        """`2026q1`, or `2025-10 (2025q4)` where the edition is not named by its quarter."""
        return self.edition if self.edition == self.quarter else f"{self.edition} ({self.quarter})"

    def __str__(self) -> str:
        relation = "newest" if self.older else "oldest"
        return (
            f"{relation} {self.name} edition {self.origin}: {self.edition_text}; "
            f"as-of date is in {self.as_of_quarter}"
        )


def stale_editions(facts: ReferenceFacts, ref: ReferenceData) -> dict[str, Staleness]:
    """Each quarterly data set whose edition for the as-of date is not of its quarter: the
    newest shipped when the as-of date is later, the oldest when it is earlier (worked out
    once per quarter: every record of a catalogue asks)."""
    wanted = quarter_of(facts.as_of)
    return ref.remembered(("stale editions", wanted), lambda: _stale_editions(wanted, ref))


def _stale_editions(wanted: str, ref: ReferenceData) -> dict[str, Staleness]:
    found = {}
    for dataset_id in QUARTERLY:
        dataset = ref.dataset(dataset_id)
        dated = [r for r in dataset.releases if r.effective_start is not None]
        if not dated:
            continue
        quarters = [(quarter_of(r.effective_start), r.edition) for r in dated]  # type: ignore[arg-type]
        if any(quarter == wanted for quarter, _ in quarters):
            continue
        before = [item for item in quarters if item[0] < wanted]
        quarter, edition = before[-1] if before else quarters[0]
        origin = dataset.release(edition).origin
        found[dataset_id] = Staleness(dataset_id, dataset.name, edition, quarter, wanted, origin)
    return found


def compose_review_notes(
    findings: Sequence[Finding], staleness: dict[str, Staleness], work: BillingWork
) -> Section | None:
    """The Review notes section, or None when there is nothing to review."""
    items = [
        ListItem(label=finding.severity.capitalize(), text=_finding_text(finding))
        for finding in findings
    ]
    items += [ListItem(label="Data set edition", text=f"{note}.") for note in staleness.values()]
    unquantified = sorted(
        {
            supply.label
            for dose in work.doses
            for line in dose.lines
            if (supply := line.supply) is not None and line.ndc is None
        }
    )
    if unquantified:
        items.append(
            ListItem(
                label="NDC quantity",
                text=f"the input gives no NDC unit and quantity for {join_words(unquantified)} "
                "(ndc_unit and ndc_quantity, a concentration, or a description such as "
                "100 mg/4 mL); the worked claim lines cannot be submitted without them.",
            )
        )
    if not items:
        return None
    return Section(id="review", title="Review notes", blocks=[BulletList(items=items)])


def _finding_text(finding: Finding) -> str:
    text = str(finding).split(": ", 1)[1]
    return text if text.endswith(".") else f"{text}."
