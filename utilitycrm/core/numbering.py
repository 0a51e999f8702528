"""Gap-free yearly numbers (project numbers, new 户号, contract numbers).

A counter row per sequence and year is incremented with UPDATE … RETURNING inside the
caller's transaction: concurrent requests queue on the row lock (PostgreSQL) or the
database lock (SQLite), and a rolled-back transaction gives its number back, so the
numbers of committed records have neither duplicates nor gaps.
"""

from __future__ import annotations

from sqlalchemy import String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from utilitycrm.core.extensions import db


class NumberSequence(db.Model):
    __tablename__ = "number_sequence"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(NumberSequence)


def next_in_sequence(name: str, year: int) -> int:
    db.session.execute(_insert().values(name=name, year=year, last=0).on_conflict_do_nothing())
    return db.session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == name, NumberSequence.year == year)
        .values(last=NumberSequence.last + 1)
        .returning(NumberSequence.last)
    ).scalar_one()


def next_number(name: str, pattern: str, year: int) -> str:
    """The next number of a sequence, formatted by a pattern such as YK-{year}-{seq:06d}."""
    return pattern.format(year=year, seq=next_in_sequence(name, year))
