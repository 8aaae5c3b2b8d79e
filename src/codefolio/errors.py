"""One exception hierarchy for the library; the CLI and the API turn these into messages.

Every error carries what a user needs to fix the input: where (file, line, field),
the bad value, and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if not self.field:
            return f"{where}: {self.message}"
        # A field path holds the input's own keys, which may be of any length.
        field = self.field
        if len(field) > MAX_FIELD_SHOWN:
            field = field[: MAX_FIELD_SHOWN - 3] + "..."
        return f"{where} {field}: {self.message}"


MAX_FIELD_SHOWN = 120


class CodefolioError(Exception):
    """Root of every error codefolio raises on purpose."""


# Problems shown for one input; a file with 20,000 unknown fields is reported by its first
# few and a count, not by megabytes of messages.
MAX_SHOWN_PROBLEMS = 50


def shown_problems(problems: list[Problem]) -> list[str]:
    """The problems as messages say them: the first MAX_SHOWN_PROBLEMS, then how many more."""
    shown = [str(p) for p in problems[:MAX_SHOWN_PROBLEMS]]
    more = len(problems) - MAX_SHOWN_PROBLEMS
    if more > 0:
        shown.append(f"... and {more:,} more problem{'s' if more != 1 else ''} not shown")
    return shown


class RecordError(CodefolioError):
    """An input record could not be read or is invalid; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        files = sorted({p.file for p in self.problems})
        shown = files[:MAX_SHOWN_PROBLEMS] + (["..."] if len(files) > MAX_SHOWN_PROBLEMS else [])
        head = f"{count:,} problem{'s' if count != 1 else ''} in {', '.join(shown)}"
        return "\n".join([head, *(f"  {p}" for p in shown_problems(self.problems))])


class RenderError(CodefolioError):
    """A publication could not be rendered or written."""


class ReferenceDataError(CodefolioError):
    """A reference data set is missing, damaged, or cannot answer the question asked."""


class CatalogError(CodefolioError):
    """A catalogue (many publications, the static site) could not be built or written."""
