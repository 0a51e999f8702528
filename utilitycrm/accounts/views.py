"""Key-account pages: portfolios, a customer's relationship page with visits, the
complaints desk, consumption lists and import. Views stay thin: services decide."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from utilitycrm.accounts import complaints, consumption, portfolio, visits
from utilitycrm.accounts.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    ConsumptionUploadForm,
    ContactForm,
    DoneForm,
    ReassignForm,
    StepForm,
    VisitForm,
)
from utilitycrm.accounts.models import Complaint, FollowUp
from utilitycrm.accounts.pictures import consumption_chart
from utilitycrm.accounts.timeline import customer_timeline
from utilitycrm.accounts.types import ComplaintCategory
from utilitycrm.archive import choices
from utilitycrm.archive.queries import customer_by_account_no
from utilitycrm.archive.views.common import get_customer_or_404
from utilitycrm.auth.access import requires
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission, Role
from utilitycrm.auth.services import active_users
from utilitycrm.core.dates import add_months, local_now, local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.routing import arg_id
from utilitycrm.core.sorting import sort_key
from utilitycrm.core.uploads import upload_limit
from utilitycrm.core.views import (
    flash_form_errors,
    forbid_unless,
    form_action,
    list_args,
    monthly_upload_page,
    refuse,
)
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import queries as project_queries

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _may_visit(customer) -> bool:
    return customer.can_edit_relationship(current_user) or current_user.can(
        Permission.MANAGE_PORTFOLIOS
    )


def _local(moment: datetime) -> datetime:
    """A form's local date and time as an aware moment."""
    return moment.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def _user_choices():
    """Every active user, and a blank first choice (nobody chosen)."""
    users = db.session.scalars(
        select(User).where(User.is_active.is_(True)).order_by(User.display_name)
    )
    return [("", "—"), *((u.id, u.display_name) for u in users)]


# -- portfolios --------------------------------------------------------------------------


@bp.route("")
@requires(Permission.VIEW_ARCHIVE)
def index():
    today = local_today()
    manager_id = arg_id("manager")
    if manager_id is None and current_user.role_enum is Role.ACCOUNT_MANAGER:
        manager_id = current_user.id
    manager = db.session.get(User, manager_id) if manager_id else None
    form = ReassignForm(formdata=None)
    form.to_id.choices = choices.account_managers()
    return render_template(
        "accounts/index.html",
        today=today,
        manager=manager,
        rows=portfolio.accounts_of(manager.id, today) if manager else [],
        loads=portfolio.manager_loads(today) if manager is None else [],
        managers=active_users(Role.ACCOUNT_MANAGER),
        reassign_form=form if current_user.can(Permission.MANAGE_PORTFOLIOS) else None,
    )


@bp.route("/reassign", methods=["POST"])
@requires(Permission.MANAGE_PORTFOLIOS)
def reassign():
    form = ReassignForm()
    form.to_id.choices = choices.account_managers()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("accounts.index"))
    numbers = [n.strip() for n in form.account_nos.data.split() if n.strip()]
    try:
        moved = portfolio.reassign(
            numbers, to=db.session.get(User, form.to_id.data), actor=current_user,
            reason=form.reason.data, today=local_today(),
        )  # fmt: skip
    except UtilityCRMError as error:
        refuse(error)
        return redirect(url_for("accounts.index"))
    db.session.commit()
    flash(_("%(count)d accounts moved.", count=len(moved)), "success")
    return redirect(url_for("accounts.index", manager=form.to_id.data))


# -- a customer's relationship page and visits -------------------------------------------


