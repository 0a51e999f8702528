"""What a project's page shows of the work inside its stages, with the forms for it."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from utilitycrm.auth.roles import Permission
from utilitycrm.core.forms import Form
from utilitycrm.projects import (
    attachments,
    defects,
    grid_works,
    printouts,
    return_visits,
    supply_plan,
    units,
)
from utilitycrm.projects.types import StageStatus
from utilitycrm.projects.work_forms import (
    AttachmentForm,
    CloseDefectForm,
    DefectsForm,
    FollowUpForm,
    GridWorkDoneForm,
    GridWorkForm,
    PlanForm,
    ReturnVisitForm,
    UnitForm,
)


def page_context(project, today) -> dict[str, object]:
    """What the project page shows of the work inside its stages, and its forms."""
    plan_form = PlanForm(formdata=None, obj=project.plan)
    for name in ("metering_method", "wiring", "metering_class", "meter_accuracy"):
        plan_form[name].data = getattr(project, name) or plan_form[name].data
    plan_form.fill_ratios(project)
    return {
        "plan": project.plan,
        "planning": supply_plan.is_planning(project),
        "plan_missing": supply_plan.missing(project) if project.plan else [],
        "plan_kva": supply_plan.plan_kva(project),
        "plan_form": plan_form,
        "may_approve": current_user.can(Permission.MANAGE_PROJECTS),
        "unit_form": UnitForm(formdata=None),
        "licence_refusal": units.licence_refusal(project, today) if project.is_active else None,
        "inspecting": project.current_stage is not None
        and project.current_stage.code in defects.INSPECTIONS
        and project.current_stage.status == StageStatus.RUNNING.value,
        "defects_form": DefectsForm(formdata=None, day=today),
        "close_form": CloseDefectForm(formdata=None, day=today),
        "grid_form": GridWorkForm(formdata=None, started_on=today),
        "done_form": GridWorkDoneForm(formdata=None, day=today),
        "late_works": grid_works.late_works(project, today),
        "bare_form": Form(formdata=None),
        "printouts": [(code, printouts.TITLES[code]) for code in printouts.available(project)],
        "may_visit": return_visits.may_visit(project, current_user),
        "visit_form": ReturnVisitForm(formdata=None, day=today),
        "follow_up_form": FollowUpForm(formdata=None, day=today),
        "attachment_form": AttachmentForm(formdata=None),
        "attachments_missing": attachments.missing_for(project, project.current_stage.code)
        if project.is_active and project.current_stage is not None
        else [],
        "max_upload_mb": current_app.config["PROJECT_ATTACHMENT_MAX_BYTES"] // 2**20,
    }
