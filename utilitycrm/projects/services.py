"""Accepting a project and moving it through its stages on the working-day clocks.

Plain functions; the caller commits. Each stage's clock is a deadline of kind "project"
(the shared mechanism of `utilitycrm.deadlines`), keyed by the clock's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.enums import CustomerStatus, VoltageLevel
from utilitycrm.archive.history import ChangeSource
from utilitycrm.archive.models import Customer, Meter
from utilitycrm.archive.services.customers import create_customer
from utilitycrm.archive.services.equipment import check_meter
from utilitycrm.archive.services.records import VersionCheck, save_record
from utilitycrm.auth.models import User
from utilitycrm.core.dates import add_months
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.numbering import next_number
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.clock import Reading
from utilitycrm.deadlines.models import AlertLevel, Deadline
from utilitycrm.projects import chains, rules
from utilitycrm.projects.completion import apply_to_archive, new_account_no
from utilitycrm.projects.models import (
    Project,
    ProjectSource,
    ProjectStage,
    ProjectTransformer,
    TimeLimitProfile,
)
from utilitycrm.projects.types import BusinessType, ProjectStatus, StageStatus

KIND = "project"
PLAN_VALIDITY = chains.PLAN_VALIDITY
CONTRACT_STAGE = chains.CONTRACT_STAGE
# Stage code -> checks a stage must pass to finish: each returns None or why it may not.
# Wings above projects add theirs (contracts: the contract stage ends with a signed one).
STAGE_EXIT_CHECKS: dict[str, list[Callable[[Project], object | None]]] = {}


def register_stage_exit_check(stage_code: str, check: Callable[[Project], object | None]) -> None:
    checks = STAGE_EXIT_CHECKS.setdefault(stage_code, [])
    if check not in checks:  # each app registers again
        checks.append(check)


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


def default_profile() -> TimeLimitProfile:
    profile = db.session.scalar(
        select(TimeLimitProfile)
        .where(TimeLimitProfile.is_default.is_(True))
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
    app = rules.Application(
        business_type=request.business_type,
        accepted_on=request.accepted_on,
        earliest_effective_on=calendar.add_workdays(request.accepted_on, rules.NOTICE_WORKDAYS).day,
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


def accept(request: ProjectRequest, *, actor: User, calendar: WorkCalendar, today: date) -> Project:
    """Check the application against the rules, then open the project at its first stage."""
    if request.accepted_on > today:
        raise ProjectRefused([str(_l("An application is accepted today or earlier."))])
    other = _merge_target(request)
    messages = rules.refusals(application(request, other, calendar))
    if messages:
        raise ProjectRefused(messages)
    profile = (
        db.session.get(TimeLimitProfile, request.profile_id)
        if request.profile_id
        else default_profile()
    )
    if profile is None:
        raise ProjectRefused([str(_l("The chosen time-limit profile does not exist."))])
    customer = request.customer or _prospective(request.applicant, request, actor)
    project = _new_project(request, customer, other, profile, actor)
    db.session.add(project)
    db.session.flush()
    first = project.stages[0]
    _mark_started(first, request.accepted_on, actor)
    _finish(project, first, request.accepted_on, actor, calendar, today)
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


# Clocks.


def clocks(project: Project) -> dict[str, Deadline]:
    """The project's deadlines by key (its stage clocks and the supply plan's validity)."""
    return {
        d.key: d
        for d in db.session.scalars(
            select(Deadline).where(Deadline.kind == KIND, Deadline.subject_id == project.id)
        )
    }


def limit_for(project: Project, clock: str) -> int:
    key = chains.limit_key(
        clock,
        dual_source=project.is_dual_source,
        category=project.customer.category,
        external_works=project.has_external_works,
    )
    return project.profile.limits[key]


def _definition(project: Project, stage: ProjectStage) -> chains.StageDef:
    return chains.stage_def(project.type_enum, project.voltage_kv, stage.code)


def _mark_started(stage: ProjectStage, day: date, actor: User) -> None:
    stage.status, stage.started_on, stage.started_by_id = StageStatus.RUNNING.value, day, actor.id


def _start(project: Project, stage: ProjectStage, day: date, actor: User, calendar, today) -> None:
    _mark_started(stage, day, actor)
    definition = _definition(project, stage)
    existing = clocks(project)
    validity = existing.get(PLAN_VALIDITY)
    if definition.code == "completion" and validity is not None and validity.is_open:
        validity.finished_on = day  # the works are done: the plan has served
    if definition.clock and definition.clock not in existing:
        deadlines.open_workday_deadline(
            KIND,
            project.id,
            definition.clock,
            owner_id=project.account_manager_id,
            starts_on=day,
            limit=limit_for(project, definition.clock),
            warn_share=current_app.config["DEADLINE_WARN_SHARE"],
            calendar=calendar,
            today=today,
        )
        db.session.flush()


def _open_plan_validity(project: Project, day: date) -> None:
    high = VoltageLevel(project.voltage_kv).is_high_voltage
    months = current_app.config[
        "SUPPLY_PLAN_VALID_MONTHS_HV" if high else "SUPPLY_PLAN_VALID_MONTHS_LV"
    ]
    due = add_months(day, months)
    deadlines.open_date_deadline(
        KIND,
        project.id,
        PLAN_VALIDITY,
        owner_id=project.account_manager_id,
        starts_on=day,
        due_on=due,
        warn_on=due - timedelta(days=current_app.config["SUPPLY_PLAN_WARN_DAYS"]),
    )


def _finish(project: Project, stage: ProjectStage, day: date, actor: User, calendar, today) -> None:
    stage.status, stage.finished_on, stage.finished_by_id = StageStatus.DONE.value, day, actor.id
    definition = _definition(project, stage)
    following = next((s for s in project.stages if s.position == stage.position + 1), None)
    next_def = _definition(project, following) if following else None
    if definition.clock and (next_def is None or next_def.clock != definition.clock):
        deadlines.finish(clocks(project)[definition.clock], finished_on=day, calendar=calendar,
                         today=today)  # fmt: skip
    if definition.code == "plan":
        _open_plan_validity(project, day)
    if following is None:
        apply_to_archive(project, actor=actor, day=day)
        project.status, project.completed_on = ProjectStatus.COMPLETED.value, day
    elif next_def.customer_event is None:
        _start(project, following, day, actor, calendar, today)


def _check_day(day: date, earliest: date | None, today: date) -> None:
    if day > today:
        raise UtilityCRMError(_l("The day cannot be in the future."))
    if earliest is not None and day < earliest:
        raise UtilityCRMError(_l("The day cannot be before %(day)s.", day=earliest.isoformat()))


def _current(project: Project, status: StageStatus) -> ProjectStage:
    if not project.is_active:
        raise UtilityCRMError(_l("The project is closed."))
    stage = project.current_stage
    if stage is None or stage.status != status.value:
        raise UtilityCRMError(_l("The project moved on; reload the page."))
    return stage


def _previous_end(project: Project, stage: ProjectStage) -> date | None:
    earlier = [s.finished_on for s in project.stages if s.position < stage.position]
    return max((d for d in earlier if d), default=None)


def start_stage(
    project: Project, *, day: date, actor: User, calendar: WorkCalendar, today: date
) -> ProjectStage:
    """The customer's event (drawings handed in, inspection requested) on `day`."""
    stage = _current(project, StageStatus.WAITING)
    _check_day(day, _previous_end(project, stage), today)
    _start(project, stage, day, actor, calendar, today)
    return stage


