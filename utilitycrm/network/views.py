"""The line-loss pages (线损): the month's lines and 台区 furthest outside their band, a
line's trend, what-if and related findings, the computation and the readings import.
Views stay thin: `losses`, `what_if` and `readings` decide."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import add_months, local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.forms import Form
from utilitycrm.core.spreadsheets import XLSX_MIMETYPE
from utilitycrm.core.uploads import upload_limit
from utilitycrm.core.views import (
    flash_form_errors,
    forbid_unless,
    form_action,
    list_args,
    list_settings,
    monthly_upload_page,
    refuse,
)
from utilitycrm.network import cim, exports, jobs, losses, planning, readings
from utilitycrm.network.forms import ComputeForm, LossFilterForm, OverrideForm, ReadingsUploadForm
from utilitycrm.network.models import LossComputation
from utilitycrm.network.pictures import trend
from utilitycrm.network.types import Band, LossKind
from utilitycrm.network.what_if import what_if
from utilitycrm.projects import supply_plan
from utilitycrm.projects.models import Project

bp = Blueprint("network", __name__, url_prefix="/network")


def _chosen_month(form_month: str | None, months: list[date]) -> date:
    """The month asked for, else the latest computed, else last month."""
    if form_month:
        return date.fromisoformat(f"{form_month}-01")
    return months[0] if months else add_months(local_today().replace(day=1), -1)


def _filters(form: LossFilterForm) -> losses.LossFilter:
    band = form.value("band")
    return losses.LossFilter(
        kind=LossKind(form.value("kind", LossKind.LINE.value)),
        band=Band(band) if band else None,
        abnormal=bool(form.value("abnormal")),
    )


@bp.route("/losses")
@requires(Permission.VIEW_ARCHIVE)
def losses_index():
    form = LossFilterForm(request.args)
    form.validate()
    months = losses.computed_months()
    month = _chosen_month(form.value("month"), months)
    filters = _filters(form)
    page = losses.ranked(month, filters, page=form.page_number, **list_settings())
    compute_form = ComputeForm(month=add_months(local_today().replace(day=1), -1).isoformat()[:7])
    return render_template(
        "network/losses.html",
        form=form,
        months=months,
        month=month,
        filters=filters,
        page=page,
        computation=db.session.get(LossComputation, month),
        compute_form=compute_form,
        can_compute=current_user.can(Permission.RUN_VALIDATION),
        can_import=current_user.can(Permission.EDIT_ARCHIVE),
        args=list_args(),
    )


@bp.route("/losses/compute", methods=["POST"])
@requires(Permission.RUN_VALIDATION)
def compute():
    form = ComputeForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("network.losses_index"))
    month = date.fromisoformat(f"{form.month.data}-01")
    try:
        job = jobs.start(month, actor_id=current_user.id)
    except UtilityCRMError as error:
        refuse(error)
        return redirect(url_for("network.losses_index"))
    flash(_("The losses of %(month)s are being computed.", month=form.month.data), "info")
    return redirect(url_for("jobs.job_detail", job_id=job.id))


@bp.route("/losses/lines/<int:line_id>")
@requires(Permission.VIEW_ARCHIVE)
def line_losses(line_id: int):
    line = db.get_or_404(FeederLine, line_id)
    form = LossFilterForm(request.args)
    form.validate()
    months = losses.computed_months()
    month = _chosen_month(form.value("month"), months)
    result = losses.line_result(line.id, month)
    computation = db.session.get(LossComputation, month)
    limits = computation.limits if computation else None
    chart = None
    if limits:
        history = losses.line_trend(line.id, month)
        chart = trend(history, month, (limits["negative"], limits["high_line"]))
    return render_template(
        "network/line_losses.html",
        line=line,
        month=month,
        months=months,
        result=result,
        limits=limits,
        chart=chart,
        analysis=what_if(result) if result is not None else None,
        areas=losses.areas_of_line(line.id, month),
    )


@bp.route("/losses.xlsx")
@requires(Permission.VIEW_ARCHIVE)
def losses_workbook():
    form = LossFilterForm(request.args)
    form.validate()
    month = _chosen_month(form.value("month"), losses.computed_months())
    return send_file(
        exports.losses_workbook(month),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=f"线损-{month.isoformat()[:7]}.xlsx",
    )


@bp.route("/lines/<int:line_id>/cim.xml")
@requires(Permission.VIEW_ARCHIVE)
def line_cim(line_id: int):
    line = db.get_or_404(FeederLine, line_id)
    buffer = BytesIO()
    cim.export(buffer, cim.Selection((line.id,)))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/rdf+xml", as_attachment=True,
                     download_name=f"{line.code}-cim.xml")  # fmt: skip


@bp.route("/losses.pdf")
@requires(Permission.VIEW_ARCHIVE)
def losses_report():
    form = LossFilterForm(request.args)
    form.validate()
    month = _chosen_month(form.value("month"), losses.computed_months())
    computation = db.get_or_404(LossComputation, month)
    return send_file(
        BytesIO(exports.losses_report(month, computation)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"线损-{month.isoformat()[:7]}.pdf",
    )


@bp.route("/readings/template.xlsx")
@requires(Permission.VIEW_ARCHIVE)
def readings_template():
    return send_file(readings.template_workbook(), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="关口电量模板.xlsx")  # fmt: skip


@bp.route("/readings/import", methods=["GET", "POST"])
@requires(Permission.EDIT_ARCHIVE)
@upload_limit("IMPORT_MAX_BYTES")
def readings_import():
    return monthly_upload_page(
        ReadingsUploadForm(), readings.import_file, "network/readings_import.html",
        sheets=readings.SHEETS,
    )  # fmt: skip


# -- the supply plan's line ------------------------------------------------------------


def _project_or_404(number: str) -> Project:
    project = db.first_or_404(select(Project).where(Project.number == number))
    forbid_unless(project.can_work(current_user) or current_user.can(Permission.OVERRIDE_CAPACITY))
    return project


@bp.route("/projects/<number>/line/<int:line_id>", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def choose_line(number: str, line_id: int):
    project = _project_or_404(number)
    line = db.get_or_404(FeederLine, line_id)

    def choose(_form) -> str:
        supply_plan.choose_line(project, line, actor=current_user)
        return _("The supply plan connects to %(line)s.", line=line.name)

    return form_action(Form(), choose, url_for("projects.project", number=project.number))


@bp.route("/projects/<number>/override", methods=["POST"])
@requires(Permission.OVERRIDE_CAPACITY)
def override(number: str):
    project = _project_or_404(number)

    def record(form) -> str:
        planning.record_override(project, reason=form.reason.data, actor=current_user)
        return _("The override is recorded: the project may connect.")

    return form_action(OverrideForm(), record, url_for("projects.project", number=project.number))
