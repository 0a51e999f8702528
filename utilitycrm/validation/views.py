"""Validation pages: runs, findings and their rectification, thresholds."""

from __future__ import annotations

import dataclasses
from io import BytesIO

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from utilitycrm.archive.forms.search import ANY
from utilitycrm.archive.models import Substation, ThresholdSet
from utilitycrm.archive.standards import DEFAULT
from utilitycrm.archive.thresholds import STANDARD_GROUPS, add_threshold_set, dated_standards
from utilitycrm.auth.access import requires
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission, Role
from utilitycrm.core import jobs as core_jobs
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.pdf import PDF_MIMETYPE
from utilitycrm.core.spreadsheets import XLSX_MIMETYPE
from utilitycrm.core.views import forbid_unless, list_args, list_settings, refuse
from utilitycrm.validation import jobs, queries, reports, services
from utilitycrm.validation.forms import (
    AssignForm,
    CommentForm,
    FindingSearchForm,
    NoteForm,
    RunFilterForm,
    RunForm,
    ThresholdForm,
    WaiveForm,
)
from utilitycrm.validation.links import object_links
from utilitycrm.validation.models import EventAction, Finding, ValidationRun
from utilitycrm.validation.registry import RULES

bp = Blueprint("validation", __name__, url_prefix="/validation")

CHOOSE = _l("— choose —")  # an assignment names someone: no one is picked for the inspector


def _choices(rows) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in rows]


def _users(**where) -> list[SelectChoice]:
    query = select(User.id, User.display_name).where(User.is_active.is_(True))
    for key, value in where.items():
        query = query.where(getattr(User, key) == value)
    return _choices(db.session.execute(query.order_by(User.display_name)))


def _finding_search_form() -> FindingSearchForm:
    form = FindingSearchForm(request.args)
    blank = [SelectChoice("", ANY)]
    form.substation_id.choices = blank + _choices(
        db.session.execute(select(Substation.id, Substation.name).order_by(Substation.name))
    )
    form.account_manager_id.choices = blank + _users(role=Role.ACCOUNT_MANAGER.value)
    form.assignee_id.choices = blank + _users()
    form.validate()
    return form


@bp.route("/findings")
@requires(Permission.VIEW_ARCHIVE)
def findings():
    form = _finding_search_form()
    filters = form.filters(queries.FindingFilters)
    page = queries.finding_page(filters, page=form.page_number, **list_settings())
    return render_template(
        "validation/findings.html",
        form=form,
        page=page,
        summary=queries.summary(filters),
        args=list_args(),
        rules=RULES,
        today=local_today(),
    )


@bp.route("/findings/report.pdf")
@requires(Permission.VIEW_ARCHIVE)
def findings_report():
    """The findings page's selection as a PDF report: summary, indicators, findings."""
    form = _finding_search_form()
    report = reports.build_report(
        form.filters(queries.FindingFilters),
        form.described(),
        limit=current_app.config["REPORT_MAX_FINDINGS"],
        today=local_today(),
    )
    return send_file(
        BytesIO(reports.report_pdf(report)),
        mimetype=PDF_MIMETYPE,
        download_name=f"findings-{local_today().isoformat()}.pdf",
    )


@bp.route("/findings/export.xlsx")
@requires(Permission.VIEW_ARCHIVE)
def export_findings():
    form = _finding_search_form()
    filters = form.filters(queries.FindingFilters)
    direct = current_app.config["REPORT_DIRECT_ROWS"]
    if queries.finding_count(filters, up_to=direct) > direct:
        job = jobs.start_workbook(filters, form.described(), actor_id=current_user.id)
        return redirect(url_for("jobs.job_detail", job_id=job.id))
    return send_file(
        reports.findings_workbook(filters, form.described()),
        as_attachment=True,
        mimetype=XLSX_MIMETYPE,
        download_name=f"findings-{local_today().isoformat()}.xlsx",
    )


@bp.route("/findings/<int:finding_id>")
@requires(Permission.VIEW_ARCHIVE)
def finding(finding_id: int):
    item = db.get_or_404(Finding, finding_id)
    assign_form = AssignForm(version=item.version, assignee_id=services.suggested_assignee(item))
    assign_form.assignee_id.choices = [SelectChoice("", CHOOSE), *_users()]
    return render_template(
        "validation/finding.html",
        finding=item,
        assign_form=assign_form,
        note_form=NoteForm(version=item.version),
        waive_form=WaiveForm(version=item.version),
        comment_form=CommentForm(),
        can_manage=current_user.can(Permission.MANAGE_FINDINGS),
        can_work=item.can_work(current_user),
        today=local_today(),
        links=object_links(item),
    )


def _workflow_step(finding_id: int, form, step):
    """One workflow action: check who may, validate, call the service, commit, back.
    Routes that only inspectors may use say so in their `@requires`."""
    item = db.get_or_404(Finding, finding_id)
    forbid_unless(item.can_work(current_user))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    else:
        try:
            step(item, form)
        except UtilityCRMError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("The finding is updated."), "success")
    return redirect(url_for("validation.finding", finding_id=finding_id))


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.assignee_id.choices = _users()
    return form


