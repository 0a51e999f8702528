"""Loading and refusing, shared by the archive's views."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from utilitycrm.archive import queries
from utilitycrm.archive.models import Customer
from utilitycrm.auth.access import deny_access
from utilitycrm.core.errors import StaleEditError, UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.validation.queries import open_count
from utilitycrm.validation.services import check_customers


def get_customer_or_404(account_no: str) -> Customer:
    customer = queries.customer_by_account_no(account_no)
    if customer is None:
        abort(404)
    return customer


def list_settings() -> dict[str, int]:
    return {
        "per_page": current_app.config["PAGE_SIZE"],
        "limit": current_app.config["LIST_ROW_LIMIT"],
    }


def refuse(error: UtilityCRMError, form=None, record=None) -> list:
    """Roll back, say why; a stale form gets the record's current version so that the
    user, having seen the other changes, can deliberately save theirs again."""
    db.session.rollback()
    flash(str(error.message), "danger")
    if isinstance(error, StaleEditError):
        if form is not None and record is not None:
            db.session.refresh(record)
            form.version.data = record.version
            form.version.raw_data = [str(record.version)]  # what the hidden field renders
        return error.changes
    return []


def flash_form_errors(form) -> None:
    """Every error of a form that failed validation, rows of field lists included."""
    for errors in form.errors.values():
        for error in errors:
            if isinstance(error, dict):  # a row of a field list
                for messages in error.values():
                    for message in messages:
                        flash(str(message), "danger")
            else:
                flash(str(error), "danger")


def form_action(form, action, back: str):
    """A posted action form: validated, `action(form)` run (a domain call that returns
    the success message), committed and flashed; a refusal is rolled back and flashed.
    Either way the user goes back to `back`."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    try:
        message = action(form)
    except UtilityCRMError as error:
        refuse(error)
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(back)


def flash_warnings(form) -> None:
    for warning in form.warnings:
        flash(warning, "warning")


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        deny_access()


def check_on_save(customer_ids: list[int]) -> None:
    """Re-run the rules for the customers a save touched, so the page they land on shows
    their findings at once. The save is committed already: a failed check only warns."""
    try:
        check_customers(customer_ids, actor=current_user)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("check on save failed for customers %s", customer_ids)
        flash(_("Saved, but the archive rules could not be checked now."), "warning")
        return
    count = open_count(customer_ids)
    if count:
        flash(
            _(
                "The archive rules find %(count)d open problems here: see Findings below.",
                count=count,
            ),
            "warning",
        )
