"""A time limit in working days that pauses while the customer is acting.

Pure functions of a `WorkCalendar`: the event day is day 0; a working day counts when it
falls after the start and outside every pause. A pause runs from the day the customer
takes over (not counted from the next day on) to the day they hand back (that day not
counted either: it is day 0 of the resumed clock).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from utilitycrm.deadlines.calendar import WorkCalendar


@dataclass(frozen=True)
class Interval:
    starts_on: date
    ends_on: date | None  # None: still paused

    def covers(self, day: date) -> bool:
        return self.starts_on < day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Reading:
    """Where a clock stands: days used of the limit, and when it warns and runs out."""

    limit: int
    used: int
    warn_on: date | None  # None while paused: the date depends on when the customer returns
    due_on: date | None
    is_paused: bool
    is_uncertain: bool

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def overrun(self) -> int:
        """Working days used beyond the limit: how late the stage is."""
        return max(self.used - self.limit, 0)


def warn_count(limit: int, warn_share: float) -> int:
    """The working day on which the share of the limit is used (at least the first)."""
    return max(1, math.ceil(limit * warn_share - 1e-9)) if limit else 0


def read(
    calendar: WorkCalendar,
    *,
    starts_on: date,
    limit: int,
    pauses: Sequence[Interval],
    today: date,
    stopped_on: date | None = None,
    warn_share: float = 0.8,
) -> Reading:
    """Days used up to today (or the stop), and the days the clock warns and runs out,
    projected over the calendar while it runs."""
    end = stopped_on or today
    paused_now = stopped_on is None and any(p.ends_on is None for p in pauses)
    target_warn = warn_count(limit, warn_share)
    counted = used = 0
    warn_on = due_on = starts_on if limit == 0 else None
    uncertain = not calendar.is_known(starts_on.year)
    for day in calendar.days_after(starts_on):
        if day > end and (due_on is not None or paused_now):
            break
        uncertain = uncertain or not calendar.is_known(day.year)
        if not calendar.is_workday(day) or any(p.covers(day) for p in pauses):
            continue
        counted += 1
        if day <= end:
            used = counted
        if warn_on is None and counted >= target_warn:
            warn_on = day
        if due_on is None and counted >= limit:
            due_on = day
    return Reading(limit, used, warn_on, due_on, paused_now, uncertain)
