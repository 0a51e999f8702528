"""Visit plans and visit records.

Each key account with a class has one open visit deadline (kind "visit"), owned by its
account manager and due one interval (by class) after the last visit, or after the plan
began when it was never visited. Recording a visit closes it and opens the next; the
daily plan keeps the deadlines in step with classes and reassignments, in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from utilitycrm.accounts.models import FollowUp, Visit
from utilitycrm.archive.enums import CustomerStatus
from utilitycrm.archive.models import Customer
from utilitycrm.archive.standards import Standards
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.core.dates import add_months
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.models import Deadline

VISIT = "visit"
FOLLOW_UP = "follow_up"
CHUNK = 900


def _warn_on(due_on: date, standards: Standards) -> date:
    return due_on - timedelta(days=standards.visit_warn_days)


@dataclass(frozen=True)
class Planned:
    customer_id: int
    owner_id: int
    due_on: date


def _planned(
    rows, last_visits: dict[int, date], open_by_customer, today, standards
) -> list[Planned]:
    planned = []
    for customer_id, owner_id, value_class in rows:
        current = open_by_customer.get(customer_id)
        since = last_visits.get(customer_id) or (current.starts_on if current else today)
        planned.append(
            Planned(customer_id, owner_id, add_months(since, standards.visit_months(value_class)))
        )
    return planned


def plan_visits(today: date, customer_ids: Sequence[int] | None = None) -> int:
    """Open, move or close visit deadlines so that each key account with a class has one,
    due by its class and last visit, owned by its manager. Returns how many changed."""
    query = select(Customer.id, Customer.account_manager_id, Customer.value_class).where(
        Customer.value_class.is_not(None),
        Customer.account_manager_id.is_not(None),
        Customer.status.in_([CustomerStatus.ACTIVE.value, CustomerStatus.SUSPENDED.value]),
    )
    open_query = select(Deadline).where(Deadline.kind == VISIT, Deadline.finished_on.is_(None))
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
        open_query = open_query.where(Deadline.subject_id.in_(customer_ids))
    rows = db.session.execute(query).all()
    open_by_customer = {d.subject_id: d for d in db.session.scalars(open_query)}
    wanted = {row[0] for row in rows}
    last_visits: dict[int, date] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), CHUNK):
        last_visits.update(
            db.session.execute(
                select(Visit.customer_id, func.max(Visit.visited_on))
                .where(Visit.customer_id.in_(ids[start : start + CHUNK]))
                .group_by(Visit.customer_id)
            ).all()
        )
    changed = 0
    standards = standards_on(today)
    planned = _planned(rows, last_visits, open_by_customer, today, standards)
    cycles = _cycles([p.customer_id for p in planned if p.customer_id not in open_by_customer])
    for plan in planned:
        current = open_by_customer.get(plan.customer_id)
        if current is None:
            deadlines.open_date_deadline(
                VISIT, plan.customer_id, str(cycles.get(plan.customer_id, 0) + 1),
                owner_id=plan.owner_id, customer_id=plan.customer_id,
                starts_on=last_visits.get(plan.customer_id) or today,
                due_on=plan.due_on, warn_on=_warn_on(plan.due_on, standards),
            )  # fmt: skip
            changed += 1
        elif (current.due_on, current.owner_id) != (plan.due_on, plan.owner_id):
            current.due_on, current.owner_id = plan.due_on, plan.owner_id
            current.warn_on = _warn_on(plan.due_on, standards)
            changed += 1
    for customer_id, deadline in open_by_customer.items():
        if customer_id not in wanted:  # no longer a key account with a class
            deadline.finished_on = today
            changed += 1
    return changed


def _cycles(customer_ids: list[int]) -> dict[int, int]:
    """How many visit deadlines each customer has had (each cycle has its own key)."""
    counts: dict[int, int] = {}
    for start in range(0, len(customer_ids), CHUNK):
        counts.update(
            db.session.execute(
                select(Deadline.subject_id, func.count())
                .where(
                    Deadline.kind == VISIT,
                    Deadline.subject_id.in_(customer_ids[start : start + CHUNK]),
                )
                .group_by(Deadline.subject_id)
            ).all()
        )
    return counts


@dataclass(frozen=True)
class FollowUpRequest:
    action: str
    owner_id: int
    due_on: date


@dataclass(frozen=True)
class VisitRequest:
    visited_on: date
    people_met: str
    topics: str
    notes: str = ""
    follow_ups: tuple[FollowUpRequest, ...] = ()


def record_visit(customer: Customer, request: VisitRequest, *, actor: User, today: date) -> Visit:
    """The visit with its follow-ups (each a deadline of its owner); the visit deadline it
    answers closes and the next one opens."""
    if request.visited_on > today:
        raise UtilityCRMError(_l("A visit is recorded once it has happened."))
    if not request.people_met.strip() or not request.topics.strip():
        raise UtilityCRMError(_l("Say whom you met and what you talked about."))
    for item in request.follow_ups:
        if item.due_on < request.visited_on:
            raise UtilityCRMError(_l("A follow-up falls due after the visit."))
    visit = Visit(
        customer_id=customer.id,
        visited_on=request.visited_on,
        people_met=request.people_met.strip(),
        topics=request.topics.strip(),
        notes=request.notes.strip(),
        created_by_id=actor.id,
        follow_ups=[
            FollowUp(action=f.action.strip(), owner_id=f.owner_id, due_on=f.due_on)
            for f in request.follow_ups
        ],
    )
    db.session.add(visit)
    db.session.flush()
    for item in visit.follow_ups:
        deadlines.open_date_deadline(
            FOLLOW_UP, item.id, "", owner_id=item.owner_id, customer_id=customer.id,
            starts_on=request.visited_on,
            due_on=item.due_on, warn_on=item.due_on - timedelta(days=3),
        )  # fmt: skip
    current = db.session.scalar(
        select(Deadline).where(
            Deadline.kind == VISIT,
            Deadline.subject_id == customer.id,
            Deadline.finished_on.is_(None),
        )
    )
    if current is not None and request.visited_on >= current.starts_on:
        current.finished_on = request.visited_on
        db.session.flush()
    plan_visits(today, [customer.id])
    return visit


def complete_follow_up(item: FollowUp, *, day: date, actor: User, today: date) -> None:
    if item.done_on is not None:
        raise UtilityCRMError(_l("This follow-up is done already."))
    if day > today or day < item.visit.visited_on:
        raise UtilityCRMError(_l("A follow-up is done between its visit and today."))
    if not item.can_complete(actor):
        raise UtilityCRMError(_l("Its owner or the account manager marks a follow-up done."))
    item.done_on = day
    deadline = db.session.scalar(
        select(Deadline).where(Deadline.kind == FOLLOW_UP, Deadline.subject_id == item.id)
    )
    if deadline is not None:
        deadline.finished_on = day


def recent_visits(customer_id: int, limit: int = 20) -> list[Visit]:
    """Newest first, with their follow-ups and owners (the page shows them)."""
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.customer_id == customer_id)
            .options(selectinload(Visit.follow_ups).joinedload(FollowUp.owner))
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(limit)
        )
    )


def open_visit(customer_id: int) -> Deadline | None:
    """The customer's planned visit (its open deadline), if it has a plan."""
    return db.session.scalar(
        select(Deadline).where(
            Deadline.kind == VISIT, Deadline.subject_id == customer_id,
            Deadline.finished_on.is_(None),
        )
    )  # fmt: skip
