"""What every wing's views share: a posted action run once, a refusal said once, the list
settings, the page of a monthly-figures upload, and the one 403 for a record the user may
not touch."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _

from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import StaleEditError, UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.signals import access_denied


def list_settings() -> dict[str, int]:
    return {
        "per_page": current_app.config["PAGE_SIZE"],
        "limit": current_app.config["LIST_ROW_LIMIT"],
    }


def list_args() -> dict[str, str]:
    """A list's query string without its page: what its column headers, tabs and pagers
    link with (each sets its own sort or page over it)."""
    return {key: value for key, value in request.args.items() if key != "page"}


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


def flash_warnings(form) -> None:
    for warning in form.warnings:
        flash(warning, "warning")


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


def deny_access() -> NoReturn:
    """Answer 403, after the subscribers of `access_denied` (the security log) heard of it;
    also for checks on a record, after the view loads it."""
    db.session.rollback()
    access_denied.send(current_app._get_current_object())
    abort(403)


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        deny_access()


def monthly_upload_page(form, import_file, template: str, **context):
    """The page of an all-or-nothing import of monthly figures (consumption, readings):
    the checked upload written (or only checked), the counts flashed, the problems listed
    (422) when there are any. `import_file(data, filename, today=, dry_run=)` returns a
    result with `problems`, `committed`, `inserted`, `updated` and `count`."""
    result = None
    if form.validate_on_submit():
        upload = form.workbook.data
        result = import_file(upload.read(), upload.filename or "", today=local_today(),
                             dry_run=form.check_only.data)  # fmt: skip
        if result.committed:
            db.session.commit()
            flash(_("%(new)d months added, %(changed)d updated.", new=result.inserted,
                    changed=result.updated), "success")  # fmt: skip
        elif not result.problems:
            flash(_("The file is correct: %(count)d rows would be written.",
                    count=result.count), "info")  # fmt: skip
    elif form.is_submitted():
        flash_form_errors(form)
    page = render_template(template, form=form, result=result, **context)
    return page, 422 if result is not None and result.problems else 200
