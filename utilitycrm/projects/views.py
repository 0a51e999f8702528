"""Project pages: worklists, acceptance, a project's stages and actions, the report."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from utilitycrm.archive import choices
from utilitycrm.archive.enums import TransformerState
from utilitycrm.archive.queries import customer_by_account_no
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission, Role
from utilitycrm.auth.services import active_users
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.panels import page_panels
from utilitycrm.core.sorting import sort_key
from utilitycrm.core.views import forbid_unless, form_action, list_args, refuse
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.forms import PauseForm, ResumeForm
from utilitycrm.projects import acceptance, chains, pictures, profile_admin, queries, workflow
from utilitycrm.projects.forms import (
    CancelForm,
    ChooseForm,
    DayForm,
    MeteringForm,
    ProjectForm,
    ReportFilterForm,
    WorklistFilterForm,
    sections_for,
    to_request,
)
from utilitycrm.projects.inside import page_context
from utilitycrm.projects.models import Project, TimeLimitProfile
from utilitycrm.projects.profiles import LIMIT_LABELS
from utilitycrm.projects.types import BusinessType, ProjectStatus, StageStatus
from utilitycrm.projects.work_forms import ProfileForm

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.route("")
@requires(Permission.VIEW_ARCHIVE)
def index():
    today = local_today()
    form = WorklistFilterForm(request.args)
    form.validate()
    manager_id = form.manager_id(current_user, current_user.role_enum is Role.ACCOUNT_MANAGER)
    status = ProjectStatus(form.value("status", ProjectStatus.ACTIVE))
    business_type = form.value("type")
    sort = sort_key(queries.WORKLIST_SORTS, form.value("sort"), "due")
    items = queries.worklist(
        manager_id=manager_id, status=status, business_type=business_type, sort=sort
    )
    return render_template(
        "projects/list.html",
        items=items,
        sort=sort,
        args=list_args(),
        today=today,
        managers=active_users(Role.ACCOUNT_MANAGER),
        manager_id=manager_id,
        status=status,
        business_type=business_type,
        loads=queries.manager_loads(today) if manager_id is None else [],
        portfolio=(
            pictures.portfolio(items, today, _url)
            if manager_id is not None and status is ProjectStatus.ACTIVE
            else None
        ),
        can_accept=acceptance.may_accept(current_user, None),
    )


def _url(project: Project) -> str:
    return url_for("projects.project", number=project.number)


def _project_form(business_type: BusinessType, customer) -> ProjectForm:
    form = ProjectForm()
    form.keep_sections(sections_for(business_type, applicant=customer is None))
    if current_user.can(Permission.MANAGE_PROJECTS):
        form.account_manager_id.choices = choices.account_managers()
    else:  # an account manager's application is their own
        form.account_manager_id.choices = [(current_user.id, current_user.display_name)]
    profiles = db.session.scalars(
        select(TimeLimitProfile).order_by(TimeLimitProfile.is_default.desc(), TimeLimitProfile.id)
    )
    form.profile_id.choices = [(p.id, f"{p.name} ({p.effective_on.isoformat()})") for p in profiles]
    if "acted_on" in form:
        form.acted_on.choices = [
            (t.id, f"{t.code} {t.rated_kva} kVA · {TransformerState(t.state).label}")
            for t in customer.transformers
        ]
    if not form.is_submitted():
        form.accepted_on.data = local_today()
        if customer is not None and customer.account_manager_id:
            form.account_manager_id.data = customer.account_manager_id
        elif not current_user.can(Permission.MANAGE_PROJECTS):
            form.account_manager_id.data = current_user.id
    return form


def _field_errors(form) -> list[str]:
    """Each field's errors with its label (rows of the tables are named by their field)."""
    messages = []
    for name, errors in form.errors.items():
        field = form[name]
        for error in errors:
            if isinstance(error, dict):  # a row of a field list
                messages.extend(f"{field.label.text}: {e}" for row in error.values() for e in row)
            else:
                messages.append(f"{field.label.text}: {error}")
    return messages


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.WORK_OWN_PROJECTS, Permission.MANAGE_PROJECTS)
def new():
    choose = ChooseForm(request.args)
    if "type" not in request.args or not choose.validate():
        return render_template("projects/choose.html", form=ChooseForm(request.args or None))
    business_type = BusinessType(choose.type.data)
    customer = customer_by_account_no(choose.customer.data) if choose.customer.data else None
    if choose.customer.data and customer is None:
        flash(_("There is no account numbered %(no)s.", no=choose.customer.data), "danger")
        return render_template("projects/choose.html", form=choose)
    if not acceptance.may_accept(current_user, customer):
        flash(_("You may accept applications of your own customers only."), "danger")
        return render_template("projects/choose.html", form=choose), 403
    if customer is None and business_type is not BusinessType.NEW:
        flash(
            _("A change of use or an increase is for an existing account: give its number."),
            "danger",
        )
        return render_template("projects/choose.html", form=choose)
    form = _project_form(business_type, customer)
    errors: list[str] = []
    if form.validate_on_submit():
        lines, errors = form.line_ids()
        if not errors:
            try:
                project = acceptance.accept(
                    to_request(form, business_type, customer, lines),
                    actor=current_user, calendar=WorkCalendar.load(), today=local_today(),
                )  # fmt: skip
            except acceptance.ProjectRefused as error:
                db.session.rollback()
                errors = error.messages
            except UtilityCRMError as error:
                refuse(error)
            else:
                db.session.commit()
                flash(_("Project %(number)s is accepted.", number=project.number), "success")
                return redirect(_url(project))
    elif form.is_submitted():
        errors = _field_errors(form)
    return render_template(
        "projects/new.html",
        form=form,
        business_type=business_type,
        customer=customer,
        sections=sections_for(business_type, applicant=customer is None),
        errors=errors,
    ), (422 if errors else 200)