@bp.route("/customers/<account_no>")
@requires(Permission.VIEW_ARCHIVE)
def account(account_no: str):
    customer = get_customer_or_404(account_no)
    today = local_today()
    return render_template(
        "accounts/account.html",
        customer=customer,
        today=today,
        chart=consumption_chart(consumption.months_of(customer.id, today), today),
        visits=visits.recent_visits(customer.id),
        complaints=complaints.listing(customer_id=customer.id, limit=20),
        ratings=project_queries.return_visits_of(customer.id),
        next_visit=visits.open_visit(customer.id),
        timeline=customer_timeline(customer.id, customer.account_no),
        may_visit=_may_visit(customer),
        can_complain=current_user.can(Permission.HANDLE_COMPLAINTS),
        done_form=DoneForm(formdata=None, day=today),
    )


@bp.route("/customers/<account_no>/visits/new", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def new_visit(account_no: str):
    customer = get_customer_or_404(account_no)
    forbid_unless(_may_visit(customer))
    form = VisitForm()
    for entry in form.follow_ups:
        entry.form.owner_id.choices = _user_choices()
    if not form.is_submitted():
        form.visited_on.data = local_today()
    if form.validate_on_submit():
        request_ = visits.VisitRequest(
            visited_on=form.visited_on.data, people_met=form.people_met.data,
            topics=form.topics.data, notes=form.notes.data or "",
            follow_ups=tuple(
                visits.FollowUpRequest(e.form.action.data, e.form.owner_id.data, e.form.due_on.data)
                for e in form.follow_ups
                if e.form.action.data and e.form.owner_id.data and e.form.due_on.data
            ),
        )  # fmt: skip
        try:
            visits.record_visit(customer, request_, actor=current_user, today=local_today())
        except UtilityCRMError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("The visit is recorded; the next one is planned."), "success")
            return redirect(url_for("accounts.account", account_no=customer.account_no))
    elif form.is_submitted():
        flash_form_errors(form)
    return render_template("accounts/visit_form.html", form=form, customer=customer)


@bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def follow_up_done(follow_up_id: int):
    item = db.get_or_404(FollowUp, follow_up_id)
    forbid_unless(item.can_complete(current_user))

    def action(form):
        visits.complete_follow_up(item, day=form.day.data, actor=current_user,
                                  today=local_today())  # fmt: skip
        return _("The follow-up is done.")

    back = url_for("accounts.account", account_no=item.visit.customer.account_no)
    return form_action(DoneForm(), action, back)


# -- complaints --------------------------------------------------------------------------


@bp.route("/complaints")
@requires(Permission.VIEW_ARCHIVE)
def complaints_index():
    today = local_today()
    form = ComplaintFilterForm(request.args)
    form.validate()
    show = form.value("show", "open")
    sort = sort_key(complaints.LIST_SORTS, form.value("sort"), "-received")
    start = add_months(today.replace(day=1), -11)
    return render_template(
        "accounts/complaints.html",
        complaints=complaints.listing(
            show=show, category=form.value("category"), step=form.value("step"), sort=sort
        ),
        form=form,
        show=show,
        sort=sort,
        args=list_args(),
        stats=complaints.statistics(start, today + timedelta(days=1)),
        months=[add_months(start, i).isoformat()[:7] for i in range(12)],
        categories=list(ComplaintCategory),
        now=local_now(),
        can_complain=current_user.can(Permission.HANDLE_COMPLAINTS),
    )


@bp.route("/complaints/new", methods=["GET", "POST"])
@requires(Permission.HANDLE_COMPLAINTS)
def new_complaint():
    form = ComplaintForm()
    if not form.is_submitted():
        form.account_no.data = request.args.get("customer", "")
        form.received_at.data = local_now().replace(second=0, microsecond=0, tzinfo=None)
    if form.validate_on_submit():
        customer = customer_by_account_no(form.account_no.data)
        if customer is None:
            flash(_("There is no account numbered %(no)s.", no=form.account_no.data), "danger")
        else:
            try:
                complaint = complaints.log_complaint(
                    complaints.ComplaintRequest(
                        customer=customer, channel=form.channel.data, category=form.category.data,
                        received_at=_local(form.received_at.data), summary=form.summary.data,
                        is_report=form.is_report.data, caller=form.caller.data or "",
                    ),
                    actor=current_user, calendar=WorkCalendar.load(), now=local_now(),
                )  # fmt: skip
            except UtilityCRMError as error:
                refuse(error)
            else:
                db.session.commit()
                flash(_("Complaint %(number)s is logged.", number=complaint.number), "success")
                return redirect(url_for("accounts.complaint", number=complaint.number))
    elif form.is_submitted():
        flash_form_errors(form)
    return render_template("accounts/complaint_form.html", form=form)


