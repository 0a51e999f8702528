"""Saving and deleting a list's filters (core.saved_filters), from any list page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from utilitycrm.auth.access import login_required
from utilitycrm.core import saved_filters
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.forms import Form
from utilitycrm.core.views import flash_form_errors, refuse

bp = Blueprint("saved_filters", __name__, url_prefix="/saved-filters")


class SaveFilterForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=60)])  # blank: the service says
    endpoint = HiddenField(validators=[DataRequired(), Length(max=80)])
    query = HiddenField(validators=[Length(max=2000)])


def _list_url(endpoint: str, query: str = "") -> str | None:
    """The list the filter belongs to; None for anything but a list page of the app."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        url = url_for(endpoint)
    except BuildError:  # a page of one record, not a list
        return None
    return f"{url}?{query}" if query else url


def saved_filters_for(endpoint: str) -> list[saved_filters.SavedFilter]:
    """For the list templates: the current user's filters of this list."""
    if not current_user.is_authenticated:
        return []
    return saved_filters.filters_of(current_user.id, endpoint)


@bp.route("", methods=["POST"])
@login_required
def save():
    form = SaveFilterForm()
    target = _list_url(form.endpoint.data or "")
    if target is None:
        flash(_("These filters cannot be saved."), "danger")
        return redirect(url_for("home.index"))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_list_url(form.endpoint.data, form.query.data or "") or target)
    try:
        saved = saved_filters.save(
            current_user.id, form.endpoint.data, form.name.data, form.query.data or ""
        )
    except UtilityCRMError as error:
        refuse(error)
        return redirect(target)
    db.session.commit()
    flash(_("Filters saved as “%(name)s”.", name=saved.name), "success")
    return redirect(_list_url(saved.endpoint, saved.query))


@bp.route("/<int:filter_id>/delete", methods=["POST"])
@login_required
def delete(filter_id: int):
    form = Form()
    saved = db.session.get(saved_filters.SavedFilter, filter_id)
    target = (saved and _list_url(saved.endpoint)) or url_for("home.index")
    if form.validate_on_submit() and saved_filters.remove(current_user.id, filter_id):
        db.session.commit()
        flash(_("Saved filter deleted."), "success")
    else:
        flash(_("There is no such saved filter."), "danger")
    return redirect(target)