@bp.route("/<number>")
@requires(Permission.VIEW_ARCHIVE)
def project(number: str):
    project = db.first_or_404(queries.numbered(number))
    today = local_today()
    now = workflow.standing(project, WorkCalendar.load(), today)
    inside = page_context(project, today)
    return render_template(
        "projects/project.html",
        **inside,
        project=project,
        today=today,
        chain={s.code: s for s in chains.chain(project.type_enum, project.voltage_kv)},
        stage_clocks=now.stage_readings,
        shares_clock_with=now.shares_clock_with,
        validity=now.clocks.get(chains.PLAN_VALIDITY),
        current=project.current_stage,
        running=now.running,
        on_time=now.on_time and not inside["late_works"],
        picture=pictures.timeline(project, now.clocks, today),
        can_work=project.can_work(current_user),
        day_form=DayForm(formdata=None, day=today),
        pause_form=PauseForm(formdata=None, starts_on=today),
        resume_form=ResumeForm(formdata=None, ends_on=today),
        cancel_form=CancelForm(formdata=None, day=today),
        metering_form=_metering_form(project),
        stage_status=StageStatus,
        clock_labels=chains.CLOCK_LABELS,
        panels=page_panels("projects.project", project),
    )


def _metering_form(project: Project) -> MeteringForm:
    """The connection's form, filled with the approved plan's scheme."""
    form = MeteringForm(formdata=None, obj=project)
    form.fill_ratios(project)
    return form


def stage_action(number: str, form_class, action):
    """Run one stage action from its form; refusals are flashed, nothing is saved."""
    project = db.first_or_404(queries.numbered(number))
    forbid_unless(project.can_work(current_user))
    calendar, today = WorkCalendar.load(), local_today()
    return form_action(
        form_class(), lambda form: action(project, form, calendar, today), _url(project)
    )


