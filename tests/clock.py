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
