"""The working-day calendar (administrators keep its overrides) and each user's alerts."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

from babel.dates import get_day_names
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from utilitycrm.auth.access import login_required, requires
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.views import refuse
from utilitycrm.deadlines import services
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.forms import CalendarDayForm, ConfirmYearForm

bp = Blueprint("deadlines", __name__)


@dataclass(frozen=True)
class Cell:
    day: date | None
    is_workday: bool = False
    is_override: bool = False


def _months(work_calendar: WorkCalendar, year: int) -> list[tuple[int, list[list[Cell]]]]:
    """The year as month grids (Monday first) with each day's standing."""
    months = []
    for month in range(1, 13):
        weeks = [
            [
                Cell(d, work_calendar.is_workday(d), d in work_calendar.overrides)
                if d.month == month
                else Cell(None)
                for d in week
            ]
            for week in month_calendar.Calendar().monthdatescalendar(year, month)
        ]
        months.append((month, weeks))
    return months


@bp.route("/calendar")
@login_required
def calendar():
    today = local_today()
    year = request.args.get("year", today.year, type=int)
    year = min(max(year, 2000), 2100)
    work_calendar = WorkCalendar.load()
    return render_template(
        "deadlines/calendar.html",
        year=year,
        months=_months(work_calendar, year),
        is_known=work_calendar.is_known(year),
        overrides=services.overrides_in(year),
        day_form=CalendarDayForm(formdata=None),
        year_form=ConfirmYearForm(formdata=None, year=year),
        can_edit=current_user.can(Permission.EDIT_CALENDAR),
        weekday_names=[get_day_names("narrow", locale=get_locale())[i] for i in range(7)],
    )


def _recompute_and_commit(year: int, message: str):
    count = services.refresh_open(WorkCalendar.load(), local_today())
    db.session.commit()
    flash(message, "success")
    if count:
        flash(_("%(count)d open deadlines were recomputed.", count=count), "info")
    return redirect(url_for("deadlines.calendar", year=year))


@bp.route("/calendar/days", methods=["POST"])
@requires(Permission.EDIT_CALENDAR)
def set_day():
    form = CalendarDayForm()
    if not form.validate_on_submit():
        flash(_("Give the day and whether it is a holiday or a working day."), "danger")
        return redirect(url_for("deadlines.calendar"))
    services.set_day(
        form.day.data, is_workday=form.is_workday.data == "1", note=form.note.data or "",
        actor=current_user,
    )  # fmt: skip
    return _recompute_and_commit(
        form.day.data.year, _("%(day)s is saved.", day=form.day.data.isoformat())
    )


@bp.route("/calendar/days/<day>/delete", methods=["POST"])
@requires(Permission.EDIT_CALENDAR)
def remove_day(day: str):
    try:
        parsed = date.fromisoformat(day)
        services.remove_day(parsed)
    except ValueError:
        flash(_("That is not a date."), "danger")
        return redirect(url_for("deadlines.calendar"))
    except UtilityCRMError as error:
        refuse(error)
        return redirect(url_for("deadlines.calendar"))
    return _recompute_and_commit(parsed.year, _("The override is removed."))


@bp.route("/calendar/years", methods=["POST"])
@requires(Permission.EDIT_CALENDAR)
def confirm_year():
    form = ConfirmYearForm()
    if not form.validate_on_submit():
        flash(_("Give a year between 2000 and 2100."), "danger")
        return redirect(url_for("deadlines.calendar"))
    try:
        services.confirm_year(form.year.data, note=form.note.data or "", actor=current_user)
    except UtilityCRMError as error:
        refuse(error)
        return redirect(url_for("deadlines.calendar", year=form.year.data))
    return _recompute_and_commit(
        form.year.data, _("%(year)s is confirmed as complete.", year=form.year.data)
    )
