"""Accepting an application (受理): the rules it must pass, the prospective customer of
a new connection, and the project opened at its first stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.enums import CustomerStatus, VoltageLevel
from utilitycrm.archive.history import ChangeSource
from utilitycrm.archive.models import Customer
from utilitycrm.archive.services.customers import create_customer
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.numbering import next_number
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import chains, rules, workflow
from utilitycrm.projects.completion import new_account_no
from utilitycrm.projects.models import (
    Project,
    ProjectSource,
    ProjectStage,
    ProjectTransformer,
    TimeLimitProfile,
)
from utilitycrm.projects.types import BusinessType, ProjectStatus


class ProjectRefused(UtilityCRMError):
    """The application breaks the rules; every reason is listed."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass
class Applicant:
    """A prospective customer, created in the archive at acceptance (报装中)."""

    name: str
    category: str
    voltage_kv: str
    address: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None


@dataclass
class AddedTransformer:
    rated_kva: int
    name: str = ""
    model: str | None = None
    code: str | None = None


@dataclass
class SourceRequest:
    kind: str
    line_id: int | None = None
    pole_or_bay: str | None = None
    property_boundary: str | None = None


@dataclass
class ProjectRequest:
    business_type: BusinessType
    accepted_on: date
    customer: Customer | None = None
    applicant: Applicant | None = None
    account_manager_id: int | None = None
    profile_id: int | None = None
    is_dual_source: bool = False
    is_important: bool = False
    has_external_works: bool = False
    description: str = ""
    added: list[AddedTransformer] = field(default_factory=list)
    sources: list[SourceRequest] = field(default_factory=list)
    acted_on: list[int] = field(default_factory=list)
    effective_on: date | None = None
    ends_on: date | None = None
    new_name: str | None = None
    new_id_type: str | None = None
    new_id_number: str | None = None
    new_address: str | None = None
    new_supply_point: bool = False
    new_category: str | None = None
    new_voltage_kv: str | None = None
    other_account_no: str | None = None

    @property
    def voltage_kv(self) -> str:
        return self.applicant.voltage_kv if self.applicant else self.customer.voltage_kv


def default_profile(day: date) -> TimeLimitProfile:
    """The newest default profile in effect on `day`."""
    profile = db.session.scalar(
        select(TimeLimitProfile)
        .where(TimeLimitProfile.is_default.is_(True), TimeLimitProfile.effective_on <= day)
        .order_by(TimeLimitProfile.effective_on.desc())
        .limit(1)
    )
    if profile is None:
        raise UtilityCRMError(_l("No time-limit profile is set up; run the migrations."))
    return profile


def _active_projects(customer_ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Project.customer_id, Project.number).where(
                Project.customer_id.in_(customer_ids),
                Project.status == ProjectStatus.ACTIVE.value,
            )
        ).all()
    )


def _history(customer_id: int) -> tuple[dict[int, date], list[tuple[date, date]]]:
    """When each transformer was last reduced, and the customer's suspension periods."""
    reduced: dict[int, date] = {}
    rows = db.session.execute(
        select(ProjectTransformer.transformer_id, Project.completed_on)
        .join(Project, ProjectTransformer.project_id == Project.id)
        .where(
            Project.customer_id == customer_id,
            Project.business_type == BusinessType.REDUCE.value,
            Project.status == ProjectStatus.COMPLETED.value,
        )
    )
    for transformer_id, completed_on in rows:
        reduced[transformer_id] = max(completed_on, reduced.get(transformer_id, completed_on))
    suspended = db.session.execute(
        select(Project.effective_on, Project.ends_on).where(
            Project.customer_id == customer_id,
            Project.business_type == BusinessType.SUSPEND.value,
            Project.status != ProjectStatus.CANCELLED.value,
        )
    ).all()
    return reduced, [tuple(period) for period in suspended]


def _merge_target(request: ProjectRequest) -> Customer | None:
    if request.business_type is not BusinessType.MERGE or not request.other_account_no:
        return None
    return db.session.scalar(
        select(Customer).where(Customer.account_no == request.other_account_no)
    )


def application(
    request: ProjectRequest, other: Customer | None, calendar: WorkCalendar
) -> rules.Application:
    """The request and the archive's facts it is judged on (`other`: the account a merge
    takes in)."""
    customer = request.customer
    standards = standards_on(request.accepted_on)
    app = rules.Application(
        business_type=request.business_type,
        accepted_on=request.accepted_on,
        earliest_effective_on=calendar.add_workdays(
            request.accepted_on, standards.notice_workdays
        ).day,
        standards=standards,
        customer_status=customer.status if customer else None,
        applicant_name=request.applicant.name if request.applicant else None,
        is_high_voltage=VoltageLevel(request.voltage_kv).is_high_voltage,
        is_dual_source=request.is_dual_source,
        acted_on=list(request.acted_on),
        added_kva=[t.rated_kva for t in request.added],
        source_count=len(request.sources),
        effective_on=request.effective_on,
        ends_on=request.ends_on,
        new_name=request.new_name,
        new_id_number=request.new_id_number,
        new_address=request.new_address,
        new_supply_point=request.new_supply_point,
        new_category=request.new_category,
        new_voltage_kv=request.new_voltage_kv,
    )
    if customer is None:
        return app
    app.customer_category, app.customer_voltage_kv = customer.category, customer.voltage_kv
    app.customer_name = customer.name
    app.transformers = {
        t.id: rules.ExistingTransformer(t.code, t.state, t.rated_kva) for t in customer.transformers
    }
    app.other_is_same = other is not None and other.id == customer.id
    active = _active_projects([customer.id] + ([other.id] if other else []))
    app.active_project = active.get(customer.id)
    if other is not None:
        app.other_customer = (other.status, active.get(other.id))
    app.reduced_on, app.suspended = _history(customer.id)
    return app