@bp.route("/<number>/start", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def start(number: str):
    def action(project, form, calendar, today):
        workflow.start_stage(
            project, day=form.day.data, actor=current_user, calendar=calendar, today=today
        )
        return _("The stage has started; its clock runs.")

    return stage_action(number, DayForm, action)


@bp.route("/<number>/finish", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def finish(number: str):
    def action(project, form, calendar, today):
        workflow.finish_stage(
            project, day=form.day.data, note=form.note.data or "", actor=current_user,
            calendar=calendar, today=today,
        )  # fmt: skip
        if project.status == ProjectStatus.COMPLETED.value:
            return _("The project is complete; the archive is updated.")
        return _("The stage is finished.")

    return stage_action(number, DayForm, action)


@bp.route("/<number>/pause", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def pause(number: str):
    def action(project, form, calendar, today):
        workflow.pause_clock(
            project, day=form.starts_on.data, reason=form.reason.data, note=form.note.data,
            actor=current_user, calendar=calendar, today=today,
        )  # fmt: skip
        return _("The clock is paused while the customer acts.")

    return stage_action(number, PauseForm, action)


@bp.route("/<number>/resume", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def resume(number: str):
    def action(project, form, calendar, today):
        workflow.resume_clock(
            project, day=form.ends_on.data, actor=current_user, calendar=calendar, today=today
        )
        return _("The clock runs again.")

    return stage_action(number, ResumeForm, action)


@bp.route("/<number>/cancel", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def cancel(number: str):
    def action(project, form, calendar, today):
        workflow.cancel(
            project, day=form.day.data, reason=form.reason.data, actor=current_user,
            calendar=calendar, today=today,
        )  # fmt: skip
        return _("The project is cancelled.")

    return stage_action(number, CancelForm, action)


@bp.route("/<number>/metering", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def metering(number: str):
    def action(project, form, calendar, today):
        workflow.record_metering(project, form.values())
        return _("The metering is recorded; the archive gets it when the project completes.")

    return stage_action(number, MeteringForm, action)


@bp.route("/report")
@requires(Permission.VIEW_ARCHIVE)
def report():
    today = local_today()
    form = ReportFilterForm(request.args)
    form.validate()
    start, end = form.period(today)
    business_type, manager_id = form.value("type"), form.value("manager")
    figures = queries.monthly(start, end)
    return render_template(
        "projects/report.html",
        today=today,
        start=start,
        end=end,
        business_type=business_type,
        manager_id=manager_id,
        managers=active_users(Role.ACCOUNT_MANAGER),
        late=queries.overdue_report(
            today, start=start, end=end, business_type=business_type, manager_id=manager_id
        ),
        groups=queries.GROUPS,
        charts={group: pictures.monthly_chart(months) for group, months in figures.items()},
        totals=queries.group_totals(figures),
        months=figures,
        clock_labels=chains.CLOCK_LABELS,
    )


@bp.route("/profiles")
@requires(Permission.VIEW_ARCHIVE)
def profiles():
    return render_template(
        "projects/profiles.html",
        profiles=list(db.session.scalars(select(TimeLimitProfile).order_by(TimeLimitProfile.id))),
        labels=LIMIT_LABELS,
        can_edit=current_user.can(Permission.EDIT_THRESHOLDS),
        history=profile_admin.history(),
    )


def customer_panel(customer) -> dict[str, object]:
    """The customer page's projects panel."""
    return {
        "projects": queries.for_customer(customer.id),
        "can_accept_project": acceptance.may_accept(current_user, customer),
    }


def _profile_page(profile: TimeLimitProfile | None, source: TimeLimitProfile | None):
    """Create (from a copy of `source`) or edit a profile; refusals keep what was typed."""
    form = ProfileForm(obj=profile or source)
    if not form.is_submitted() and (profile or source):
        form.fill(profile or source)
        if source is not None:
            form.code.data, form.is_default.data = "", False
    if form.validate_on_submit():
        values = profile_admin.ProfileValues(
            form.code.data.strip(), form.name.data, form.effective_on.data,
            form.is_default.data, form.limits(),
        )  # fmt: skip
        try:
            saved = profile_admin.save(profile, values, actor=current_user)
        except UtilityCRMError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("Profile %(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("projects.profiles"))
    elif form.is_submitted():
        for message in _field_errors(form):
            flash(message, "danger")
    in_use = profile_admin.projects_under(profile) if profile is not None else 0
    return render_template("projects/profile_form.html", form=form, profile=profile,
                           in_use=in_use)  # fmt: skip


@bp.route("/profiles/new", methods=["GET", "POST"])
@requires(Permission.EDIT_THRESHOLDS)
def new_profile():
    source = db.session.scalar(
        select(TimeLimitProfile).where(TimeLimitProfile.code == request.args.get("copy", ""))
    )
    return _profile_page(None, source)


@bp.route("/profiles/<code>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_THRESHOLDS)
def edit_profile(code: str):
    profile = db.first_or_404(select(TimeLimitProfile).where(TimeLimitProfile.code == code))
    return _profile_page(profile, None)
