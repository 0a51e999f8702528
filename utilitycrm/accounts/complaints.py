"""Complaints and service requests: 受理 → 核实 → 整改 → 回访 → 归档 on the shared clocks.

Logging a complaint accepts it and opens its two time limits (domain.md §6): contacting
the customer within 24 hours (a calendar deadline, the hour kept on the complaint) and
resolving it within 4 working days, 9 for a report (举报), on the working-day calendar.
Contact ends the first; finishing rectification ends the second. A complaint whose limit
has passed is escalated: each chief gets a deadline of their own on it, so it shows on
their alerts and is mailed by the alerts command, until the complaint is closed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from utilitycrm.accounts.models import Complaint, ComplaintStep
from utilitycrm.accounts.types import STEPS, Satisfaction, Step
from utilitycrm.archive.models import Customer
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.auth.services import active_users
from utilitycrm.core.dates import local_date_of
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.numbering import next_number
from utilitycrm.core.sorting import Sorts, sort_order
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import Deadline

KIND = "complaint"
CONTACT, RESOLVE = "contact", "resolve"


@dataclass(frozen=True)
class ComplaintRequest:
    customer: Customer
    channel: str
    category: str
    received_at: datetime
    summary: str
    is_report: bool = False
    caller: str = ""
    owner_id: int | None = None


def log_complaint(
    request: ComplaintRequest, *, actor: User, calendar: WorkCalendar, now: datetime
) -> Complaint:
    if request.received_at > now:
        raise UtilityCRMError(_l("A complaint is logged once it has been received."))
    if not request.summary.strip():
        raise UtilityCRMError(_l("Say what the customer complains about."))
    config = current_app.config
    owner_id = request.owner_id or request.customer.account_manager_id or actor.id
    received_on = local_date_of(request.received_at)
    standards = standards_on(received_on)
    complaint = Complaint(
        number=next_number("complaint", config["COMPLAINT_NUMBER_PATTERN"], received_on.year),
        customer_id=request.customer.id,
        channel=request.channel,
        category=request.category,
        is_report=request.is_report,
        received_at=request.received_at,
        contact_due_at=request.received_at + timedelta(hours=standards.complaint_contact_hours),
        caller=request.caller.strip(),
        summary=request.summary.strip(),
        step=Step.VERIFY.value,
        owner_id=owner_id,
        created_by_id=actor.id,
        steps=[
            ComplaintStep(code=Step.ACCEPT.value, owner_id=actor.id, started_at=request.received_at,
                          finished_at=now, finished_by_id=actor.id),
            ComplaintStep(code=Step.VERIFY.value, owner_id=owner_id, started_at=now),
        ],
    )  # fmt: skip
    db.session.add(complaint)
    db.session.flush()
    contact_day = local_date_of(complaint.contact_due_at)
    deadlines.open_date_deadline(
        KIND, complaint.id, CONTACT, owner_id=owner_id, customer_id=complaint.customer_id,
        starts_on=received_on,
        due_on=contact_day, warn_on=received_on,
    )  # fmt: skip
    limit = (
        standards.complaint_report_workdays
        if request.is_report
        else standards.complaint_resolve_workdays
    )
    deadlines.open_workday_deadline(
        KIND, complaint.id, RESOLVE, owner_id=owner_id, customer_id=complaint.customer_id,
        starts_on=received_on, limit=limit,
        warn_share=standards.deadline_warn_share, calendar=calendar, today=local_date_of(now),
    )  # fmt: skip
    return complaint


LIST_SORTS: Sorts = {
    "received": (Complaint.received_at, Complaint.id),
    "number": (Complaint.number,),
}


def listing(
    *,
    show: str = "all",
    category: str | None = None,
    step: str | None = None,
    sort: str = "-received",
    customer_id: int | None = None,
    limit: int = 200,
) -> list[Complaint]:
    """Newest first (or as sorted), with customer and owner (the lists show both):
    `open`, `escalated` (and still open) or `all`, of a category or at a step."""
    query = (
        select(Complaint)
        .options(joinedload(Complaint.customer), joinedload(Complaint.owner))
        .order_by(*sort_order(LIST_SORTS, sort, "-received"))
        .limit(limit)
    )
    if category:
        query = query.where(Complaint.category == category)
    if step:
        query = query.where(Complaint.step == step)
    if show in ("open", "escalated"):
        query = query.where(Complaint.step != Step.CLOSED.value)
    if show == "escalated":
        query = query.where(Complaint.escalated_at.is_not(None))
    if customer_id is not None:
        query = query.where(Complaint.customer_id == customer_id)
    return list(db.session.scalars(query))


def clocks(complaint: Complaint) -> dict[str, Deadline]:
    """The complaint's deadlines by key (contact, resolve, escalation-<chief>)."""
    return {
        d.key: d
        for d in db.session.scalars(
            select(Deadline).where(Deadline.kind == KIND, Deadline.subject_id == complaint.id)
        )
    }


def _deadline(complaint: Complaint, key: str) -> Deadline | None:
    return db.session.scalar(
        select(Deadline).where(
            Deadline.kind == KIND, Deadline.subject_id == complaint.id, Deadline.key == key
        )
    )


def _finish(deadline: Deadline | None, day: date, calendar: WorkCalendar, today: date) -> None:
    if deadline is not None and deadline.finished_on is None:
        deadlines.finish(deadline, finished_on=day, calendar=calendar, today=today)


