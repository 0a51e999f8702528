"""The work inside a project's stages, on its page: the supply plan (drafted, edited,
approved, its PDF), the units the customer chose, defect lists, grid-side works."""

from __future__ import annotations

from io import BytesIO

from flask import abort, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.core.forms import Form
from utilitycrm.core.pdf import PDF_MIMETYPE
from utilitycrm.core.uploads import upload_limit
from utilitycrm.core.views import forbid_unless, form_action
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import (
    attachments,
    defects,
    grid_works,
    printouts,
    queries,
    return_visits,
    supply_plan,
    units,
)
from utilitycrm.projects.types import AttachmentKind, GridWorkKind, Satisfaction, UnitRole
from utilitycrm.projects.views import bp, stage_action
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


@bp.route("/<number>/plan", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def draft_plan(number: str):
    def action(project, form, calendar, today):
        plan = supply_plan.draft(project, actor=current_user, today=today)
        return _("Supply plan %(number)s is drafted from the application and the archive.",
                 number=plan.number)  # fmt: skip

    return stage_action(number, Form, action)


@bp.route("/<number>/plan/edit", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def edit_plan(number: str):
    def action(project, form, calendar, today):
        supply_plan.update(project, form.values(), actor=current_user)
        return _("The supply plan is saved.")

    return stage_action(number, PlanForm, action)


@bp.route("/<number>/plan/approve", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def approve_plan(number: str):
    def action(project, form, calendar, today):
        plan = supply_plan.approve(project, actor=current_user, today=today)
        return _("Supply plan %(number)s is approved; its PDF is the customer's copy.",
                 number=plan.number)  # fmt: skip

    return stage_action(number, Form, action)


@bp.route("/<number>/plan.pdf")
@requires(Permission.VIEW_ARCHIVE)
def plan_pdf(number: str):
    """The approved plan as frozen, or the draft rendered now; no plan, no document."""
    project = db.first_or_404(queries.numbered(number))
    if project.plan is None:
        abort(404)
    pdf, name = supply_plan.document(project)
    return send_file(BytesIO(pdf), mimetype=PDF_MIMETYPE, download_name=name)


@bp.route("/<number>/units", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def record_unit(number: str):
    def action(project, form, calendar, today):
        item = units.record(project, UnitRole(form.role.data), form.values(), actor=current_user)
        return _("%(role)s %(name)s is recorded as the customer named it.",
                 role=UnitRole(item.role).label, name=item.name)  # fmt: skip

    return stage_action(number, UnitForm, action)


@bp.route("/<number>/defects", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def raise_defects(number: str):
    def action(project, form, calendar, today):
        raised = defects.raise_defects(
            project, form.texts.data.splitlines(), day=form.day.data, actor=current_user,
            calendar=calendar, today=today,
        )  # fmt: skip
        return ngettext(
            "%(num)d defect is recorded; the clock pauses while the customer clears it.",
            "%(num)d defects are recorded; the clock pauses while the customer clears them.",
            len(raised),
        )

    return stage_action(number, DefectsForm, action)


@bp.route("/<number>/defects/<int:defect_id>/close", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def close_defect(number: str, defect_id: int):
    def action(project, form, calendar, today):
        defects.close_defect(
            project, defect_id, day=form.day.data, note=form.note.data or "",
            actor=current_user, calendar=calendar, today=today,
        )  # fmt: skip
        if defects.open_defects(project, project.current_stage.code):
            return _("The defect is closed.")
        return _("The last defect is closed; the clock runs again.")

    return stage_action(number, CloseDefectForm, action)


@bp.route("/<number>/grid-works", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def start_grid_work(number: str):
    def action(project, form, calendar, today):
        grid_works.start(
            project, kind=GridWorkKind(form.kind.data), description=form.description.data,
            department=form.department.data, started_on=form.started_on.data,
            planned_on=form.planned_on.data, actor=current_user, today=today,
        )  # fmt: skip
        return _("The grid-side work is recorded; the connection waits for it.")

    return stage_action(number, GridWorkForm, action)


@bp.route("/<number>/grid-works/<int:work_id>/done", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def finish_grid_work(number: str, work_id: int):
    def action(project, form, calendar, today):
        grid_works.finish(
            project, work_id, day=form.day.data, note=form.note.data or "",
            actor=current_user, calendar=calendar, today=today,
        )  # fmt: skip
        return _("The grid-side work is done.")

    return stage_action(number, GridWorkDoneForm, action)


@bp.route("/<number>/attachments", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
@upload_limit("PROJECT_ATTACHMENT_MAX_BYTES")
def upload_attachment(number: str):
    def action(project, form, calendar, today):
        item = attachments.upload(
            project, AttachmentKind(form.kind.data), data=form.file.data.read(),
            filename=form.file.data.filename, note=form.note.data or "", actor=current_user,
        )  # fmt: skip
        return _("%(kind)s is kept as version %(version)d.",
                 kind=AttachmentKind(item.kind).label, version=item.version)  # fmt: skip

    return stage_action(number, AttachmentForm, action)


@bp.route("/<number>/attachments/<int:attachment_id>")
@requires(Permission.VIEW_ARCHIVE)
def attachment(number: str, attachment_id: int):
    """Always a download, with the type its content has: never rendered by the browser."""
    project = db.first_or_404(queries.numbered(number))
    item = next((a for a in project.attachments if a.id == attachment_id), None)
    if item is None:
        abort(404)
    response = send_file(BytesIO(item.content), mimetype=item.media_type,
                         download_name=item.filename, as_attachment=True)  # fmt: skip
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def _completed_action(number: str, form_class, action):
    """An action on a completed project (the return visit): its manager's or marketing's."""
    project = db.first_or_404(queries.numbered(number))
    forbid_unless(return_visits.may_visit(project, current_user))
    calendar, today = WorkCalendar.load(), local_today()
    return form_action(form_class(), lambda form: action(project, form, calendar, today),
                       url_for("projects.project", number=number))  # fmt: skip


@bp.route("/<number>/return-visit", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def record_return_visit(number: str):
    def action(project, form, calendar, today):
        visit = return_visits.record(
            project, day=form.day.data, satisfaction=Satisfaction(form.satisfaction.data),
            remarks=form.remarks.data or "", actor=current_user, calendar=calendar, today=today,
        )  # fmt: skip
        if visit.needs_follow_up:
            return _("The return visit is recorded; the dissatisfied customer is followed up.")
        return _("The return visit is recorded.")

    return _completed_action(number, ReturnVisitForm, action)


@bp.route("/<number>/return-visit/follow-up", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def record_follow_up(number: str):
    def action(project, form, calendar, today):
        return_visits.follow_up(project, day=form.day.data, note=form.note.data,
                                actor=current_user, calendar=calendar, today=today)  # fmt: skip
        return _("The follow-up is recorded.")

    return _completed_action(number, FollowUpForm, action)


@bp.route("/<number>/forms/<code>.pdf")
@requires(Permission.VIEW_ARCHIVE)
def printout(number: str, code: str):
    project = db.first_or_404(queries.numbered(number))
    if code not in printouts.available(project):
        abort(404)
    pdf = printouts.render(project, code)
    return send_file(BytesIO(pdf), mimetype=PDF_MIMETYPE,
                     download_name=f"{project.number}-{code}.pdf")  # fmt: skip
