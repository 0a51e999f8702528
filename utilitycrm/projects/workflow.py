"""The stage workflow of an expansion project: each stage started and finished on its
working-day clock, pauses while the customer acts, cancellation, and the standing that
the pages and alerts show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.enums import CustomerStatus, VoltageLevel
from utilitycrm.archive.history import ChangeSource
from utilitycrm.archive.models import Meter
from utilitycrm.archive.services.equipment import check_meter
from utilitycrm.archive.services.records import VersionCheck, save_record
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.core.dates import add_months
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.clock import Reading
from utilitycrm.deadlines.models import AlertLevel, Deadline
from utilitycrm.projects import chains, grid_works, return_visits
from utilitycrm.projects.completion import apply_to_archive
from utilitycrm.projects.models import (
    Project,
    ProjectStage,
)
from utilitycrm.projects.types import ProjectStatus, StageStatus

KIND = "project"
PLAN_VALIDITY = chains.PLAN_VALIDITY
CONTRACT_STAGE = chains.CONTRACT_STAGE
# Stage code -> checks a stage must pass to finish on a day: each returns None or why it
# may not. The project's own (plan, licences, defects, grid works) and the wings' above
# (contracts: the contract stage ends with a signed one) register alike.
ExitCheck = Callable[[Project, date], object | None]
STAGE_EXIT_CHECKS: dict[str, list[ExitCheck]] = {}


def register_stage_exit_check(stage_code: str, check: ExitCheck) -> None:
    checks = STAGE_EXIT_CHECKS.setdefault(stage_code, [])
    if check not in checks:  # each app registers again
        checks.append(check)


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
            customer_id=project.customer_id,
            starts_on=day,
            limit=limit_for(project, definition.clock),
            warn_share=standards_on(day).deadline_warn_share,
            calendar=calendar,
            today=today,
        )
        db.session.flush()


def _open_plan_validity(project: Project, day: date) -> None:
    standards = standards_on(day)
    high = VoltageLevel(project.voltage_kv).is_high_voltage
    months = (
        project.plan.valid_months
        if project.plan is not None
        else standards.supply_plan_valid_months_hv
        if high
        else standards.supply_plan_valid_months_lv
    )
    due = add_months(day, months)
    deadlines.open_date_deadline(
        KIND,
        project.id,
        PLAN_VALIDITY,
        owner_id=project.account_manager_id,
        customer_id=project.customer_id,
        starts_on=day,
        due_on=due,
        warn_on=due - timedelta(days=standards.supply_plan_warn_days),
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
        return_visits.open_due(project, day=day, calendar=calendar, today=today)
    elif next_def.customer_event is None:
        _start(project, following, day, actor, calendar, today)


def open_first_stage(project: Project, day: date, actor: User, calendar, today: date) -> None:
    """Acceptance is the first stage: done on the day the application is accepted."""
    first = project.stages[0]
    _mark_started(first, day, actor)
    _finish(project, first, day, actor, calendar, today)


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
        if (refusal := check(project, day)) is not None:
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
    grid_works.stop_all(project, day=day, calendar=calendar, today=today)
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
    # Stage code → its clock and where the clock stands (timed stages only); a clock that
    # times several stages (survey and plan) is read on the first of them.
    stage_readings: dict[str, tuple[Deadline, Reading]]
    # Stage code → the code of the earlier stage whose clock also times it.
    shares_clock_with: dict[str, str]
    running: Deadline | None
    on_time: bool


def standing(project: Project, calendar: WorkCalendar, today: date) -> Standing:
    by_key = clocks(project)
    readings, shared, first_stage = {}, {}, {}
    for stage in project.stages:
        clock = by_key.get(_definition(project, stage).clock)
        if clock is None:
            continue
        if clock.key in first_stage:
            shared[stage.code] = first_stage[clock.key]
        else:
            first_stage[clock.key] = stage.code
            readings[stage.code] = (clock, deadlines.reading(clock, calendar, today))
    return Standing(
        by_key, readings, shared, running_clock(project, by_key), _on_time(by_key, today)
    )


def record_metering(project: Project, values: dict[str, object]) -> None:
    """The metering installed at connection; written to the archive when the project ends."""
    if not (project.is_active and project.records_metering):
        raise UtilityCRMError(_l("Only an open new connection or increase records metering."))
    check_meter(Meter(asset_no=values["meter_asset_no"]))  # says where it is recorded
    for key, value in values.items():
        setattr(project, key, value)
