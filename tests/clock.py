"""The suite's one clock: every test runs on the same Beijing day, whatever day it runs on.

`UTILITYCRM_TEST_TODAY=2027-01-04 make test` runs the whole suite on another day (a year's
end, the first working day after a holiday) to show that no test depends on the calendar.
Tests compute their dates from TODAY; the app reads the same moment through `local_today()`.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = date.fromisoformat(os.environ.get("UTILITYCRM_TEST_TODAY") or "2026-11-23")
# Mid-morning: a test that runs for minutes stays on TODAY, in Beijing and in UTC alike.
NOW = datetime.combine(TODAY, time(10, 0), BEIJING)


def month_start(back: int = 0) -> date:
    """The first day of the month `back` months before TODAY's (0 = TODAY's month)."""
    index = TODAY.year * 12 + TODAY.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_text(back: int = 0) -> str:
    """That month as the workbooks and the API write it, 2026-10."""
    return month_start(back).strftime("%Y-%m")
