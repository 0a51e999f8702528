"""Lists sorted by a column header: `?sort=name` ascending, `?sort=-name` descending. Each
list names the columns it sorts by (ones an index serves, so a million rows sort as fast
as they page) and ends each order with a unique column, so pages never overlap."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

Sorts = dict[str, tuple[ColumnElement, ...]]


def sort_key(sorts: Sorts, value: str | None, default: str) -> str:
    """The sort asked for if the list has it, else its default."""
    if value and value.removeprefix("-") in sorts:
        return value
    return default


def sort_order(sorts: Sorts, value: str | None, default: str) -> list[ColumnElement]:
    key = sort_key(sorts, value, default)
    columns = sorts[key.removeprefix("-")]
    return [column.desc() if key.startswith("-") else column.asc() for column in columns]
