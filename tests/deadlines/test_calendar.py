"""The working-day calendar on real dates, administrators' overrides and unknown years."""

from __future__ import annotations

from datetime import date

import pytest

from utilitycrm.auth.roles import Role
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services
from utilitycrm.deadlines.calendar import Day, WorkCalendar

D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # National Day 2026: 1–7 October off, Saturday 10 October a make-up working day.
        ("2026-09-30", 5, "2026-10-13"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-10-09", 1, "2026-10-10"),
        # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-24", 4, "2026-02-28"),
        # An ordinary week: Friday plus one is Monday.
        ("2026-11-20", 1, "2026-11-23"),
        # Day 0 is the event day itself.
        ("2026-10-01", 0, "2026-10-01"),
    ],
)
def test_working_days_after_an_event_follow_the_state_council_calendar(start, count, expected):
    assert WorkCalendar().add_workdays(D(start), count) == Day(D(expected))


def test_make_up_saturdays_are_working_days_and_holiday_weekdays_are_not():
    calendar = WorkCalendar()
    assert calendar.is_workday(D("2026-10-10"))  # Saturday, 调休
    assert calendar.is_workday(D("2026-02-28"))  # Saturday, 调休
    assert not calendar.is_workday(D("2026-10-05"))  # Monday, National Day
    assert not calendar.is_workday(D("2026-02-16"))  # Monday, Spring Festival
    assert calendar.workdays_between(D("2026-09-30"), D("2026-10-13")) == 5


def test_a_date_in_a_year_the_calendar_does_not_know_is_flagged_not_guessed_silently():
    result = WorkCalendar().add_workdays(D("2026-12-28"), 5)
    assert result == Day(D("2027-01-04"), uncertain=True)  # weekends only: New Year not known
    assert not WorkCalendar().add_workdays(D("2026-12-01"), 5).uncertain


def test_administrator_overrides_fill_a_year_and_confirming_it_removes_the_warning(users):
    admin = users[Role.ADMIN]
    services.set_day(D("2027-01-01"), is_workday=False, note="元旦", actor=admin)
    db.session.commit()
    calendar = WorkCalendar.load()
    assert not calendar.is_workday(D("2027-01-01"))
    assert calendar.add_workdays(D("2026-12-30"), 2) == Day(D("2027-01-04"), uncertain=True)

    services.confirm_year(2027, note="国办发明电〔2026〕", actor=admin)
    db.session.commit()
    assert WorkCalendar.load().add_workdays(D("2026-12-30"), 2) == Day(D("2027-01-04"))
    with pytest.raises(UtilityCRMError):
        services.confirm_year(2027, note="", actor=admin)
    with pytest.raises(UtilityCRMError):
        services.confirm_year(2026, note="", actor=admin)  # the package knows it


def test_an_override_beats_the_package_for_a_known_year(users):
    services.set_day(
        D("2026-11-23"), is_workday=False, note="local holiday", actor=users[Role.ADMIN]
    )
    db.session.commit()
    assert WorkCalendar.load().add_workdays(D("2026-11-20"), 1) == Day(D("2026-11-24"))
    services.remove_day(D("2026-11-23"))
    db.session.commit()
    assert WorkCalendar.load().add_workdays(D("2026-11-20"), 1) == Day(D("2026-11-23"))


def test_cli_adds_working_days_and_answers_is_workday(runner):
    result = runner.invoke(args=["calendar", "add-workdays", "2026-09-30", "5"])
    assert result.exit_code == 0 and result.stdout == "2026-10-13\n"
    assert runner.invoke(args=["calendar", "is-workday", "2026-10-10"]).stdout == "yes\n"
    assert runner.invoke(args=["calendar", "is-workday", "2026-10-05"]).stdout == "no\n"


def test_cli_warns_on_an_unknown_year_and_refuses_a_bad_date(runner):
    result = runner.invoke(args=["calendar", "add-workdays", "2027-03-01", "3"])
    assert result.exit_code == 0
    assert result.stdout == "2027-03-04\n"
    assert "not known" in result.stderr
    bad = runner.invoke(args=["calendar", "is-workday", "2026-02-30"])
    assert bad.exit_code == 2 and "not a date" in bad.stderr
