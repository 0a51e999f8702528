"""Sheets of monthly figures (a customer's consumption, a line's or 台区's readings): one
row per record and month, checked alike whichever wing imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.workbook.layout import Column, Sheet
from utilitycrm.archive.workbook.parsing import CellError, parse_cell
from utilitycrm.archive.workbook.reading import Problem
from utilitycrm.core.errors import UtilityCRMError


class MonthsRefused(UtilityCRMError):
    """Rows an API request's schema lets through but the archive's state refuses (a month
    not over yet, a month twice, an unknown record); nothing was written. 409: the same
    request can be right another day."""

    status_code = 409

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "; ".join(f"{p.row}: {p.column} {p.value} — {p.message}".strip() for p in problems)
        )


MONTH = Column("month", "月份", "Month", "month", required=True, note="2026-10")


def monthly_rows(
    sheet: Sheet,
    raw_rows: Iterable[tuple[int, dict]],
    today: date,
    problems: list[Problem],
    *,
    figures: tuple[str, ...],
    twice: Callable[[int], object],
) -> Iterator[tuple[int, dict]]:
    """The (row number, values) of the rows that parse, have every required column, no
    negative figure, a month that is over, and a record and month not seen above; each
    other row adds its problem. `twice(row)` words the repeat of an earlier row."""
    columns = {column.key: column for column in sheet.columns}
    record = sheet.natural_key[0]

    def problem(number: int, column: Column, value, message) -> None:
        problems.append(
            Problem(sheet.title, number, column.header, str(value or "")[:100], str(message))
        )

    seen: dict[tuple, int] = {}
    this_month = today.replace(day=1)
    for number, cells in raw_rows:
        values = {}
        for key, column in columns.items():
            try:
                values[key] = parse_cell(column, cells.get(key))
            except CellError as error:
                problem(number, column, cells.get(key), error.args[0])
                values[key] = None
                continue
            if values[key] is None and column.required:
                problem(number, column, "", _l("This column is required."))
        if any(values[key] is None for key, column in columns.items() if column.required):
            continue
        negative = next((key for key in figures if (values[key] or 0) < 0), None)
        if negative is not None:
            problem(number, columns[negative], values[negative], _l("Figures cannot be negative."))
            continue
        month = values["month"].isoformat()[:7]
        if values["month"] >= this_month:
            problem(number, columns["month"], month, _l("Only months that are over are recorded."))
            continue
        key = (values[record], values["month"])
        if key in seen:
            problem(number, columns["month"], month, twice(seen[key]))
            continue
        seen[key] = number
        yield number, values
