"""Demo expansion projects (业扩): several business types standing at every stage, some due
soon, some overdue, one paused and one completed into the archive, spread over the demo
account managers, so that their inboxes and the project lists have work in them.

Each project is accepted in the past and moved through its stages by the project services
themselves, one step every few days, so its clocks read as real ones would today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from utilitycrm.archive.enums import Category, CustomerStatus, VoltageLevel
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.services import PauseReason
from utilitycrm.projects import acceptance, workflow
from utilitycrm.projects.models import TimeLimitProfile
from utilitycrm.projects.profiles import SEEDED
from utilitycrm.projects.types import BusinessType


@dataclass(frozen=True)
class Plan:
    business_type: BusinessType
    steps: int  # stage moves after acceptance (start or finish, one each)
    idle_days: int  # calendar days since the last move
    gap_days: int = 3  # calendar days between moves
    paused: bool = False
    applicant: str | None = None  # a new connection's applicant, else an existing account


PLANS = (
    Plan(BusinessType.NEW, 1, 45, applicant="锦程冷链物流有限公司"),  # the plan overdue
    Plan(BusinessType.NEW, 0, 2, applicant="华源精密机械有限公司"),  # accepted, survey running
    Plan(BusinessType.NEW, 2, 5, applicant="恒信新能源科技有限公司"),  # waiting for drawings
    Plan(BusinessType.INCREASE, 3, 4),  # design review running
    Plan(BusinessType.INCREASE, 5, 9),  # intermediate inspection running, due soon
    Plan(BusinessType.NEW, 7, 20, applicant="宏达医疗器械有限公司"),  # completion overdue
    Plan(BusinessType.INCREASE, 5, 3, paused=True),  # the customer is building
    Plan(BusinessType.CATEGORY_CHANGE, 1, 6),  # the change on site, due soon
    Plan(BusinessType.CATEGORY_CHANGE, 1, 25),  # the change on site, overdue
    Plan(BusinessType.RENAME, 2, 4),  # completed: the archive has the new name
)


def _step(project, *, day: date, actor: User, calendar: WorkCalendar, today: date) -> None:
    if project.current_stage.status == "waiting":
        workflow.start_stage(project, day=day, actor=actor, calendar=calendar, today=today)
    else:
        workflow.finish_stage(
            project, day=day, note="", actor=actor, calendar=calendar, today=today
        )


def _request(plan: Plan, customer: Customer | None, line_id: int, manager: User, day: date):
    if plan.applicant:
        return acceptance.ProjectRequest(
            BusinessType.NEW, day,
            applicant=acceptance.Applicant(plan.applicant, Category.LARGE_INDUSTRY.value,
                                           VoltageLevel.V10.value, "经济开发区创业路 8 号"),
            account_manager_id=manager.id,
            added=[acceptance.AddedTransformer(800)],
            sources=[acceptance.SourceRequest("main", line_id, "#16杆", "#16杆T接点")],
        )  # fmt: skip
    if plan.business_type is BusinessType.RENAME:
        return acceptance.ProjectRequest(
            plan.business_type, day, customer=customer, account_manager_id=manager.id,
            new_name=f"{customer.name.removesuffix('有限公司')}股份有限公司",
            effective_on=day + timedelta(days=10),
        )  # fmt: skip
    if plan.business_type is BusinessType.CATEGORY_CHANGE:
        return acceptance.ProjectRequest(
            plan.business_type, day, customer=customer, account_manager_id=manager.id,
            new_category=Category.GENERAL_COMMERCIAL.value, effective_on=day + timedelta(days=10),
        )  # fmt: skip
    return acceptance.ProjectRequest(
        plan.business_type, day, customer=customer, account_manager_id=manager.id,
        added=[acceptance.AddedTransformer(630)],
    )  # fmt: skip


def _accounts(managers: list[User]) -> dict[int, list[Customer]]:
    """Each manager's high-voltage industrial accounts, for the change projects."""
    found: dict[int, list[Customer]] = {manager.id: [] for manager in managers}
    for customer in db.session.scalars(
        select(Customer)
        .where(
            Customer.account_manager_id.in_(list(found)),
            Customer.voltage_kv == VoltageLevel.V10.value,
            Customer.category == Category.LARGE_INDUSTRY.value,
            Customer.status == CustomerStatus.ACTIVE.value,
        )
        .order_by(Customer.id)
        .limit(20 * len(managers))
    ):
        found[customer.account_manager_id].append(customer)
    return found


def _ensure_profiles() -> None:
    """The time-limit profiles migration 0008 seeds, for a schema made without migrations."""
    if db.session.scalar(select(TimeLimitProfile.id).limit(1)) is None:
        db.session.add_all(TimeLimitProfile(**profile) for profile in SEEDED)
        db.session.flush()


def seed_projects(today: date) -> int:
    """Returns how many projects were accepted."""
    _ensure_profiles()
    managers = list(
        db.session.scalars(
            select(User).where(User.role == Role.ACCOUNT_MANAGER.value).order_by(User.id)
        )
    )
    line_id = db.session.scalar(select(FeederLine.id).order_by(FeederLine.id).limit(1))
    if not managers or line_id is None:
        return 0
    accounts, calendar = _accounts(managers), WorkCalendar.load()
    accepted = 0
    for index, plan in enumerate(PLANS):
        manager = managers[index % len(managers)]
        customer = None if plan.applicant else (accounts[manager.id] or [None]).pop(0)
        if customer is None and not plan.applicant:
            continue
        day = today - timedelta(days=plan.idle_days + plan.steps * plan.gap_days)
        project = acceptance.accept(
            _request(plan, customer, line_id, manager, day),
            actor=manager, calendar=calendar, today=today,
        )  # fmt: skip
        for _ in range(plan.steps):
            day += timedelta(days=plan.gap_days)
            _step(project, day=day, actor=manager, calendar=calendar, today=today)
        if plan.paused:
            workflow.pause_clock(
                project, day=day, reason=PauseReason.CUSTOMER_BUILDING.value,
                note="客户土建施工中，预计下月完工", actor=manager, calendar=calendar, today=today,
            )  # fmt: skip
        db.session.flush()
        accepted += 1
    return accepted
