"""Inspection defect lists (整改意见): the design review, the intermediate and the
completion inspection each may give the customer defects to clear.

Raising a list pauses the stage's clock (the customer is rectifying: its time, not the
utility's); the clock runs again on the day the last defect is closed, and the stage
finishes only when every defect it raised is closed, each with who closed it and when.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.services import PauseReason
from utilitycrm.projects.models import InspectionDefect, Project
from utilitycrm.projects.types import StageStatus
from utilitycrm.projects.workflow import running_clock

INSPECTIONS = ("design_review", "mid_inspection", "completion")


def open_defects(project: Project, stage_code: str | None = None) -> list[InspectionDefect]:
    return [d for d in project.defects if d.is_open and stage_code in (None, d.stage_code)]


def _running_inspection(project: Project, actor: User):
    if not project.can_work(actor):
        raise UtilityCRMError(_l("You may not work on this project."))
    stage = project.current_stage
    if stage is None or stage.code not in INSPECTIONS or stage.status != StageStatus.RUNNING.value:
        raise UtilityCRMError(_l("Defects are raised while an inspection runs."))
    return stage


def raise_defects(
    project: Project, texts: list[str], *, day: date, actor: User, calendar: WorkCalendar,
    today: date,
) -> list[InspectionDefect]:  # fmt: skip
    """The inspection's defect list on `day`; the clock pauses until they are cleared."""
    stage = _running_inspection(project, actor)
    items = [t.strip() for t in texts if t.strip()]
    if not items:
        raise UtilityCRMError(_l("Write each defect on a line of its own."))
    if any(len(t) > 500 for t in items):
        raise UtilityCRMError(_l("A defect is described in 500 characters at most."))
    if day > today or (stage.started_on and day < stage.started_on):
        raise UtilityCRMError(_l("Defects are raised between the stage's start and today."))
    raised = [
        InspectionDefect(stage_code=stage.code, text=text, raised_on=day, raised_by_id=actor.id)
        for text in items
    ]
    project.defects.extend(raised)
    clock = running_clock(project)
    if clock is not None and not clock.is_paused:
        deadlines.pause(
            clock, starts_on=day, reason=PauseReason.CUSTOMER_RECTIFYING.value,
            note=str(lazy_ngettext("%(num)d defect to clear", "%(num)d defects to clear",
                                   len(items))), actor=actor,
            calendar=calendar, today=today,
        )  # fmt: skip
    db.session.flush()
    return raised


def close_defect(
    project: Project, defect_id: int, *, day: date, note: str, actor: User,
    calendar: WorkCalendar, today: date,
) -> InspectionDefect:  # fmt: skip
    """One defect cleared on `day`; the last one of the stage lets its clock run again."""
    stage = _running_inspection(project, actor)
    defect = next((d for d in project.defects if d.id == defect_id), None)
    if defect is None or defect.stage_code != stage.code:
        raise UtilityCRMError(_l("The defect is not one of the running inspection's."))
    if not defect.is_open:
        raise UtilityCRMError(_l("The defect is closed already."))
    if day > today or day < defect.raised_on:
        raise UtilityCRMError(_l("A defect is closed between the day it was raised and today."))
    defect.closed_on, defect.closed_by_id, defect.closing_note = day, actor.id, note.strip()
    clock = running_clock(project)
    pause = next((p for p in clock.pauses if p.ends_on is None), None) if clock else None
    if (
        not open_defects(project, stage.code)
        and pause is not None
        and pause.reason == PauseReason.CUSTOMER_RECTIFYING.value
    ):
        deadlines.resume(clock, ends_on=day, actor=actor, calendar=calendar, today=today)
    db.session.flush()
    return defect


def defects_refusal(project: Project, day: date) -> object | None:
    stage = project.current_stage
    left = open_defects(project, stage.code) if stage is not None else []
    if left:
        return lazy_ngettext(
            "%(num)d defect of this inspection is open: close it first.",
            "%(num)d defects of this inspection are open: close each one first.",
            len(left),
        )
    return None
