"""Deadlines: opened, paused, resumed and finished by the packages that own them, and
recomputed when the calendar changes. Plain functions; the caller commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import LABELS, Labelled
from utilitycrm.deadlines import clock
from utilitycrm.deadlines.calendar import PACKAGE_YEARS, WorkCalendar
from utilitycrm.deadlines.models import CalendarDay, CalendarYear, Deadline, DeadlinePause


class PauseReason(Labelled):
    """Why the clock stops: the customer, not the utility, is acting."""

    CUSTOMER_DESIGNING = "designing"
    CUSTOMER_BUILDING = "building"
    CUSTOMER_DOCUMENTS = "documents"
    CUSTOMER_RECTIFYING = "rectifying"
    CUSTOMER_REQUEST = "customer_request"
    OTHER = "other"


LABELS[PauseReason] = {
    PauseReason.CUSTOMER_DESIGNING: _l("The customer is designing"),
    PauseReason.CUSTOMER_BUILDING: _l("The customer is building"),
    PauseReason.CUSTOMER_DOCUMENTS: _l("The customer is supplying documents"),
    PauseReason.CUSTOMER_RECTIFYING: _l("The customer is clearing an inspection's defects"),
    PauseReason.CUSTOMER_REQUEST: _l("Postponed at the customer's request"),
    PauseReason.OTHER: _l("Other customer-side reason"),
}


@dataclass(frozen=True)
class Described:
    """How an alert names a deadline: what it is, whose, and the page to act on."""

    title: str
    subject: str
    url: str


@dataclass(frozen=True)
class DeadlineKind:
    label: object
    # All deadlines of the kind at once (a query per kind, never per row).
    describe: Callable[[list[Deadline]], dict[int, Described]]


KINDS: dict[str, DeadlineKind] = {}


def register_kind(kind: str, label, describe) -> None:
    KINDS[kind] = DeadlineKind(label, describe)


def _intervals(deadline: Deadline) -> list[clock.Interval]:
    return [clock.Interval(p.starts_on, p.ends_on) for p in deadline.pauses]


def reading(deadline: Deadline, calendar: WorkCalendar, today: date) -> clock.Reading | None:
    """Where a working-day deadline stands today (None for a calendar-date deadline)."""
    if deadline.limit_workdays is None:
        return None
    return clock.read(
        calendar,
        starts_on=deadline.starts_on,
        limit=deadline.limit_workdays,
        pauses=_intervals(deadline),
        today=today,
        stopped_on=deadline.finished_on,
        warn_share=deadline.warn_share,
    )


def refresh(deadline: Deadline, calendar: WorkCalendar, today: date) -> None:
    """Recompute the stored dates of a working-day deadline from its pauses."""
    now = reading(deadline, calendar, today)
    if now is None:
        return
    deadline.warn_on, deadline.due_on = now.warn_on, now.due_on
    deadline.is_paused, deadline.is_uncertain = now.is_paused, now.is_uncertain
    if deadline.finished_on is not None:
        deadline.used_workdays = now.used


def open_workday_deadline(
    kind: str,
    subject_id: int,
    key: str,
    *,
    owner_id: int | None,
    customer_id: int | None,
    starts_on: date,
    limit: int,
    warn_share: float,
    calendar: WorkCalendar,
    today: date,
) -> Deadline:
    deadline = Deadline(
        kind=kind,
        subject_id=subject_id,
        key=key,
        owner_id=owner_id,
        customer_id=customer_id,
        starts_on=starts_on,
        limit_workdays=limit,
        warn_share=warn_share,
    )
    db.session.add(deadline)
    refresh(deadline, calendar, today)
    return deadline


def open_date_deadline(
    kind: str,
    subject_id: int,
    key: str,
    *,
    owner_id: int | None,
    customer_id: int | None,
    starts_on: date,
    due_on: date,
    warn_on: date,
) -> Deadline:
    """A deadline on a calendar date (a visit, a document's expiry, a plan's validity)."""
    deadline = Deadline(
        kind=kind,
        subject_id=subject_id,
        key=key,
        owner_id=owner_id,
        customer_id=customer_id,
        starts_on=starts_on,
        limit_workdays=None,
        due_on=due_on,
        warn_on=min(warn_on, due_on),
    )
    db.session.add(deadline)
    return deadline


def pause(
    deadline: Deadline,
    *,
    starts_on: date,
    reason: str,
    note: str,
    actor: User,
    calendar: WorkCalendar,
    today: date,
) -> DeadlinePause:
    if deadline.limit_workdays is None or not deadline.is_open:
        raise UtilityCRMError(_l("Only a running clock can be paused."))
    if any(p.ends_on is None for p in deadline.pauses):
        raise UtilityCRMError(_l("The clock is paused already."))
    if reason not in {r.value for r in PauseReason}:
        raise UtilityCRMError(_l("Choose why the clock pauses."))
    if not note.strip():
        raise UtilityCRMError(_l("Say in a note what the customer is doing."))
    if starts_on < deadline.starts_on or starts_on > today:
        raise UtilityCRMError(_l("A pause starts between the clock's start and today."))
    if any(p.ends_on is not None and starts_on < p.ends_on for p in deadline.pauses):
        raise UtilityCRMError(_l("A pause cannot start before the previous one ended."))
    item = DeadlinePause(
        starts_on=starts_on, reason=reason, note=note.strip(), created_by_id=actor.id
    )
    deadline.pauses.append(item)
    refresh(deadline, calendar, today)
    return item


def resume(
    deadline: Deadline, *, ends_on: date, actor: User, calendar: WorkCalendar, today: date
) -> None:
    current = next((p for p in deadline.pauses if p.ends_on is None), None)
    if current is None:
        raise UtilityCRMError(_l("The clock is not paused."))
    if ends_on < current.starts_on or ends_on > today:
        raise UtilityCRMError(_l("The customer hands back between the pause's start and today."))
    current.ends_on = ends_on
    current.ended_by_id = actor.id
    refresh(deadline, calendar, today)


def finish(deadline: Deadline, *, finished_on: date, calendar: WorkCalendar, today: date) -> None:
    current = next((p for p in deadline.pauses if p.ends_on is None), None)
    if current is not None:  # the customer's part ended with the stage
        current.ends_on = max(current.starts_on, finished_on)
    deadline.finished_on = finished_on
    refresh(deadline, calendar, today)


def refresh_open(calendar: WorkCalendar, today: date) -> int:
    """After a calendar change: every open working-day deadline gets its dates again."""
    count = 0
    statement = (
        select(Deadline)
        .where(Deadline.finished_on.is_(None), Deadline.limit_workdays.is_not(None))
        .options(selectinload(Deadline.pauses))
        .execution_options(yield_per=1000)
    )
    for deadline in db.session.scalars(statement):
        refresh(deadline, calendar, today)
        count += 1
    return count


# The calendar's administration.


def set_day(day: date, *, is_workday: bool, note: str, actor: User) -> CalendarDay:
    """Add or change an override: a holiday, or a make-up working day (调休)."""
    override = db.session.get(CalendarDay, day) or CalendarDay(day=day)
    override.is_workday, override.note, override.created_by_id = is_workday, note, actor.id
    db.session.add(override)
    return override


def remove_day(day: date) -> None:
    override = db.session.get(CalendarDay, day)
    if override is None:
        raise UtilityCRMError(_l("There is no override on %(day)s.", day=day.isoformat()))
    db.session.delete(override)


def confirm_year(year: int, *, note: str, actor: User) -> CalendarYear:
    if year in PACKAGE_YEARS:
        raise UtilityCRMError(
            _l("%(year)s is known from the State Council's announcement already.", year=year)
        )
    if db.session.get(CalendarYear, year) is not None:
        raise UtilityCRMError(_l("%(year)s is confirmed already.", year=year))
    confirmed = CalendarYear(year=year, note=note, confirmed_by_id=actor.id)
    db.session.add(confirmed)
    return confirmed


def overrides_in(year: int) -> list[CalendarDay]:
    return list(
        db.session.scalars(
            select(CalendarDay)
            .where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
            .order_by(CalendarDay.day)
        )
    )


def describe(deadlines: Iterable[Deadline]) -> dict[int, Described]:
    """Each deadline's title, subject and page, one lookup per kind."""
    by_kind: dict[str, list[Deadline]] = {}
    for deadline in deadlines:
        by_kind.setdefault(deadline.kind, []).append(deadline)
    described: dict[int, Described] = {}
    for kind, items in by_kind.items():
        described.update(KINDS[kind].describe(items))
    return described
