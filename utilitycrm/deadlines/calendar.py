"""The working-day calendar: Chinese statutory holidays and make-up working days (调休).

The `chinese-calendar` package knows the years the State Council has announced; an
administrator's overrides (a holiday added, a make-up working day added) come first, and
a year the package does not know counts as known once an administrator confirms it. A
date computed through an unknown year falls back to weekends only and says so
(`uncertain`), so nobody mistakes a guess for a statutory date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants
from sqlalchemy import select

from utilitycrm.core.extensions import db

PACKAGE_YEARS = frozenset(day.year for day in constants.holidays)
# No deadline of this application spans more than this; a calendar without working days
# (an administrator's error) stops here instead of looping forever.
MAX_SPAN = timedelta(days=3 * 366)


class CalendarSpanError(ValueError):
    """No working day within the longest span a deadline can have."""


@dataclass(frozen=True)
class Day:
    """A computed date, and whether it passed through a year the calendar does not know."""

    day: date
    uncertain: bool = False


@dataclass
class WorkCalendar:
    overrides: dict[date, bool] = field(default_factory=dict)  # day → is a working day
    confirmed_years: frozenset[int] = frozenset()

    @classmethod
    def load(cls) -> WorkCalendar:
        from utilitycrm.deadlines.models import CalendarDay, CalendarYear

        return cls(
            overrides=dict(
                db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
            ),
            confirmed_years=frozenset(db.session.scalars(select(CalendarYear.year))),
        )

    def is_known(self, year: int) -> bool:
        return year in PACKAGE_YEARS or year in self.confirmed_years

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def days_after(self, start: date) -> Iterator[date]:
        """start + 1, start + 2, … as far as any deadline can reach."""
        day, end = start, start + MAX_SPAN
        while day < end:
            day += timedelta(days=1)
            yield day
        raise CalendarSpanError(f"no end within {MAX_SPAN.days} days of {start.isoformat()}")

    def add_workdays(self, start: date, count: int) -> Day:
        """The event day is day 0; the result is the count-th working day after it."""
        uncertain = False
        if count <= 0:
            return Day(start, not self.is_known(start.year))
        for day in self.days_after(start):
            uncertain = uncertain or not self.is_known(day.year)
            if self.is_workday(day):
                count -= 1
                if count == 0:
                    return Day(day, uncertain)
        raise AssertionError("unreachable")  # days_after raises first

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_workday(start + timedelta(days=offset))
        )
