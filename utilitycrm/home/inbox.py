"""The to-do inbox (待办) page: filters, and done / snooze / reassign where an item allows.
The items and what acting on them means belong to the wings (core.inbox sources)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_login import current_user
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from utilitycrm.archive import queries as archive_queries
from utilitycrm.auth import services as auth_services
from utilitycrm.auth.access import login_required
from utilitycrm.auth.roles import Role
from utilitycrm.core import inbox
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.forms import FilterForm, Form, VersionField, optional_int
from utilitycrm.core.navigation import safe_next_url
from utilitycrm.core.views import flash_form_errors, refuse

bp = Blueprint("inbox", __name__)
ANY = _l("— any —")
SNOOZE_DAYS = (1, 3, 7, 14)
# Roles that see everyone's items: the chief watches the team.
TEAM_ROLES = frozenset({Role.CHIEF})


class InboxFilterForm(FilterForm):
    kind = SelectField(_l("Kind"), validators=[Optional()])
    customer = StringField(_l("Customer"), validators=[Optional(), Length(max=100)])
    due_by = DateField(_l("Due by"), validators=[Optional()])
    owner_id = SelectField(_l("Responsible"), coerce=optional_int, validators=[Optional()])


class SnoozeForm(Form):
    days = SelectField(
        _l("Snooze for"),
        coerce=int,
        choices=[
            SelectChoice(days, lazy_ngettext("%(num)d day", "%(num)d days", days))
            for days in SNOOZE_DAYS
        ],
    )


class FinishForm(Form):
    note = StringField(_l("Note"), validators=[DataRequired(), Length(max=500)])
    version = VersionField()


class ReassignForm(Form):
    owner_id = SelectField(_l("Hand to"), coerce=int, validators=[DataRequired()])
    version = VersionField()


def _people() -> list[SelectChoice]:
    """Whoever can own an item: the staff, not the administrators."""
    staff = (Role.ACCOUNT_MANAGER, Role.MARKETING, Role.INSPECTOR, Role.CHIEF)
    return [SelectChoice(user.id, user.display_name) for user in auth_services.active_users(*staff)]


def _filter_form(sees_team: bool, people: list[SelectChoice]) -> InboxFilterForm:
    form = InboxFilterForm(request.args)
    form.kind.choices = [SelectChoice("", ANY)] + [
        SelectChoice(code, label) for code, label in inbox.kind_choices().items()
    ]
    form.owner_id.choices = [SelectChoice("", _l("— everyone —")), *people]
    if not sees_team:
        del form.owner_id
    form.validate()
    return form


def _owner_ids(form: InboxFilterForm, sees_team: bool) -> tuple[int, ...] | None:
    if not sees_team:
        return (current_user.id,)
    owner_id = form.value("owner_id")
    return (owner_id,) if owner_id else None


def _customer_ids(text: str | None) -> tuple[int, ...] | None:
    return tuple(archive_queries.customer_ids_matching(text)) if text else None


@bp.route("/inbox")
@login_required
def index():
    today = local_today()
    sees_team = current_user.role_enum in TEAM_ROLES
    people = _people()
    form = _filter_form(sees_team, people)
    kind = form.value("kind")
    items = inbox.collect(
        inbox.InboxFilter(
            today=today,
            viewer=current_user,
            owner_ids=_owner_ids(form, sees_team),
            kinds=frozenset([kind]) if kind else frozenset(),
            customer_ids=_customer_ids(form.value("customer")),
            due_by=form.value("due_by"),
            hidden=inbox.hidden_keys(current_user.id, today),
        )
    )
    reassign = ReassignForm(formdata=None)
    reassign.owner_id.choices = people
    return render_template(
        "home/inbox.html",
        form=form,
        items=items,
        today=today,
        sees_team=sees_team,
        snooze_form=SnoozeForm(formdata=None),
        finish_form=FinishForm(formdata=None),
        reassign_form=reassign,
        limit=inbox.LIMIT,
    )


def _back():
    return redirect(safe_next_url(request.form.get("next")) or url_for("inbox.index"))


def _act(form: Form, action, done_message: str):
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back()
    try:
        action(form)
    except UtilityCRMError as error:
        db.session.rollback()
        refuse(error)
        return _back()
    db.session.commit()
    flash(done_message, "success")
    return _back()


@bp.route("/inbox/<key>/snooze", methods=["POST"])
@login_required
def snooze(key: str):
    today = local_today()
    return _act(
        SnoozeForm(),
        lambda form: inbox.snooze(
            current_user.id, key, today + timedelta(days=form.days.data), today
        ),
        _("The item is put aside; it comes back when the snooze ends."),
    )


@bp.route("/inbox/<key>/finish", methods=["POST"])
@login_required
def finish(key: str):
    return _act(
        FinishForm(),
        lambda form: inbox.finish(
            key, note=form.note.data, actor=current_user, version=form.version.data
        ),
        _("The item is done."),
    )


@bp.route("/inbox/<key>/reassign", methods=["POST"])
@login_required
def reassign(key: str):
    form = ReassignForm()
    form.owner_id.choices = _people()
    return _act(
        form,
        lambda form: inbox.reassign(
            key,
            owner_id=form.owner_id.data,
            actor=current_user,
            version=form.version.data,
            today=local_today(),
        ),
        _("The item is handed over."),
    )


def inbox_badge() -> dict[str, object]:
    """The menu bar's count of the user's open items."""
    if not current_user or not current_user.is_authenticated:  # no request: a command
        return {}
    return {"inbox_count": inbox.count(current_user, local_today())}


def first_items(today: date, limit: int) -> list[inbox.InboxItem]:
    """The home page's head: the most urgent of the user's (or, for a chief, the team's)."""
    return inbox.collect(
        inbox.InboxFilter(
            today=today,
            viewer=current_user,
            owner_ids=None if current_user.role_enum in TEAM_ROLES else (current_user.id,),
            hidden=inbox.hidden_keys(current_user.id, today),
            limit=limit,
        )
    )
