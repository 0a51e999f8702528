"""Visit plans by class, visits with follow-ups, reassignment and the portfolio."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.accounts.conftest import TODAY, managed
from tests.factories import create_user
from tests.validation.dbarchive import change
from utilitycrm.accounts import portfolio, visits
from utilitycrm.archive.models import ArchiveChange
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import add_months
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline


def _open(customer):
    db.session.expire_all()
    return visits.open_visit(customer.id)


def _visit(customer, actor, day, follow_ups=()):
    visit = visits.record_visit(
        customer,
        visits.VisitRequest(day, "王总、财务李经理", "电费与增容计划", follow_ups=follow_ups),
        actor=actor, today=TODAY,
    )  # fmt: skip
    db.session.commit()
    return visit


def test_plans_follow_the_class_interval(manager):
    a, b, c, none = (managed(manager, value_class=v) for v in ("A", "B", "C", None))
    assert visits.plan_visits(TODAY) == 3
    db.session.commit()
    assert _open(a).due_on == add_months(TODAY, 1)
    assert _open(b).due_on == add_months(TODAY, 3)
    assert _open(c).due_on == add_months(TODAY, 6)
    assert _open(none) is None
    assert visits.plan_visits(TODAY) == 0  # already in step


def test_a_visit_closes_the_plan_and_the_next_one_counts_from_it(manager):
    customer = managed(manager, value_class="A")
    visits.plan_visits(date(2026, 9, 1))
    db.session.commit()
    assert _open(customer).due_on == date(2026, 10, 1)  # overdue on TODAY
    _visit(customer, manager, date(2026, 11, 20))
    assert _open(customer).due_on == date(2026, 12, 20)
    finished = db.session.scalars(
        select(Deadline).where(Deadline.kind == "visit", Deadline.finished_on.is_not(None))
    ).one()
    assert finished.finished_on == date(2026, 11, 20) and not finished.is_on_time


def test_a_class_change_moves_the_plan(manager):
    customer = managed(manager, value_class="C")
    _visit(customer, manager, date(2026, 11, 2))
    assert _open(customer).due_on == date(2027, 5, 2)
    change(customer, value_class="A")
    visits.plan_visits(TODAY)
    db.session.commit()
    assert _open(customer).due_on == date(2026, 12, 2)


def test_follow_ups_are_deadlines_of_their_owners(manager, users):
    customer = managed(manager, value_class="B")
    engineer = users[Role.MARKETING]
    visit = _visit(customer, manager, TODAY, follow_ups=(
        visits.FollowUpRequest("报送增容方案", engineer.id, TODAY + timedelta(days=8)),
    ))  # fmt: skip
    (item,) = visit.follow_ups
    deadline = db.session.scalars(select(Deadline).where(Deadline.kind == "follow_up")).one()
    assert (deadline.owner_id, deadline.due_on) == (engineer.id, TODAY + timedelta(days=8))
    with pytest.raises(UtilityCRMError):
        visits.complete_follow_up(item, day=TODAY, actor=users[Role.INSPECTOR], today=TODAY)
    visits.complete_follow_up(item, day=TODAY, actor=engineer, today=TODAY)
    db.session.commit()
    assert deadline.finished_on == TODAY


def test_bad_visits_are_refused(manager):
    customer = managed(manager, value_class="A")
    for request in (
        visits.VisitRequest(TODAY + timedelta(days=7), "王总", "电费"),  # in the future
        visits.VisitRequest(TODAY, " ", "电费"),
        visits.VisitRequest(TODAY, "王总", "电费", follow_ups=(
            visits.FollowUpRequest("x", manager.id, date(2026, 1, 1)),)),
    ):  # fmt: skip
        with pytest.raises(UtilityCRMError):
            visits.record_visit(customer, request, actor=manager, today=TODAY)
        db.session.rollback()


def test_reassignment_is_recorded_and_the_plan_follows(manager, users):
    customer = managed(manager, value_class="A")
    visits.plan_visits(TODAY)
    db.session.commit()
    other = create_user(role=Role.ACCOUNT_MANAGER, username="manager-2")
    portfolio.reassign([customer.account_no], to=other, actor=users[Role.CHIEF],
                       reason="片区调整", today=TODAY)  # fmt: skip
    db.session.commit()
    assert customer.account_manager_id == other.id
    assert _open(customer).owner_id == other.id
    recorded = db.session.scalars(
        select(ArchiveChange).where(ArchiveChange.field == "account_manager_id")
    ).one()
    assert (recorded.old_value, recorded.new_value) == (str(manager.id), str(other.id))
    with pytest.raises(UtilityCRMError):
        portfolio.reassign([customer.account_no], to=users[Role.INSPECTOR],
                           actor=users[Role.CHIEF], reason="x", today=TODAY)  # fmt: skip


def test_the_portfolio_puts_overdue_visits_first(manager):
    calm = managed(manager, value_class="C", contract_capacity_kva=5000)
    late = managed(manager, value_class="A", contract_capacity_kva=100)
    visits.plan_visits(date(2026, 9, 1))
    db.session.commit()
    rows = portfolio.accounts_of(manager.id, TODAY)
    assert [r.customer.id for r in rows] == [late.id, calm.id]
    assert rows[0].visit_overdue(TODAY) and not rows[1].visit_overdue(TODAY)
    (load,) = portfolio.manager_loads(TODAY)
    assert (load.accounts, load.overdue_visits) == (2, 1)
