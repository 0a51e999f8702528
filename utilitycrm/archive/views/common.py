"""Loading and refusing, shared by the archive's views."""

from __future__ import annotations

from flask import abort, current_app, flash

from utilitycrm.archive import queries
from utilitycrm.archive.models import Customer
from utilitycrm.auth.access import deny_access
from utilitycrm.errors import StaleEditError, UtilityCRMError
from utilitycrm.extensions import db


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


def flash_warnings(form) -> None:
    for warning in form.warnings:
        flash(warning, "warning")


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        deny_access()