def finish_stage(
    project: Project,
    *,
    day: date,
    note: str,
    actor: User,
    calendar: WorkCalendar,
    today: date,
) -> ProjectStage:
    stage = _current(project, StageStatus.RUNNING)
    _check_day(day, stage.started_on, today)
    running = running_clock(project)
    if running is not None and running.is_paused:
        raise UtilityCRMError(_l("The clock is paused: the customer hands back first."))
    for check in STAGE_EXIT_CHECKS.get(stage.code, ()):
        if (refusal := check(project)) is not None:
            raise UtilityCRMError(refusal)
    stage.note = note.strip()
    _finish(project, stage, day, actor, calendar, today)
    return stage


def running_clock(project: Project, by_key: dict[str, Deadline] | None = None) -> Deadline | None:
    """The clock of the running stage (from `by_key` when the caller has the clocks)."""
    stage = project.current_stage
    if stage is None or stage.status != StageStatus.RUNNING.value:
        return None
    clock = _definition(project, stage).clock
    return (clocks(project) if by_key is None else by_key).get(clock) if clock else None


def pause_clock(
    project: Project, *, day: date, reason: str, note: str, actor: User, calendar, today
) -> None:
    _current(project, StageStatus.RUNNING)
    clock = running_clock(project)
    if clock is None:
        raise UtilityCRMError(_l("This stage has no time limit to pause."))
    deadlines.pause(clock, starts_on=day, reason=reason, note=note, actor=actor,
                    calendar=calendar, today=today)  # fmt: skip


