"""Grid-side works (配套电网工程): a bay at the substation, a line extended or re-routed,
a change of operating mode. Started at the plan and run by another department beside the
customer's works; the connection waits for every one of them, and a late one is the
utility's delay, not the customer's."""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import Deadline
from utilitycrm.deadlines.services import Described
from utilitycrm.projects.models import GridWork, Project
from utilitycrm.projects.types import GridWorkKind

# The stage that waits for the grid-side works.
BLOCKED_STAGE = "connection"
# Each work is a dated deadline of its own kind, the account manager's to chase: it comes
# into the inbox and the alert mails a few days before its planned end.
KIND = "grid_work"
WARN_DAYS = 5


def _may_work(project: Project, actor: User) -> None:
    if not project.can_work(actor):
        raise UtilityCRMError(_l("You may not work on this project."))


def start(
    project: Project, *, kind: GridWorkKind, description: str, department: str,
    started_on: date, planned_on: date, actor: User, today: date,
) -> GridWork:  # fmt: skip
    """A grid-side work started from the plan onwards, before the connection."""
    _may_work(project, actor)
    stage = project.current_stage
    done = {s.code for s in project.stages if s.finished_on}
    if "plan" not in done and (stage is None or stage.code not in ("survey", "plan")):
        raise UtilityCRMError(_l("Grid-side works start with the supply plan."))
    if stage is None or stage.code in (BLOCKED_STAGE, "archive"):
        raise UtilityCRMError(_l("Grid-side works are started before the connection."))
    if not description.strip() or not department.strip():
        raise UtilityCRMError(_l("Say what the work is and which department builds it."))
    if started_on > today or started_on < project.accepted_on:
        raise UtilityCRMError(_l("A work starts between the acceptance and today."))
    if planned_on < started_on:
        raise UtilityCRMError(_l("A work is planned to end after it starts."))
    work = GridWork(
        kind=kind.value, description=description.strip(), department=department.strip(),
        started_on=started_on, planned_on=planned_on, created_by_id=actor.id,
    )  # fmt: skip
    project.grid_works.append(work)
    db.session.flush()
    deadlines.open_date_deadline(
        KIND, work.id, "", owner_id=project.account_manager_id, customer_id=project.customer_id,
        starts_on=started_on, due_on=planned_on, warn_on=planned_on - timedelta(days=WARN_DAYS),
    )  # fmt: skip
    return work


def _deadline(work: GridWork) -> Deadline | None:
    return db.session.scalar(select(Deadline).where(Deadline.kind == KIND,
                                                    Deadline.subject_id == work.id))  # fmt: skip


def finish(
    project: Project, work_id: int, *, day: date, note: str, actor: User,
    calendar: WorkCalendar, today: date,
) -> GridWork:  # fmt: skip
    _may_work(project, actor)
    work = next((w for w in project.grid_works if w.id == work_id), None)
    if work is None:
        raise UtilityCRMError(_l("The work is not one of this project's."))
    if work.done_on is not None:
        raise UtilityCRMError(_l("The work is done already."))
    if day > today or day < work.started_on:
        raise UtilityCRMError(_l("A work is done between its start and today."))
    work.done_on, work.done_by_id, work.note = day, actor.id, note.strip()
    if (deadline := _deadline(work)) is not None:
        deadlines.finish(deadline, finished_on=day, calendar=calendar, today=today)
    db.session.flush()
    return work


def stop_all(project: Project, *, day: date, calendar: WorkCalendar, today: date) -> None:
    """A cancelled project's open works leave the inbox (the works themselves stay)."""
    for work in open_works(project):
        if (deadline := _deadline(work)) is not None and deadline.is_open:
            deadlines.finish(deadline, finished_on=day, calendar=calendar, today=today)


def describe_deadlines(found: list[Deadline]) -> dict[int, Described]:
    """How alerts and the inbox name a grid-side work: one query for all of them."""
    works = {
        w.id: w
        for w in db.session.scalars(
            select(GridWork)
            .where(GridWork.id.in_({d.subject_id for d in found}))
            .options(joinedload(GridWork.project).joinedload(Project.customer))
        )
    }
    described = {}
    for deadline in found:
        work = works[deadline.subject_id]
        described[deadline.id] = Described(
            f"{work.project.number} {GridWorkKind(work.kind).label}: {work.description}",
            str(work.project.customer),
            url_for("projects.project", number=work.project.number),
        )
    return described


def open_works(project: Project) -> list[GridWork]:
    return [w for w in project.grid_works if w.done_on is None]


def late_works(project: Project, today: date) -> list[GridWork]:
    return [w for w in project.grid_works if w.is_late(today)]


def works_refusal(project: Project, day: date) -> object | None:
    """The connection waits for the utility's own works."""
    waiting = open_works(project)
    if waiting:
        return lazy_ngettext(
            "%(num)d grid-side work is not done yet: %(works)s. The connection waits for it.",
            "%(num)d grid-side works are not done yet: %(works)s. The connection waits for them.",
            len(waiting),
            works="; ".join(f"{w.description} ({w.department})" for w in waiting),
        )
    return None
