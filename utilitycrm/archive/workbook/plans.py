"""What a dry run decides: a plan per row, and the problems that stop the import."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from utilitycrm.archive.workbook.reading import Problem


@dataclass(slots=True)
class RowPlan:
    sheet: str
    number: int
    action: str  # insert, update, unchanged, delete
    key: tuple
    values: dict[str, object]
    existing_id: int | None = None
    changed: tuple[str, ...] = ()
    new_id: int | None = None  # an insert's id, taken before anything is written


@dataclass
class ImportPlan:
    rows: dict[str, list[RowPlan]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, sheet, number: int | None, column: str, value, message) -> None:
        """A problem of a cell (or, without a number, of the whole sheet) that stops it."""
        self.problems.append(
            Problem(sheet.title, number, column, str(value or "")[:100], str(message))
        )

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, Counter]:
        return {sheet: Counter(row.action for row in rows) for sheet, rows in self.rows.items()}
