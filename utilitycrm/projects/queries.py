"""Reading projects: worklists by urgency, the overdue report and monthly figures.
Each is a fixed number of queries, whatever the number of projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from utilitycrm.archive.enums import VoltageLevel
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.core.search import Page, paginate
from utilitycrm.core.sorting import Sorts, sort_order
from utilitycrm.deadlines.alerts import load_by_owner
from utilitycrm.deadlines.models import Deadline
from utilitycrm.projects import chains
from utilitycrm.projects.described import project_deadlines
from utilitycrm.projects.models import Project, ProjectStage, ReturnVisit
from utilitycrm.projects.types import BusinessType, ProjectStatus, Satisfaction
from utilitycrm.projects.workflow import KIND, PLAN_VALIDITY


def _clock_join():
    return and_(
        Deadline.kind == KIND,
        Deadline.subject_id == Project.id,
        Deadline.key != PLAN_VALIDITY,
    )


def numbered(number: str) -> Select:
    """The project of a number with what its page shows (`db.first_or_404` it)."""
    return (
        select(Project)
        .where(Project.number == number)
        .options(
            joinedload(Project.customer),
            joinedload(Project.account_manager),
            joinedload(Project.profile),
            selectinload(Project.stages).joinedload(ProjectStage.started_by),
            selectinload(Project.stages).joinedload(ProjectStage.finished_by),
            selectinload(Project.transformers),
            selectinload(Project.sources),
            selectinload(Project.units),
            selectinload(Project.defects),
            selectinload(Project.grid_works),
            selectinload(Project.plan),
            selectinload(Project.attachments),
        )
    )


@dataclass(frozen=True)
class WorkItem:
    project: Project
    clock: Deadline | None  # the running stage's clock


_DUE = func.min(Deadline.due_on)  # a project's soonest-due running clock
WORKLIST_SORTS: Sorts = {
    "due": (case((_DUE.is_(None), 1), else_=0), _DUE, Project.id),  # overdue ones first
    "number": (Project.number,),
    "accepted_on": (Project.accepted_on, Project.id),
}


def worklist(
    *,
    manager_id: int | None = None,
    status: ProjectStatus = ProjectStatus.ACTIVE,
    business_type: str | None = None,
    customer_id: int | None = None,
    sort: str = "due",
    limit: int = 200,
) -> list[WorkItem]:
    """Projects most urgent first (or as sorted), with their running clocks."""
    open_clock = and_(_clock_join(), Deadline.finished_on.is_(None))
    query = (
        select(Project.id, _DUE)
        .outerjoin(Deadline, open_clock)
        .where(Project.status == status.value)
        .group_by(Project.id)
        .order_by(*sort_order(WORKLIST_SORTS, sort, "due"))
        .limit(limit)
    )
    if manager_id is not None:
        query = query.where(Project.account_manager_id == manager_id)
    if business_type:
        query = query.where(Project.business_type == business_type)
    if customer_id is not None:
        query = query.where(Project.customer_id == customer_id)
    rows = db.session.execute(query).all()
    ids = [row[0] for row in rows]
    projects = {
        p.id: p
        for p in db.session.scalars(
            select(Project)
            .where(Project.id.in_(ids))
            .options(
                joinedload(Project.customer),
                joinedload(Project.account_manager),
                selectinload(Project.stages),
                selectinload(Project.transformers),
            )
        )
    }
    # A project runs one stage clock at a time.
    clocks = {
        d.subject_id: d
        for d in db.session.scalars(
            select(Deadline).where(
                Deadline.kind == KIND,
                Deadline.subject_id.in_(ids),
                Deadline.finished_on.is_(None),
                Deadline.key != PLAN_VALIDITY,
            )
        )
    }
    return [WorkItem(projects[i], clocks.get(i)) for i in ids]


def return_visits_of(customer_id: int, limit: int = 20) -> list[ReturnVisit]:
    """The ratings the customer gave its projects, newest first."""
    return list(
        db.session.scalars(
            select(ReturnVisit)
            .join(Project, Project.id == ReturnVisit.project_id)
            .where(Project.customer_id == customer_id)
            .options(joinedload(ReturnVisit.project))
            .order_by(ReturnVisit.visited_on.desc())
            .limit(limit)
        )
    )


def for_customer(customer_id: int) -> list[Project]:
    """The customer's projects, newest first, with their return visits' ratings."""
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.customer_id == customer_id)
            .options(selectinload(Project.return_visit))
            .order_by(Project.accepted_on.desc(), Project.id.desc())
        )
    )


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    business_type: str = ""
    account_no: str = ""
    manager: str = ""  # the account manager's user name


def project_page(filters: ProjectFilters, *, page: int, per_page: int, limit: int) -> Page:
    """Projects newest first, with their customers and managers (for the API)."""
    query = (
        select(Project)
        .join(Customer, Project.customer_id == Customer.id)
        .outerjoin(User, Project.account_manager_id == User.id)
        .options(contains_eager(Project.customer), contains_eager(Project.account_manager))
        .order_by(Project.id.desc())
    )
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.business_type:
        query = query.where(Project.business_type == filters.business_type)
    if filters.account_no:
        query = query.where(Customer.account_no == filters.account_no)
    if filters.manager:
        query = query.where(User.username == filters.manager)
    return paginate(query, page=page, per_page=per_page, limit=limit)


# How alerts name a project's stage clocks.
describe_deadlines = project_deadlines(lambda deadline: chains.CLOCK_LABELS[deadline.key])


@dataclass(frozen=True)
class LateClock:
    project: Project
    clock: Deadline
    late_workdays: int | None  # finished late: working days beyond the limit


def overdue_report(
    today: date,
    *,
    start: date,
    end: date,
    business_type: str | None = None,
    manager_id: int | None = None,
    limit: int = 2000,
) -> list[LateClock]:
    """Stage clocks due in the period that are overdue now or finished late."""
    late = case(
        (Deadline.finished_on.is_(None), Deadline.due_on < today),
        else_=Deadline.finished_on > Deadline.due_on,
    )
    query = (
        select(Project, Deadline)
        .join(Deadline, _clock_join())
        .where(Deadline.due_on.between(start, end), late)
        .options(joinedload(Project.customer), joinedload(Project.account_manager))
        .order_by(Deadline.due_on, Project.number)
        .limit(limit)
    )
    if business_type:
        query = query.where(Project.business_type == business_type)
    if manager_id is not None:
        query = query.where(Project.account_manager_id == manager_id)
    return [
        LateClock(
            project,
            clock,
            clock.used_workdays - clock.limit_workdays if clock.used_workdays is not None else None,
        )
        for project, clock in db.session.execute(query).unique().all()
    ]


GROUPS = {
    "high_voltage": _l("High-voltage connections and increases"),
    "low_voltage": _l("Low-voltage connections and increases"),
    "change": _l("Changes of use"),
}


def group_of(business_type: str, voltage_kv: str) -> str:
    if BusinessType(business_type).is_change_of_use:
        return "change"
    return "high_voltage" if VoltageLevel(voltage_kv).is_high_voltage else "low_voltage"


@dataclass
class MonthFigures:
    month: str  # YYYY-MM
    completed: int = 0
    on_time: int = 0
    used: int = 0  # utility working days, summed
    target: int = 0  # the profile's limits, summed
    visited: int = 0  # return visits of the month's completed projects
    satisfied: int = 0  # of them, satisfied or very satisfied

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.visited if self.visited else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None

    @property
    def average_used(self) -> float | None:
        return self.used / self.completed if self.completed else None

    @property
    def average_target(self) -> float | None:
        return self.target / self.completed if self.completed else None


def monthly(
    start: date, end: date, *, manager_id: int | None = None
) -> dict[str, list[MonthFigures]]:
    """Per type group and month of completion: on-time rate and average utility working
    days against the profile's target (the sum of the project's clock limits); of one
    account manager's projects when given."""
    late = func.sum(case((Deadline.finished_on > Deadline.due_on, 1), else_=0))
    rows = db.session.execute(
        select(
            Project.business_type,
            Project.voltage_kv,
            Project.completed_on,
            func.coalesce(func.sum(Deadline.used_workdays), 0),
            func.coalesce(func.sum(Deadline.limit_workdays), 0),
            func.coalesce(late, 0),
            func.max(ReturnVisit.satisfaction),  # one visit a project
        )
        .outerjoin(Deadline, _clock_join())
        .outerjoin(ReturnVisit, ReturnVisit.project_id == Project.id)
        .where(
            Project.status == ProjectStatus.COMPLETED.value,
            Project.completed_on.between(start, end),
            *([Project.account_manager_id == manager_id] if manager_id is not None else []),
        )
        .group_by(Project.id, Project.business_type, Project.voltage_kv, Project.completed_on)
    ).all()
    months = []
    day = date(start.year, start.month, 1)
    while day <= end:
        months.append(day.strftime("%Y-%m"))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    figures = {g: {m: MonthFigures(m) for m in months} for g in GROUPS}
    for business_type, voltage, completed_on, used, target, late_count, rating in rows:
        month = figures[group_of(business_type, voltage)][completed_on.strftime("%Y-%m")]
        month.completed += 1
        month.on_time += 0 if late_count else 1
        month.used += used
        month.target += target
        if rating is not None:
            month.visited += 1
            month.satisfied += Satisfaction(rating).is_satisfied
    return {group: list(by_month.values()) for group, by_month in figures.items()}


