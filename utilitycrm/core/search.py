"""Text matching and bounded paging that stay on indexes at a million rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ARRAY, ColumnElement, Select, Text, and_, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import array

from utilitycrm.core.database import search_pieces
from utilitycrm.core.extensions import db


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _escape_glob(text: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in text)


def starts_with(column, text: str) -> ColumnElement[bool]:
    """Prefix match that uses the column's b-tree index on both databases.

    SQLite's LIKE ignores ASCII case and so cannot use an ordinary index; GLOB can.
    PostgreSQL uses LIKE with a text_pattern_ops index whatever the collation.
    """
    if db.engine.dialect.name == "sqlite":
        return column.op("GLOB", is_comparison=True)(literal(_escape_glob(text) + "*"))
    return column.like(_escape_like(text) + "%", escape="\\")


def contains_any(columns: Sequence, text: str) -> ColumnElement[bool]:
    """Substring match in any of the columns. PostgreSQL first narrows the rows to those
    holding every two-character piece of `text` through the columns' bigram index
    (`database.bigram_index`), then checks the substring; SQLite, or a single character,
    scans."""
    pattern = "%" + _escape_like(text) + "%"
    matched = or_(*(column.like(pattern, escape="\\") for column in columns))
    if db.engine.dialect.name != "postgresql" or len(text) < 2:
        return matched
    pieces = sorted({text[i : i + 2] for i in range(len(text) - 1)})
    held = search_pieces(*columns).op("@>")(cast(array(pieces), ARRAY(Text)))
    return and_(held, matched)


@dataclass(frozen=True)
class Page:
    """One page of a list whose count stops at `limit` rows: counting further buys nothing
    at a million rows, and nobody pages through ten thousand."""

    items: list
    page: int
    per_page: int
    total: int
    is_capped: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(self, left_edge=2, left_current=2, right_current=4, right_edge=2):
        """The page numbers to show, None where a gap is (Flask-SQLAlchemy's contract)."""
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current - 1 < number < self.page + right_current
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def paginate(query: Select, *, page: int, per_page: int, limit: int, scalars: bool = True) -> Page:
    """Offset paging bounded by `limit`; the query must carry a deterministic ORDER BY."""
    counted = db.session.scalar(
        select(func.count()).select_from(query.order_by(None).limit(limit + 1).subquery())
    )
    total = min(counted, limit)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    offset = (page - 1) * per_page
    runner = db.session.scalars if scalars else db.session.execute
    items = list(runner(query.limit(min(per_page, max(total - offset, 0))).offset(offset)))
    return Page(items=items, page=page, per_page=per_page, total=total, is_capped=counted > limit)
