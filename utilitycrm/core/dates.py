"""Dates as the utility lives them: its own time zone (Beijing by default), whole months.

Timestamps are stored in UTC; a working day, a due date or "today" is a local date.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_now() -> datetime:
    """Now in the utility's time zone: a working day is a local date."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def local_today() -> date:
    return local_now().date()


def local_date_of(moment: datetime) -> date:
    """The utility's calendar day of a moment (timestamps are stored in UTC)."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def local_datetime(moment: datetime) -> datetime:
    """A stored timestamp as the utility's wall-clock time, without a zone: what a
    workbook cell can hold and what the screens show."""
    if moment.tzinfo is None:  # SQLite gives back the UTC it was given, without its zone
        moment = moment.replace(tzinfo=UTC)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.astimezone(zone).replace(tzinfo=None)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = month_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
