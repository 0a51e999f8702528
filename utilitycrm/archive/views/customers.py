"""Customer list, the customer page (客户 360), create, edit, close, history."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from utilitycrm.archive import history_display, history_export, queries
from utilitycrm.archive.forms.customer import CloseCustomerForm, CustomerForm, RelationshipForm
from utilitycrm.archive.forms.search import CustomerSearchForm
from utilitycrm.archive.kinds import CUSTOMER_KINDS
from utilitycrm.archive.models import Customer
from utilitycrm.archive.services import customers as service
from utilitycrm.archive.views import bp
from utilitycrm.archive.views.common import announce_saved, get_customer_or_404
from utilitycrm.archive.workbook.export import export_workbook, template_workbook
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.panels import page_panels
from utilitycrm.core.spreadsheets import XLSX_MIMETYPE
from utilitycrm.core.views import flash_warnings, forbid_unless, list_args, list_settings, refuse

RECENT_CHANGES = 5  # on the customer page; the history page has the rest


@bp.route("/customers")
@requires(Permission.VIEW_ARCHIVE)
def customers():
    form = CustomerSearchForm(request.args)
    form.validate()
    filters = form.filters(queries.CustomerFilters)
    page = queries.customer_page(filters, page=form.page_number, **list_settings())
    lines = queries.customer_lines([customer.id for customer in page.items])
    args = list_args()
    return render_template(
        "archive/customers.html",
        form=form,
        page=page,
        lines=lines,
        args=args,
        can_create=current_user.can(Permission.EDIT_ARCHIVE),
    )


@bp.route("/customers/export.xlsx")
@requires(Permission.VIEW_ARCHIVE)
def export_customers():
    """The customers of the current search (at most LIST_ROW_LIMIT), in the import layout."""
    form = CustomerSearchForm(request.args)
    form.validate()
    query = queries.customer_query(form.filters(queries.CustomerFilters))
    customer_ids = (
        query.with_only_columns(Customer.id)
        .order_by(None)
        .limit(current_app.config["LIST_ROW_LIMIT"])
    )
    return send_file(
        export_workbook(customer_ids=customer_ids, styled=True),
        as_attachment=True,
        download_name=f"customers-{local_today().isoformat()}.xlsx",  # the utility's day
        mimetype=XLSX_MIMETYPE,
    )


@bp.route("/workbook-template.xlsx")
@requires(Permission.VIEW_ARCHIVE)
def workbook_template():
    return send_file(
        template_workbook(),
        as_attachment=True,
        download_name="utilitycrm-template.xlsx",
        mimetype=XLSX_MIMETYPE,
    )


@bp.route("/customers/new", methods=["GET", "POST"])
@requires(Permission.EDIT_ARCHIVE)
def create_customer():
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            customer = service.create_customer(
                form.model_data(), actor=current_user, reason=form.reason.data or ""
            )
        except UtilityCRMError as error:
            refuse(error)
        else:
            db.session.commit()
            flash_warnings(form)
            flash(_("Customer %(no)s is created.", no=customer.account_no), "success")
            announce_saved([customer.id])
            return redirect(url_for("archive.customer", account_no=customer.account_no))
    return render_template("archive/customer_form.html", form=form, customer=None, changes=[])


@bp.route("/customers/<account_no>")
@requires(Permission.VIEW_ARCHIVE)
def customer(account_no: str):
    customer = get_customer_or_404(account_no)
    recent = queries.history(
        customer_id=customer.id, page=1, per_page=RECENT_CHANGES, limit=RECENT_CHANGES
    )
    return render_template(
        "archive/customer.html",
        customer=customer,
        kinds=CUSTOMER_KINDS,
        can_edit=customer.can_edit(current_user),
        can_edit_relationship=customer.can_edit_relationship(current_user),
        recent=recent,
        panels=page_panels("archive.customer", customer),
        close_form=CloseCustomerForm(formdata=None, version=customer.version),
    )


@bp.route("/customers/<account_no>/edit", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def edit_customer(account_no: str):
    """Archive staff edit everything; a customer's own manager the relationship fields."""
    customer = db.first_or_404(queries.customer_for_edit(account_no))
    full = customer.can_edit(current_user)
    forbid_unless(full or customer.can_edit_relationship(current_user))
    form = (CustomerForm if full else RelationshipForm)(obj=customer)
    changes = []
    if form.validate_on_submit():
        try:
            service.update_customer(
                customer,
                form.model_data(),
                actor=current_user,
                expected_version=form.version.data,
                reason=form.reason.data or "",
            )
        except UtilityCRMError as error:
            changes = history_display.stale_rows(refuse(error, form, customer))
        else:
            saved_id, saved_no = customer.id, customer.account_no  # a commit expires them
            db.session.commit()
            flash_warnings(form)
            flash(_("Customer %(no)s is saved.", no=saved_no), "success")
            announce_saved([saved_id])
            return redirect(url_for("archive.customer", account_no=saved_no))
    return render_template(
        "archive/customer_form.html", form=form, customer=customer, changes=changes
    )


@bp.route("/customers/<account_no>/close", methods=["POST"])
@requires(Permission.EDIT_ARCHIVE)
def close_customer(account_no: str):
    customer = get_customer_or_404(account_no)
    form = CloseCustomerForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for closing the account."), "danger")
        return redirect(url_for("archive.customer", account_no=account_no))
    try:
        service.close_customer(
            customer,
            actor=current_user,
            expected_version=form.version.data,
            reason=form.reason.data,
        )
    except UtilityCRMError as error:
        refuse(error)
    else:
        db.session.commit()
        flash(_("Account %(no)s is closed (销户).", no=account_no), "success")
    return redirect(url_for("archive.customer", account_no=account_no))


@bp.route("/customers/<account_no>/history")
@requires(Permission.VIEW_ARCHIVE)
def customer_history(account_no: str):
    customer = get_customer_or_404(account_no)
    page = queries.history(
        customer_id=customer.id, page=request.args.get("page", 1, type=int), **list_settings()
    )
    return render_template("archive/history.html", customer=customer, record=None, page=page)


@bp.route("/customers/<account_no>/history.xlsx")
@requires(Permission.VIEW_ARCHIVE)
def export_customer_history(account_no: str):
    customer = get_customer_or_404(account_no)
    return send_file(
        history_export.history_workbook(customer_id=customer.id),
        as_attachment=True,
        download_name=f"history-{customer.account_no}-{local_today().isoformat()}.xlsx",
        mimetype=XLSX_MIMETYPE,
    )