@dataclass(frozen=True)
class ManagerLoad:
    manager: User
    in_progress: int
    due_soon: int
    overdue: int


def manager_loads(today: date) -> list[ManagerLoad]:
    """Each manager with projects in progress: how many, and how many of their stage
    clocks are due soon or overdue; most overdue first."""
    counts = dict(
        db.session.execute(
            select(Project.account_manager_id, func.count())
            .where(
                Project.status == ProjectStatus.ACTIVE.value,
                Project.account_manager_id.is_not(None),
            )
            .group_by(Project.account_manager_id)
        ).all()
    )
    alerting = {load.owner.id: load for load in load_by_owner(today, kinds=[KIND])}
    managers = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_(set(counts) | set(alerting))))
    }
    loads = [
        ManagerLoad(
            managers[user_id],
            counts.get(user_id, 0),
            alerting[user_id].due_soon if user_id in alerting else 0,
            alerting[user_id].overdue if user_id in alerting else 0,
        )
        for user_id in managers
    ]
    return sorted(loads, key=lambda load: (-load.overdue, -load.due_soon, -load.in_progress))


def group_totals(figures: dict[str, list[MonthFigures]]) -> dict[str, MonthFigures]:
    totals = defaultdict(lambda: MonthFigures("total"))
    for group, months in figures.items():
        total = totals[group]
        for month in months:
            total.completed += month.completed
            total.on_time += month.on_time
            total.used += month.used
            total.target += month.target
            total.visited += month.visited
            total.satisfied += month.satisfied
    return dict(totals)
