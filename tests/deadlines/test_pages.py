"""The calendar page (administrators keep overrides) and the chief's load by person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.deadlines.conftest import open_test_deadline
from tests.deadlines.test_alerts import _back
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import CalendarDay, CalendarYear


def test_the_calendar_shows_make_up_days_and_holidays(client, login_as):
    login_as(Role.ACCOUNT_MANAGER)
    html = client.get("/calendar?year=2026").get_data(as_text=True)
    assert 'class="workday" data-day="2026-10-10"' in html
    assert 'class="restday" data-day="2026-10-05"' in html
    assert 'id="unknown-year"' not in html and 'id="day-form"' not in html


def test_an_administrator_adds_a_holiday_in_an_unknown_year_and_confirms_it(client, login_as):
    admin = login_as(Role.ADMIN)
    html = client.get("/calendar?year=2027").get_data(as_text=True)
    assert 'id="unknown-year"' in html and 'id="year-form"' in html
    response = client.post(
        "/calendar/days", data={"day": "2027-02-08", "is_workday": "0", "note": "春节"}
    )
    assert response.status_code == 302
    day = db.session.get(CalendarDay, date(2027, 2, 8))
    assert not day.is_workday and day.created_by_id == admin.id
    html = client.get("/calendar?year=2027").get_data(as_text=True)
    assert 'class="restday override" data-day="2027-02-08"' in html
    client.post("/calendar/years", data={"year": "2027", "note": "国办发明电"})
    assert db.session.get(CalendarYear, 2027) is not None
    assert 'id="unknown-year"' not in client.get("/calendar?year=2027").get_data(as_text=True)


def test_bad_calendar_input_changes_nothing(client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/calendar/days", data={"day": "2027-02-30", "is_workday": "0"})
    assert response.status_code == 302
    assert db.session.scalars(select(CalendarDay)).all() == []
    followed = client.get(response.location).get_data(as_text=True)
    assert "alert-danger" in followed
    assert client.post("/calendar/days/not-a-date/delete").status_code == 302
    assert client.post("/calendar/years", data={"year": "2026"}).status_code == 302
    assert db.session.scalars(select(CalendarYear)).all() == []


def test_the_chief_sees_every_managers_load(client, login_as, users):
    open_test_deadline(users[Role.ACCOUNT_MANAGER], "late", starts_on=_back(8))
    open_test_deadline(users[Role.ACCOUNT_MANAGER], "soon", starts_on=_back(4))
    login_as(Role.CHIEF)
    html = client.get("/").get_data(as_text=True)
    loads = html.split('id="loads"')[1].split("</table>")[0]
    assert users[Role.ACCOUNT_MANAGER].display_name in loads
    assert "Task late" in html.split('id="inbox-head"')[1]
