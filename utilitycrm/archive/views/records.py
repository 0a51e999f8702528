"""Add, edit, delete and the history of any record kind (kinds.py), for a customer or
for the network."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.core import UnboundField

from utilitycrm.archive import history_display, queries
from utilitycrm.archive.kinds import CUSTOMER_KINDS, NETWORK_KINDS, RecordKind
from utilitycrm.archive.services.kind_records import delete_kind_record, save_kind_record
from utilitycrm.archive.views import bp
from utilitycrm.archive.views.common import announce_saved, get_customer_or_404
from utilitycrm.auth.access import requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.navigation import safe_next_url
from utilitycrm.core.views import flash_warnings, forbid_unless, list_settings, refuse


def _kind(kinds: dict[str, RecordKind], slug: str) -> RecordKind:
    if slug not in kinds:
        abort(404)
    return kinds[slug]


def _customer_record(kind: RecordKind, customer, record_id: int):
    record = db.session.get(kind.model, record_id)
    if record is None or kind.customer_id_of(record) != customer.id:
        abort(404)
    return record


def _network_record(kind: RecordKind, record_id: int):
    record = db.session.get(kind.model, record_id)
    if record is None or (kind.slug == "public-transformers" and record.customer_id is not None):
        abort(404)
    return record


def _may_edit(kind: RecordKind, customer) -> bool:
    if customer is None:
        return current_user.can(Permission.EDIT_ARCHIVE)
    return (
        customer.can_edit_relationship(current_user)
        if kind.is_relationship
        else (customer.can_edit(current_user))
    )


def _edit(kind: RecordKind, customer, record, back_url: str):
    """The one add/edit flow: validate, save through the kind's service, or refuse."""
    forbid_unless(_may_edit(kind, customer))
    extra = {"customer": customer} if kind.form_takes_customer else {}
    if record is None:  # defaults passed in the link, e.g. ?metering_point_id=
        # Only the form's own fields: a name like `data` or `formdata` would reach the
        # form's constructor as one of its arguments.
        extra.update(
            (key, value)
            for key, value in request.args.items()
            if key != "customer" and isinstance(getattr(kind.form, key, None), UnboundField)
        )
    form = kind.form(obj=record, **extra)
    changes = []
    if form.validate_on_submit():
        try:
            save_kind_record(
                kind,
                customer,
                record,
                form.model_data(),
                actor=current_user,
                reason=form.reason.data or "",
                expected_version=form.version.data,
            )
        except UtilityCRMError as error:
            changes = history_display.stale_rows(refuse(error, form, record))
        else:
            db.session.commit()
            flash_warnings(form)
            flash(_("%(kind)s is saved.", kind=kind.title), "success")
            announce_saved(queries.customers_touched(customer, record))
            return redirect(back_url)
    return render_template(
        "archive/record_form.html",
        form=form,
        kind=kind,
        customer=customer,
        record=record,
        changes=changes,
        back_url=back_url,
    )


def _delete(kind: RecordKind, customer, record, back_url: str):
    forbid_unless(kind.is_deletable and _may_edit(kind, customer))
    try:
        delete_kind_record(
            kind,
            customer,
            record,
            actor=current_user,
            reason=request.form.get("reason", "")[:500],
            expected_version=request.form.get("version", type=int),
        )
    except UtilityCRMError as error:
        refuse(error)
    else:
        db.session.commit()
        flash(_("%(kind)s is deleted; the history keeps it.", kind=kind.title), "success")
        if customer is not None:
            announce_saved([customer.id])
    return redirect(back_url)


def _customer_url(customer) -> str:
    return url_for("archive.customer", account_no=customer.account_no)


@bp.route("/customers/<account_no>/<kind>/new", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def new_customer_record(account_no: str, kind: str):
    customer = get_customer_or_404(account_no)
    return _edit(_kind(CUSTOMER_KINDS, kind), customer, None, _customer_url(customer))


@bp.route("/customers/<account_no>/<kind>/<int:record_id>/edit", methods=["GET", "POST"])
@requires(Permission.VIEW_ARCHIVE)
def edit_customer_record(account_no: str, kind: str, record_id: int):
    customer = get_customer_or_404(account_no)
    record_kind = _kind(CUSTOMER_KINDS, kind)
    record = _customer_record(record_kind, customer, record_id)
    return _edit(record_kind, customer, record, _customer_url(customer))


@bp.route("/customers/<account_no>/<kind>/<int:record_id>/delete", methods=["POST"])
@requires(Permission.VIEW_ARCHIVE)
def delete_customer_record(account_no: str, kind: str, record_id: int):
    customer = get_customer_or_404(account_no)
    record_kind = _kind(CUSTOMER_KINDS, kind)
    record = _customer_record(record_kind, customer, record_id)
    return _delete(record_kind, customer, record, _customer_url(customer))


@bp.route("/customers/<account_no>/<kind>/<int:record_id>/history")
@requires(Permission.VIEW_ARCHIVE)
def customer_record_history(account_no: str, kind: str, record_id: int):
    customer = get_customer_or_404(account_no)
    record_kind = _kind(CUSTOMER_KINDS, kind)
    record = _customer_record(record_kind, customer, record_id)
    return _history(record_kind, record, customer)


@bp.route("/network/<kind>/new", methods=["GET", "POST"])
@requires(Permission.EDIT_ARCHIVE)
def new_network_record(kind: str):
    record_kind = _kind(NETWORK_KINDS, kind)
    back = safe_next_url(request.args.get("back")) or url_for("archive.lines")
    return _edit(record_kind, None, None, back)


@bp.route("/network/<kind>/<int:record_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_ARCHIVE)
def edit_network_record(kind: str, record_id: int):
    record_kind = _kind(NETWORK_KINDS, kind)
    record = _network_record(record_kind, record_id)
    return _edit(record_kind, None, record, url_for("archive.lines"))


@bp.route("/network/<kind>/<int:record_id>/delete", methods=["POST"])
@requires(Permission.EDIT_ARCHIVE)
def delete_network_record(kind: str, record_id: int):
    record_kind = _kind(NETWORK_KINDS, kind)
    record = _network_record(record_kind, record_id)
    return _delete(record_kind, None, record, url_for("archive.lines"))


@bp.route("/network/<kind>/<int:record_id>/history")
@requires(Permission.VIEW_ARCHIVE)
def network_record_history(kind: str, record_id: int):
    record_kind = _kind(NETWORK_KINDS, kind)
    return _history(record_kind, _network_record(record_kind, record_id), None)


def _history(kind: RecordKind, record, customer):
    page = queries.history(
        object_type=kind.model.__tablename__,
        object_id=record.id,
        page=request.args.get("page", 1, type=int),
        **list_settings(),
    )
    return render_template(
        "archive/history.html", customer=customer, record=record, kind=kind, page=page
    )
