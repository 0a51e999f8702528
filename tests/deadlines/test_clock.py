"""A stage clock: working days used, due-soon and due dates, pauses for the customer."""

from __future__ import annotations

from datetime import date

import pytest

from utilitycrm.auth.roles import Role
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import clock, services
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import AlertLevel

D = date.fromisoformat
CAL = WorkCalendar()


def test_a_running_clock_counts_working_days_and_warns_at_80_percent():
    reading = clock.read(CAL, starts_on=D("2026-09-30"), limit=5, pauses=[], today=D("2026-10-09"))
    assert reading.used == 2  # 8 and 9 October
    assert reading.warn_on == D("2026-10-12")  # the 4th working day: 80% of 5
    assert reading.due_on == D("2026-10-13")
    assert not reading.is_paused and not reading.is_uncertain


def test_a_pause_stops_the_clock_and_moves_the_due_date():
    pauses = [clock.Interval(D("2026-11-03"), D("2026-11-10"))]  # customer acts 4th–10th
    reading = clock.read(
        CAL, starts_on=D("2026-11-02"), limit=3, pauses=pauses, today=D("2026-11-12")
    )
    # Counted: 3 Nov (1), then 11 Nov (2), 12 Nov (3).
    assert reading.used == 3
    assert reading.due_on == D("2026-11-12")


def test_while_paused_the_due_date_is_unknown_and_the_used_days_stand_still():
    pauses = [clock.Interval(D("2026-11-04"), None)]
    reading = clock.read(
        CAL, starts_on=D("2026-11-02"), limit=5, pauses=pauses, today=D("2026-11-20")
    )
    assert reading.is_paused and reading.used == 2 and reading.due_on is None


def test_a_stopped_clock_counts_to_its_stop():
    reading = clock.read(
        CAL, starts_on=D("2026-11-02"), limit=3, pauses=[], today=D("2026-11-20"),
        stopped_on=D("2026-11-06"),
    )  # fmt: skip
    assert reading.used == 4 and reading.due_on == D("2026-11-05")


def _deadline(users, **kwargs):
    deadline = services.open_workday_deadline(
        "test", 1, "stage", owner_id=users[Role.ACCOUNT_MANAGER].id, customer_id=None,
        starts_on=D("2026-11-02"),
        limit=5, warn_share=0.8, calendar=CAL, today=D("2026-11-03"), **kwargs,
    )  # fmt: skip
    db.session.commit()
    return deadline


def test_pause_requires_reason_and_note_and_resuming_moves_the_dates(users):
    deadline = _deadline(users)
    actor = users[Role.ACCOUNT_MANAGER]
    assert deadline.due_on == D("2026-11-09") and deadline.warn_on == D("2026-11-06")
    with pytest.raises(UtilityCRMError, match="备注"):
        services.pause(deadline, starts_on=D("2026-11-03"), reason="designing", note=" ",
                       actor=actor, calendar=CAL, today=D("2026-11-03"))  # fmt: skip
    with pytest.raises(UtilityCRMError):
        services.pause(deadline, starts_on=D("2026-11-03"), reason="golf", note="x",
                       actor=actor, calendar=CAL, today=D("2026-11-03"))  # fmt: skip
    services.pause(deadline, starts_on=D("2026-11-03"), reason="designing", note="图纸修改",
                   actor=actor, calendar=CAL, today=D("2026-11-04"))  # fmt: skip
    assert (
        deadline.is_paused and deadline.due_on is None and deadline.level(D("2026-12-01")) is None
    )
    with pytest.raises(UtilityCRMError, match="已暂停"):
        services.pause(deadline, starts_on=D("2026-11-04"), reason="designing", note="x",
                       actor=actor, calendar=CAL, today=D("2026-11-04"))  # fmt: skip
    services.resume(deadline, ends_on=D("2026-11-16"), actor=actor, calendar=CAL,
                    today=D("2026-11-16"))  # fmt: skip
    # 1 day used before the pause; 4 more from 17 Nov: due 20 Nov, warn on the 4th day, 19 Nov.
    assert not deadline.is_paused
    assert deadline.due_on == D("2026-11-20") and deadline.warn_on == D("2026-11-19")
    assert deadline.level(D("2026-11-19")) == AlertLevel.DUE_SOON
    assert deadline.level(D("2026-11-23")) == AlertLevel.OVERDUE


def test_finishing_records_the_utility_days_and_whether_it_was_on_time(users):
    deadline = _deadline(users)
    services.finish(deadline, finished_on=D("2026-11-10"), calendar=CAL, today=D("2026-11-10"))
    assert deadline.used_workdays == 6 and deadline.is_on_time is False
    assert deadline.level(D("2026-11-30")) is None
    with pytest.raises(UtilityCRMError):
        services.pause(deadline, starts_on=D("2026-11-10"), reason="designing", note="x",
                       actor=users[Role.ADMIN], calendar=CAL, today=D("2026-11-10"))  # fmt: skip


def test_a_calendar_change_recomputes_open_deadlines(users):
    deadline = _deadline(users)
    services.set_day(D("2026-11-04"), is_workday=False, note="", actor=users[Role.ADMIN])
    assert services.refresh_open(WorkCalendar.load(), D("2026-11-04")) == 1
    assert deadline.due_on == D("2026-11-10")
