"""Demo expansion projects (业扩): several business types standing at every stage, some due
soon, some overdue, one paused and one completed into the archive, spread over the demo
account managers, so that their inboxes and the project lists have work in them.

Each project is accepted in the past and moved through its stages by the project services
themselves, one step every few days, so its clocks read as real ones would today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import select

from utilitycrm.archive.enums import Category, CustomerStatus, VoltageLevel
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.core.pdf import html_to_pdf
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.services import PauseReason
from utilitycrm.network import planning
from utilitycrm.projects import (
    acceptance,
    attachments,
    defects,
    grid_works,
    return_visits,
    supply_plan,
    units,
    workflow,
)
from utilitycrm.projects.models import TimeLimitProfile
from utilitycrm.projects.profiles import SEEDED
from utilitycrm.projects.types import (
    BusinessType,
    GridWorkKind,
    ProjectStatus,
    Satisfaction,
    UnitRole,
)


@dataclass(frozen=True)
class Plan:
    business_type: BusinessType
    steps: int  # stage moves after acceptance (start or finish, one each)
    idle_days: int  # calendar days since the last move
    gap_days: int = 3  # calendar days between moves
    paused: bool = False
    defects: bool = False  # the running inspection gave a defect list, not yet cleared
    grid_work: bool = False  # a grid-side bay runs beside it, late
    applicant: str | None = None  # a new connection's applicant, else an existing account


PLANS = (
    Plan(BusinessType.NEW, 1, 45, applicant="锦程冷链物流有限公司"),  # the plan overdue
    Plan(BusinessType.NEW, 0, 2, applicant="华源精密机械有限公司"),  # accepted, survey running
    Plan(BusinessType.NEW, 2, 5, applicant="恒信新能源科技有限公司"),  # waiting for drawings
    Plan(BusinessType.INCREASE, 3, 4),  # design review running
    Plan(BusinessType.INCREASE, 5, 9, defects=True),  # intermediate inspection, defects open
    # Completion overdue; its grid-side bay is late too.
    Plan(BusinessType.NEW, 7, 20, applicant="宏达医疗器械有限公司", grid_work=True),
    Plan(BusinessType.INCREASE, 5, 3, paused=True),  # the customer is building
    Plan(BusinessType.CATEGORY_CHANGE, 1, 6),  # the change on site, due soon
    Plan(BusinessType.CATEGORY_CHANGE, 1, 25),  # the change on site, overdue
    Plan(BusinessType.RENAME, 2, 4),  # completed: the archive has the new name
)


# The units the demo customers chose for their works (三不指定): typed in from their papers.
DESIGNER = {"name": "示范市电力勘察设计有限公司", "credit_code": "91330100MA2B3C4D5E",
            "qualification": "工程设计电力行业(送电、变电)专业乙级", "valid_until": date(2029, 6, 30),
            "contact": "周工 13800001111"}  # fmt: skip
BUILDER = {"name": "示范市恒通电力安装工程有限公司", "credit_code": "91330100MA2F6G7H8J",
           "licence_no": "4-1-00218-2020", "licence_class": "4", "valid_until": date(2028, 3, 31),
           "contact": "吴经理 13900002222"}  # fmt: skip


def _make_plan(project, *, day: date, actor: User, approver: User, approve: bool) -> None:
    """The plan on a line with room (a chief's override where the substation has none),
    drafted by the manager and approved by the chief."""
    fitting = [c for c in planning.candidates(project, day) if c.fits]
    if project.sources and fitting and not any(c.chosen for c in fitting):
        supply_plan.choose_line(project, fitting[0].line, actor=actor)
    elif project.sources and not fitting:
        planning.record_override(
            project, reason="新建 10 kV 线路下季度投运，过渡期由相邻线路转供", actor=approver
        )
    supply_plan.draft(project, actor=actor, today=day)
    project.plan.power_quality = (
        "客户变频设备较多，应装设谐波治理装置，注入公用电网的谐波电流满足 GB/T 14549 要求。"
    )
    if approve:
        supply_plan.approve(project, actor=approver, today=day)


@cache
def _sample_document() -> bytes:
    """The demo's stand-in for a customer's scanned papers: one small PDF."""
    return html_to_pdf("<p>示例材料：客户提交的证明文件扫描件（演示数据）</p>")


def _prepare(project, *, day: date, actor: User, approver: User) -> None:
    """What the customer and marketing give before a stage finishes: its documents, the
    plan drafted and approved, the designer and builder the customer chose."""
    code = project.current_stage.code
    for kind in attachments.missing_for(project, code):
        attachments.upload(project, kind, data=_sample_document(), filename=f"{kind.value}.pdf",
                           note="客户提交（示例文件）", actor=actor)  # fmt: skip
    if code == "plan" and project.plan is None:
        _make_plan(project, day=day, actor=actor, approver=approver, approve=True)
    elif code == "design_review":
        units.record(project, UnitRole.DESIGNER, DESIGNER, actor=actor)
    elif code in ("mid_inspection", "completion") and units.unit(project, UnitRole.BUILDER) is None:
        units.record(project, UnitRole.BUILDER, BUILDER, actor=actor)


def _step(project, *, day: date, actor: User, approver: User, calendar: WorkCalendar,
          today: date) -> None:  # fmt: skip
    if project.current_stage.status == "waiting":
        workflow.start_stage(project, day=day, actor=actor, calendar=calendar, today=today)
    else:
        _prepare(project, day=day, actor=actor, approver=approver)
        workflow.finish_stage(
            project, day=day, note="", actor=actor, calendar=calendar, today=today
        )


def _inside(project, plan: Plan, *, day: date, actor: User, approver: User,
            calendar: WorkCalendar, today: date) -> None:  # fmt: skip
    """A plan drafted at the survey and approved at the plan (the answer still to record),
    a defect list still open at an inspection, a grid-side bay running late, the return
    visit of a completed project."""
    stage = project.current_stage
    if stage is not None and stage.code in supply_plan.PLAN_STAGES and project.plan is None:
        _make_plan(project, day=day, actor=actor, approver=approver,
                   approve=stage.code == supply_plan.PLAN_STAGE)  # fmt: skip
    if project.status == ProjectStatus.COMPLETED.value:
        return_visits.record(
            project, day=min(today, day + timedelta(days=2)), satisfaction=Satisfaction.SATISFIED,
            remarks="办理及时，工作人员态度好", actor=actor, calendar=calendar, today=today,
        )  # fmt: skip
    if plan.defects:
        defects.raise_defects(
            project, ["高压开关柜接地线截面不足，应不小于 25 mm²", "电缆沟未设防火封堵"],
            day=day, actor=actor, calendar=calendar, today=today,
        )  # fmt: skip
    if plan.grid_work:
        grid_works.start(
            project, kind=GridWorkKind.BAY, description="110 kV 示范变 10 kV 出线间隔扩建",
            department="运维检修部", started_on=project.accepted_on + timedelta(days=20),
            planned_on=today - timedelta(days=3), actor=actor, today=today,
        )  # fmt: skip


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
    # A chief approves the plans (and overrides a full line for the demo's applicants).
    approver = db.session.scalar(select(User).where(User.role == Role.CHIEF.value).limit(1))
    if approver is None:
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
            _step(project, day=day, actor=manager, approver=approver, calendar=calendar,
                  today=today)  # fmt: skip
        _inside(project, plan, day=day, actor=manager, approver=approver, calendar=calendar,
                today=today)  # fmt: skip
        if plan.paused:
            workflow.pause_clock(
                project, day=day, reason=PauseReason.CUSTOMER_BUILDING.value,
                note="客户土建施工中，预计下月完工", actor=manager, calendar=calendar, today=today,
            )  # fmt: skip
        db.session.flush()
        accepted += 1
    return accepted