def resume_clock(project: Project, *, day: date, actor: User, calendar, today) -> None:
    _current(project, StageStatus.RUNNING)
    clock = running_clock(project)
    if clock is None:
        raise UtilityCRMError(_l("The clock is not paused."))
    deadlines.resume(clock, ends_on=day, actor=actor, calendar=calendar, today=today)


def cancel(project: Project, *, day: date, reason: str, actor: User, calendar, today) -> None:
    """Withdrawn or refused: the clocks stop; an applicant's archive entry is closed."""
    if not project.is_active:
        raise UtilityCRMError(_l("The project is closed."))
    if not reason.strip():
        raise UtilityCRMError(_l("Say why the project is cancelled."))
    _check_day(day, project.accepted_on, today)
    for clock in clocks(project).values():
        if clock.is_open:
            deadlines.finish(clock, finished_on=day, calendar=calendar, today=today)
    project.status, project.cancelled_on = ProjectStatus.CANCELLED.value, day
    project.cancel_reason = reason.strip()
    if project.customer.status == CustomerStatus.APPLYING.value:
        save_record(
            project.customer,
            {"status": CustomerStatus.CLOSED.value},
            actor=actor,
            expected_version=VersionCheck.SYSTEM,
            source=ChangeSource.PROJECT,
            reason=str(_l("Project %(number)s cancelled", number=project.number)),
        )


def is_on_time(project: Project, today: date) -> bool:
    return _on_time(clocks(project), today)


def _on_time(by_key: dict[str, Deadline], today: date) -> bool:
    """On time only if every stage clock is (finished by its due day, or not yet late);
    the plan's validity is the customer's time, not the utility's."""
    return not any(
        clock.is_on_time is False or clock.level(today) is AlertLevel.OVERDUE
        for key, clock in by_key.items()
        if key != PLAN_VALIDITY
    )


@dataclass(frozen=True)
class Standing:
    """Where a project stands today, for its page: one query for its clocks."""

    clocks: dict[str, Deadline]
    # Stage code → its clock and where the clock stands (timed stages only).
    stage_readings: dict[str, tuple[Deadline, Reading]]
    running: Deadline | None
    on_time: bool


def standing(project: Project, calendar: WorkCalendar, today: date) -> Standing:
    by_key = clocks(project)
    readings = {}
    for stage in project.stages:
        clock = by_key.get(_definition(project, stage).clock)
        if clock is not None:
            readings[stage.code] = (clock, deadlines.reading(clock, calendar, today))
    return Standing(by_key, readings, running_clock(project, by_key), _on_time(by_key, today))


def record_metering(project: Project, values: dict[str, object]) -> None:
    """The metering installed at connection; written to the archive when the project ends."""
    if not (project.is_active and project.records_metering):
        raise UtilityCRMError(_l("Only an open new connection or increase records metering."))
    check_meter(Meter(asset_no=values["meter_asset_no"]))  # says where it is recorded
    for key, value in values.items():
        setattr(project, key, value)