@bp.route("/findings/<int:finding_id>/assign", methods=["POST"])
@requires(Permission.MANAGE_FINDINGS)
def assign(finding_id: int):
    return _workflow_step(
        finding_id,
        _assign_form(),
        lambda item, form: services.assign(
            item,
            assignee_id=form.assignee_id.data,
            due_on=form.due_on.data,
            note=form.note.data or "",
            actor=current_user,
            expected_version=form.expected_version,
            today=local_today(),
        ),
    )


def _note_step(finding_id: int, service_step):
    """Start rectification or resolve: the same form, a different step."""
    return _workflow_step(
        finding_id,
        NoteForm(),
        lambda item, form: service_step(
            item,
            note=form.note.data or "",
            actor=current_user,
            expected_version=form.expected_version,
        ),
    )


@bp.route("/findings/<int:finding_id>/rectify", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def rectify(finding_id: int):
    return _note_step(finding_id, services.start_rectification)


@bp.route("/findings/<int:finding_id>/resolve", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def resolve(finding_id: int):
    return _note_step(finding_id, services.resolve)


@bp.route("/findings/<int:finding_id>/waive", methods=["POST"])
@requires(Permission.MANAGE_FINDINGS)
def waive(finding_id: int):
    return _workflow_step(
        finding_id,
        WaiveForm(),
        lambda item, form: services.waive(
            item,
            reason=form.reason.data,
            actor=current_user,
            expected_version=form.expected_version,
        ),
    )


@bp.route("/findings/<int:finding_id>/comment", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def comment(finding_id: int):
    return _workflow_step(
        finding_id,
        CommentForm(),
        lambda item, form: services.comment(item, note=form.note.data, actor=current_user),
    )


@bp.route("/runs", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def runs():
    form = RunForm()
    if request.method == "POST":
        forbid_unless(current_user.can(Permission.RUN_VALIDATION))
        if form.validate_on_submit():
            try:
                scope, label = services.resolve_scope(
                    form.line_code.data, [form.account_no.data] if form.account_no.data else []
                )
                run = services.begin_run(label, trigger="ui", actor=current_user)
            except UtilityCRMError as error:
                refuse(error)
            else:
                jobs.start(run, scope, actor_id=current_user.id)
                flash(_("Run %(id)s started; it continues while you work.", id=run.id), "success")
                return redirect(url_for("validation.run", run_id=run.id))
    shown = RunFilterForm(request.args)
    shown.validate()
    page = queries.run_page(
        page=shown.page_number, include_saves=shown.include_saves.data, **list_settings()
    )
    return render_template(
        "validation/runs.html",
        form=form,
        shown=shown,
        page=page,
        can_run=current_user.can(Permission.RUN_VALIDATION),
    )


@bp.route("/runs/<int:run_id>")
@requires(Permission.VIEW_ARCHIVE)
def run(run_id: int):
    item = db.get_or_404(ValidationRun, run_id)
    limit = current_app.config["PAGE_SIZE"]
    return render_template(
        "validation/run.html",
        run=item,
        job=core_jobs.job_by_key(jobs.run_key(item.id)),
        new=queries.run_changes(item, EventAction.FOUND, limit=limit),
        reopened=queries.run_changes(item, EventAction.REOPENED, limit=limit),
        resolved=queries.run_changes(item, EventAction.AUTO_RESOLVED, limit=limit),
    )


@bp.route("/thresholds", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def thresholds():
    form_class = ThresholdForm
    standards, effective_on = dated_standards(local_today())
    current = dataclasses.asdict(standards)
    form = form_class(data={**current, "effective_on": local_today()})
    if request.method == "POST":
        forbid_unless(current_user.can(Permission.EDIT_THRESHOLDS))
        form = form_class()
        if form.validate_on_submit():
            values = {name: form[name].data for name in current}
            try:
                add_threshold_set(
                    values,
                    effective_on=form.effective_on.data,
                    note=form.note.data or "",
                    actor=current_user,
                )
            except UtilityCRMError as error:
                refuse(error)
            else:
                db.session.commit()
                flash(_("The thresholds are saved."), "success")
                return redirect(url_for("validation.thresholds"))
    sets = db.session.scalars(select(ThresholdSet).order_by(ThresholdSet.effective_on.desc())).all()
    return render_template(
        "validation/thresholds.html",
        form=form,
        sets=[(item, item.values) for item in sets],
        effective_on=effective_on,
        can_edit=current_user.can(Permission.EDIT_THRESHOLDS),
        current=current,
        groups=STANDARD_GROUPS,
        defaults=dataclasses.asdict(DEFAULT),
    )


def customer_panel(customer) -> dict[str, object]:
    """The customer page's findings panel (shown only when there are any)."""
    return {"findings": queries.customer_findings(customer.id)}
