"""What an import decides: a plan for each row of a chunk as it goes, the counts of the
whole file, and the problems that stop it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from utilitycrm.archive.workbook.reading import Problem

CHUNK = 900  # keys an IN query names: below SQLite's bound-parameter limit


@dataclass(slots=True)
class RowPlan:
    sheet: str
    number: int
    action: str  # insert, update, unchanged, delete
    key: tuple
    values: dict[str, object]
    existing_id: int | None = None
    changed: tuple[str, ...] = ()
    id: int = 0  # the record's id: the archive's, or the one taken for an insert
    refs: dict[str, int | None] = field(default_factory=dict)  # model attribute → its id


@dataclass
class ImportPlan:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def refuse(self, sheet, number: int | None, column: str, value, message) -> None:
        """A problem of a cell (or, without a number, of the whole sheet) that stops it."""
        self.problems.append(
            Problem(sheet.title, number, column, str(value or "")[:100], str(message))
        )

    @property
    def ok(self) -> bool:
        return not self.problems