def may_accept(user: User, customer: Customer | None) -> bool:
    """Who accepts an application: project managers any; an account manager a new
    applicant's (who becomes their customer) or one of their own customers'."""
    if user.can(Permission.MANAGE_PROJECTS):
        return True
    return user.can(Permission.WORK_OWN_PROJECTS) and (
        customer is None or customer.account_manager_id == user.id
    )


def accept(request: ProjectRequest, *, actor: User, calendar: WorkCalendar, today: date) -> Project:
    """Check the application against the rules, then open the project at its first stage."""
    if not may_accept(actor, request.customer) or (
        not actor.can(Permission.MANAGE_PROJECTS) and request.account_manager_id != actor.id
    ):
        raise ProjectRefused([str(_l("You may accept applications of your own customers only."))])
    if request.accepted_on > today:
        raise ProjectRefused([str(_l("An application is accepted today or earlier."))])
    other = _merge_target(request)
    messages = rules.refusals(application(request, other, calendar))
    if messages:
        raise ProjectRefused(messages)
    profile = (
        db.session.get(TimeLimitProfile, request.profile_id)
        if request.profile_id
        else default_profile(request.accepted_on)
    )
    if profile is None:
        raise ProjectRefused([str(_l("The chosen time-limit profile does not exist."))])
    customer = request.customer or _prospective(request.applicant, request, actor)
    project = _new_project(request, customer, other, profile, actor)
    db.session.add(project)
    db.session.flush()
    workflow.open_first_stage(project, request.accepted_on, actor, calendar, today)
    return project


def _prospective(applicant: Applicant, request: ProjectRequest, actor: User) -> Customer:
    return create_customer(
        {
            "account_no": new_account_no(),
            "name": applicant.name,
            "category": applicant.category,
            "voltage_kv": applicant.voltage_kv,
            "address": applicant.address,
            "id_type": applicant.id_type,
            "id_number": applicant.id_number,
            "phone": applicant.phone,
            "status": CustomerStatus.APPLYING.value,
            "account_manager_id": request.account_manager_id,
        },
        actor=actor,
        source=ChangeSource.PROJECT,
        reason=str(_l("Application for a new connection (新装)")),
    )


def _new_project(
    request: ProjectRequest,
    customer: Customer,
    other: Customer | None,
    profile: TimeLimitProfile,
    actor: User,
) -> Project:
    number = next_number(
        "project", current_app.config["PROJECT_NUMBER_PATTERN"], request.accepted_on.year
    )
    action = rules.ACTS_ON.get(request.business_type, ("", None))[0]
    existing = {t.id: t for t in customer.transformers}
    return Project(
        number=number,
        business_type=request.business_type.value,
        customer=customer,
        voltage_kv=request.voltage_kv,
        is_dual_source=request.is_dual_source,
        is_important=request.is_important,
        has_external_works=request.has_external_works,
        account_manager_id=request.account_manager_id or customer.account_manager_id,
        profile=profile,
        accepted_on=request.accepted_on,
        description=request.description,
        effective_on=request.effective_on,
        ends_on=request.ends_on,
        new_name=request.new_name,
        new_id_type=request.new_id_type,
        new_id_number=request.new_id_number,
        new_address=request.new_address,
        new_category=request.new_category,
        new_voltage_kv=request.new_voltage_kv,
        other_customer=other,
        created_by_id=actor.id,
        stages=[
            ProjectStage(position=i, code=stage.code)
            for i, stage in enumerate(chains.chain(request.business_type, request.voltage_kv))
        ],
        transformers=[
            ProjectTransformer(action="add", rated_kva=t.rated_kva, name=t.name, model=t.model,
                               code=t.code or None)
            for t in request.added
        ]
        + [
            ProjectTransformer(
                action=action, transformer_id=i, rated_kva=existing[i].rated_kva,
                code=existing[i].code, name=existing[i].name,
            )
            for i in request.acted_on
        ],
        sources=[
            ProjectSource(kind=s.kind, line_id=s.line_id, pole_or_bay=s.pole_or_bay,
                          property_boundary=s.property_boundary)
            for s in request.sources
        ],
    )  # fmt: skip