@bp.route("/complaints/<number>")
@requires(Permission.VIEW_ARCHIVE)
def complaint(number: str):
    item = db.first_or_404(select(Complaint).where(Complaint.number == number))
    step_form = StepForm(formdata=None, next_owner_id=item.owner_id)
    step_form.next_owner_id.choices = _user_choices()
    return render_template(
        "accounts/complaint.html",
        complaint=item,
        clocks=complaints.clocks(item),
        today=local_today(),
        now=local_now(),
        can_handle=item.can_work(current_user) and item.is_open,
        contact_form=ContactForm(
            formdata=None, contacted_at=local_now().replace(second=0, microsecond=0, tzinfo=None)
        ),
        step_form=step_form,
    )


def _complaint_action(number: str, form, action):
    item = db.first_or_404(select(Complaint).where(Complaint.number == number))
    forbid_unless(item.can_work(current_user))
    calendar, now = WorkCalendar.load(), local_now()
    return form_action(
        form, lambda form: action(item, form, calendar, now),
        url_for("accounts.complaint", number=number),
    )  # fmt: skip


@bp.route("/complaints/<number>/contact", methods=["POST"])
@requires(Permission.HANDLE_COMPLAINTS)
def complaint_contact(number: str):
    def action(item, form, calendar, now):
        complaints.record_contact(item, at=_local(form.contacted_at.data), actor=current_user,
                                  calendar=calendar, now=now)  # fmt: skip
        return _("The first contact is recorded.")

    return _complaint_action(number, ContactForm(), action)


@bp.route("/complaints/<number>/advance", methods=["POST"])
@requires(Permission.HANDLE_COMPLAINTS)
def complaint_advance(number: str):
    def action(item, form, calendar, now):
        step = complaints.advance(item, note=form.note.data, actor=current_user,
                                  calendar=calendar, now=now,
                                  satisfaction=form.satisfaction.data or None,
                                  next_owner_id=form.next_owner_id.data)  # fmt: skip
        return _("Now: %(step)s", step=step.label)

    form = StepForm()
    form.next_owner_id.choices = _user_choices()
    return _complaint_action(number, form, action)


# -- consumption -------------------------------------------------------------------------


@bp.route("/consumption")
@requires(Permission.VIEW_ARCHIVE)
def consumption_lists():
    today = local_today()
    default = add_months(today.replace(day=1), -1)
    try:
        month = date.fromisoformat(request.args.get("month", "") + "-01")
    except ValueError:
        month = default
    mine = current_user.id if current_user.role_enum is Role.ACCOUNT_MANAGER else None
    return render_template(
        "accounts/consumption.html",
        month=month,
        top=consumption.ranking(month, limit=20, manager_id=mine),
        growth=consumption.ranking(month, limit=20, by="growth", manager_id=mine),
        mine=mine is not None,
    )


@bp.route("/consumption/import", methods=["GET", "POST"])
@requires(Permission.EDIT_ARCHIVE)
@upload_limit("IMPORT_MAX_BYTES")
def consumption_import():
    return monthly_upload_page(
        ConsumptionUploadForm(), consumption.import_file, "accounts/consumption_import.html"
    )


def customer_panel(customer) -> dict[str, object]:
    """The customer page's timeline panel."""
    return {"timeline": customer_timeline(customer.id, customer.account_no, limit=12)}
