"""Complaints: the 24-hour contact, 4 (or 9) working days across holidays, the steps to
closing, escalation to the chiefs, statistics."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.accounts.conftest import managed
from tests.factories import DEFAULT_PASSWORD, create_user
from utilitycrm.accounts import complaints
from utilitycrm.accounts.models import Complaint
from utilitycrm.accounts.types import Step
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import local_now
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.alerts import open_alerts
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import Deadline

CST = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=CST)


def log(customer, actor, received, *, is_report=False, now=None):
    complaint = complaints.log_complaint(
        complaints.ComplaintRequest(customer, "95598", "business", received,
                                    "报装超期未送电", is_report=is_report),
        actor=actor, calendar=WorkCalendar(), now=now or received + timedelta(minutes=10),
    )  # fmt: skip
    db.session.commit()
    return complaint


def test_limits_count_working_days_across_national_day(manager, users):
    customer = managed(manager)
    complaint = log(customer, users[Role.MARKETING], at(2026, 9, 30, 16, 0))
    clocks = complaints.clocks(complaint)
    assert complaint.contact_due_at == at(2026, 10, 1, 16, 0)
    assert clocks["contact"].due_on == date(2026, 10, 1)
    # 4 working days after 9-30: October 1-7 are holidays; 8, 9, 10 (Sat, 调休), 12
    assert clocks["resolve"].due_on == date(2026, 10, 12)
    assert clocks["resolve"].owner_id == manager.id  # the account manager owns it
    report = log(customer, users[Role.MARKETING], at(2026, 9, 30, 16, 0), is_report=True)
    assert complaints.clocks(report)["resolve"].due_on == date(2026, 10, 19)


def test_a_complaint_goes_through_its_steps_to_closing(manager, users):
    complaint = log(managed(manager), users[Role.MARKETING], at(2026, 11, 23, 9, 0))
    now = at(2026, 11, 23, 11, 0)

    def step(note="已处理", **extra):
        result = complaints.advance(complaint, note=note, actor=manager,
                                    calendar=WorkCalendar(), now=now, **extra)  # fmt: skip
        db.session.commit()
        return result

    with pytest.raises(UtilityCRMError, match="首次联系客户"):
        step()
    db.session.rollback()
    complaints.record_contact(complaint, at=at(2026, 11, 23, 10, 0), actor=manager,
                              calendar=WorkCalendar(), now=now)  # fmt: skip
    assert complaints.clocks(complaint)["contact"].finished_on == date(2026, 11, 23)
    assert step("已联系客户，核实属实") is Step.RECTIFY
    assert step("已送电") is Step.REVISIT
    assert complaints.clocks(complaint)["resolve"].is_on_time
    with pytest.raises(UtilityCRMError):
        step("回访")  # satisfaction missing
    db.session.rollback()
    assert step("客户不满意送电时间", satisfaction="unsatisfied") is Step.RECTIFY
    assert step("补偿方案已落实") is Step.REVISIT
    assert step("客户满意", satisfaction="satisfied") is Step.ARCHIVE
    assert step("归档") is Step.CLOSED
    assert complaint.closed_at == now and not complaint.is_open
    assert [s.code for s in complaint.steps] == [
        "accept", "verify", "rectify", "revisit", "rectify", "revisit", "archive",
    ]  # fmt: skip
    with pytest.raises(UtilityCRMError):
        step("again")


def test_overdue_complaints_are_escalated_to_the_chiefs_once(manager, users, app):
    complaint = log(managed(manager), users[Role.MARKETING], at(2026, 11, 2, 9, 0))
    chief = users[Role.CHIEF]
    assert complaints.escalate_overdue(now=at(2026, 11, 3, 8, 0), today=date(2026, 11, 3)) == []
    escalated = complaints.escalate_overdue(now=at(2026, 11, 4, 8, 0), today=date(2026, 11, 4))
    db.session.commit()
    assert escalated == [complaint] and complaint.escalated_at is not None
    assert complaints.escalate_overdue(now=at(2026, 11, 9, 8, 0), today=date(2026, 11, 9)) == []
    with app.test_request_context():
        alerts = open_alerts(date(2026, 11, 4), owner_id=chief.id)
    assert [(a.deadline.subject_id, a.level.value) for a in alerts] == [(complaint.id, "overdue")]
    # Closing the complaint ends every deadline, the chiefs' too.
    complaint.step = Step.ARCHIVE.value
    complaints.advance(complaint, note="归档", actor=manager, calendar=WorkCalendar(),
                       now=at(2026, 11, 9, 9, 0))  # fmt: skip
    db.session.commit()
    still_open = db.session.scalars(select(Deadline).where(Deadline.finished_on.is_(None))).all()
    assert still_open == []


def test_statistics_per_category_and_month(manager, users):
    customer = managed(manager)
    log(customer, users[Role.MARKETING], at(2026, 10, 8, 9, 0))
    log(customer, users[Role.MARKETING], at(2026, 11, 2, 9, 0))
    stats = complaints.statistics(date(2026, 10, 1), date(2026, 12, 1))
    assert {month: s.received for month, s in stats["business"].items()} == {
        "2026-10": 1, "2026-11": 1,
    }  # fmt: skip


def test_bad_complaints_are_refused(manager, users):
    customer = managed(manager)
    now = at(2026, 11, 23, 9, 0)
    for received, summary in ((now + timedelta(hours=1), "x"), (now, "  ")):
        with pytest.raises(UtilityCRMError):
            complaints.log_complaint(
                complaints.ComplaintRequest(customer, "95598", "service", received, summary),
                actor=users[Role.MARKETING], calendar=WorkCalendar(), now=now,
            )  # fmt: skip
        db.session.rollback()


def test_account_managers_work_the_complaints_of_their_own_customers(client, users, app):
    """The desk and chiefs work any complaint; a manager their own customers' and those
    handed to them, and nobody else's (written in the README's access table)."""
    mine, theirs = users[Role.ACCOUNT_MANAGER], create_user(role=Role.ACCOUNT_MANAGER,
                                                              username="manager-2")  # fmt: skip
    received = local_now() - timedelta(hours=1)
    complaint = log(managed(theirs), users[Role.MARKETING], received)
    step = {"note": "已联系客户", "next_owner_id": ""}

    def advance(username: str) -> int:
        browser = app.test_client()
        browser.post("/login", data={"username": username, "password": DEFAULT_PASSWORD})
        page = browser.get(f"/accounts/complaints/{complaint.number}").get_data(as_text=True)
        shown = f"/accounts/complaints/{complaint.number}/advance" in page
        status = browser.post(f"/accounts/complaints/{complaint.number}/advance", data=step)
        return shown, status.status_code

    before = len(complaint.steps)
    assert advance(mine.username) == (False, 403)
    db.session.expire_all()
    assert len(db.session.get(Complaint, complaint.id).steps) == before
    assert advance(theirs.username) == (True, 302)
    assert advance(users[Role.CHIEF].username) == (True, 302)
    assert advance(users[Role.MARKETING].username) == (True, 302)
    handed = db.session.get(Complaint, complaint.id)
    handed.owner_id = mine.id  # handed to the other manager: now theirs to work
    db.session.commit()
    assert advance(mine.username)[1] == 302