def record_contact(complaint: Complaint, *, at: datetime, actor: User, calendar, now) -> None:
    """The first contact with the customer: ends the 24-hour limit."""
    if complaint.contacted_at is not None:
        raise UtilityCRMError(_l("The first contact is recorded already."))
    if at < complaint.received_at or at > now:
        raise UtilityCRMError(_l("The contact happened between receipt and now."))
    complaint.contacted_at = at
    _finish(_deadline(complaint, CONTACT), local_date_of(at), calendar, local_date_of(now))


def advance(
    complaint: Complaint,
    *,
    note: str,
    actor: User,
    calendar: WorkCalendar,
    now: datetime,
    satisfaction: str | None = None,
    next_owner_id: int | None = None,
) -> Step:
    """Finish the current step with what was done, and start the next one.

    Verification needs the first contact; the return visit records whether the customer
    is satisfied, and an unsatisfied customer sends the complaint back to rectification.
    """
    if not complaint.is_open:
        raise UtilityCRMError(_l("The complaint is closed."))
    if not note.strip():
        raise UtilityCRMError(_l("Say what was done in this step."))
    current = complaint.step_enum
    if current is Step.VERIFY and complaint.contacted_at is None:
        raise UtilityCRMError(_l("Record the first contact with the customer before verifying."))
    if current is Step.REVISIT and satisfaction not in {s.value for s in Satisfaction}:
        raise UtilityCRMError(_l("Record whether the customer is satisfied."))
    step = complaint.steps[-1]
    step.finished_at, step.finished_by_id, step.note = now, actor.id, note.strip()
    today = local_date_of(now)
    if current is Step.RECTIFY:
        _finish(_deadline(complaint, RESOLVE), today, calendar, today)
    if current is Step.REVISIT:
        complaint.satisfaction = satisfaction
    following = (
        Step.RECTIFY
        if current is Step.REVISIT and satisfaction == Satisfaction.UNSATISFIED.value
        else STEPS[STEPS.index(current) + 1]
        if current is not Step.ARCHIVE
        else Step.CLOSED
    )
    complaint.owner_id = next_owner_id or complaint.owner_id
    if following is Step.CLOSED:
        complaint.closed_at = now
        complaint.resolution = note.strip()
        _close_all(complaint, today, calendar)
    else:
        complaint.steps.append(
            ComplaintStep(code=following.value, owner_id=complaint.owner_id, started_at=now)
        )
    complaint.step = following.value
    return following


def _close_all(complaint: Complaint, day: date, calendar: WorkCalendar) -> None:
    for deadline in db.session.scalars(
        select(Deadline).where(
            Deadline.kind == KIND, Deadline.subject_id == complaint.id,
            Deadline.finished_on.is_(None),
        )
    ):  # fmt: skip
        _finish(deadline, day, calendar, day)


def escalate_overdue(*, now: datetime, today: date) -> list[Complaint]:
    """Open complaints with a limit passed and not yet escalated: each chief gets a
    deadline on it (key escalation-<id>), due when the missed limit was."""
    overdue = db.session.execute(
        select(Complaint, Deadline.due_on)
        .join(Deadline, (Deadline.subject_id == Complaint.id) & (Deadline.kind == KIND))
        .where(
            Complaint.step != Step.CLOSED.value,
            Complaint.escalated_at.is_(None),
            Deadline.key.in_([CONTACT, RESOLVE]),
            Deadline.finished_on.is_(None),
            Deadline.due_on < today,
        )
    ).all()
    missed: dict[int, tuple[Complaint, date]] = {}
    for complaint, due_on in overdue:
        earlier = missed.get(complaint.id)
        missed[complaint.id] = (complaint, min(due_on, earlier[1]) if earlier else due_on)
    chiefs = active_users(Role.CHIEF)
    for complaint, due_on in missed.values():
        complaint.escalated_at = now
        for chief in chiefs:
            deadlines.open_date_deadline(
                KIND, complaint.id, f"escalation-{chief.id}", owner_id=chief.id,
                customer_id=complaint.customer_id,
                starts_on=local_date_of(complaint.received_at), due_on=due_on, warn_on=due_on,
            )  # fmt: skip
    return [complaint for complaint, _due in missed.values()]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


@dataclass(frozen=True)
class MonthStats:
    received: int = 0
    closed: int = 0
    on_time: int = 0  # resolved within the limit
    escalated: int = 0


def statistics(start: date, end: date) -> dict[str, dict[str, MonthStats]]:
    """Category → month (YYYY-MM) → counts, for complaints received in [start, end)."""
    rows = db.session.execute(
        select(Complaint.category, Complaint.received_at, Complaint.closed_at,
               Complaint.escalated_at, Deadline.finished_on, Deadline.due_on)
        .outerjoin(Deadline, (Deadline.subject_id == Complaint.id) & (Deadline.kind == KIND)
                   & (Deadline.key == RESOLVE))
        .where(Complaint.received_at >= _local_midnight(start),
               Complaint.received_at < _local_midnight(end))
    ).all()  # fmt: skip
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 4))
    for category, received_at, closed_at, escalated_at, finished_on, due_on in rows:
        cell = counts[category][local_date_of(received_at).isoformat()[:7]]
        cell[0] += 1
        cell[1] += closed_at is not None
        cell[2] += finished_on is not None and due_on is not None and finished_on <= due_on
        cell[3] += escalated_at is not None
    return {
        category: {month: MonthStats(*values) for month, values in sorted(months.items())}
        for category, months in counts.items()
    }
