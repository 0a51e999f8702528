"""The return visit (回访) after a project is archived: due within a set number of working
days, the account manager records the customer's satisfaction and remarks, and a
dissatisfied customer is followed up, itself on a clock, until the outcome is recorded."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import Deadline
from utilitycrm.projects.described import project_deadlines
from utilitycrm.projects.models import Project, ReturnVisit
from utilitycrm.projects.types import ProjectStatus, Satisfaction

KIND = "return_visit"
FOLLOW_UP = "satisfaction_follow_up"


def _clock(project: Project, kind: str) -> Deadline | None:
    return db.session.scalar(
        select(Deadline).where(Deadline.kind == kind, Deadline.subject_id == project.id)
    )


def _open(project: Project, kind: str, limit: int, day: date, calendar, today: date) -> None:
    deadlines.open_workday_deadline(
        kind, project.id, "", owner_id=project.account_manager_id,
        customer_id=project.customer_id, starts_on=day, limit=limit,
        warn_share=standards_on(day).deadline_warn_share, calendar=calendar, today=today,
    )  # fmt: skip


def open_due(project: Project, *, day: date, calendar: WorkCalendar, today: date) -> None:
    """The project is archived on `day`: its return visit falls due."""
    _open(project, KIND, standards_on(day).return_visit_workdays, day, calendar, today)


def may_visit(project: Project, user) -> bool:
    return user.can(Permission.MANAGE_PROJECTS) or (
        user.can(Permission.WORK_OWN_PROJECTS) and project.account_manager_id == user.id
    )


def _check(project: Project, actor: User, day: date, earliest: date, today: date) -> None:
    if not may_visit(project, actor):
        raise UtilityCRMError(_l("You may not work on this project."))
    if day > today or day < earliest:
        raise UtilityCRMError(
            _l("The day is between %(start)s and today.", start=earliest.isoformat())
        )


def record(
    project: Project, *, day: date, satisfaction: Satisfaction, remarks: str, actor: User,
    calendar: WorkCalendar, today: date,
) -> ReturnVisit:  # fmt: skip
    if project.status != ProjectStatus.COMPLETED.value:
        raise UtilityCRMError(_l("A return visit follows a completed project."))
    if project.return_visit is not None:
        raise UtilityCRMError(_l("The return visit is recorded already."))
    _check(project, actor, day, project.completed_on, today)
    if satisfaction.is_dissatisfied and not remarks.strip():
        raise UtilityCRMError(_l("Say what the customer is dissatisfied with."))
    visit = ReturnVisit(
        visited_on=day, satisfaction=satisfaction.value, remarks=remarks.strip(),
        recorded_by_id=actor.id,
    )  # fmt: skip
    project.return_visit = visit
    if (due := _clock(project, KIND)) is not None and due.is_open:
        deadlines.finish(due, finished_on=day, calendar=calendar, today=today)
    if satisfaction.is_dissatisfied:
        _open(project, FOLLOW_UP, standards_on(day).follow_up_workdays, day, calendar, today)
    db.session.flush()
    return visit


def follow_up(
    project: Project, *, day: date, note: str, actor: User, calendar: WorkCalendar, today: date
) -> ReturnVisit:
    """What was done for the dissatisfied customer; the follow-up's clock stops."""
    visit = project.return_visit
    if visit is None or not visit.needs_follow_up:
        raise UtilityCRMError(_l("No follow-up is open for this project."))
    _check(project, actor, day, visit.visited_on, today)
    if not note.strip():
        raise UtilityCRMError(_l("Say what was done for the customer."))
    visit.followed_up_on, visit.follow_up_note = day, note.strip()
    if (clock := _clock(project, FOLLOW_UP)) is not None and clock.is_open:
        deadlines.finish(clock, finished_on=day, calendar=calendar, today=today)
    db.session.flush()
    return visit


describe_visits = project_deadlines(lambda _deadline: _l("Return visit (回访)"))
describe_follow_ups = project_deadlines(
    lambda _deadline: _l("Follow-up of a dissatisfied customer")
)
