"""Deadlines in the to-do inbox: a project stage, complaint step, visit, document or contract
renewal is its owner's item once its warning day has come (or, looking ahead, once it falls
due by the day the user asks about). It is done on its own page, where the work is."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from utilitycrm.auth.roles import Permission
from utilitycrm.core.extensions import db
from utilitycrm.core.inbox import InboxFilter, InboxItem, InboxSource, owned, urgency_of
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import Deadline
from utilitycrm.deadlines.services import KINDS, describe

NAME = "deadline"


def _kinds() -> dict[str, object]:
    return {kind: entry.label for kind, entry in KINDS.items()}


def _open(owner_ids: tuple[int, ...] | None, today: date, hidden: frozenset[str], due_by=None):
    query = select(Deadline).where(Deadline.finished_on.is_(None))
    if due_by is None:
        query = query.where(Deadline.warn_on <= today)
    else:
        query = query.where(Deadline.due_on <= due_by)
    return owned(
        query, source=NAME, owner=Deadline.owner_id, key=Deadline.id, owner_ids=owner_ids,
        hidden=hidden,
    )  # fmt: skip


def _items(query: InboxFilter) -> list[InboxItem]:
    select_deadlines = _open(query.owner_ids, query.today, query.hidden, query.due_by)
    kinds = [kind for kind in query.kinds if kind in KINDS]
    if query.kinds:
        select_deadlines = select_deadlines.where(Deadline.kind.in_(kinds))
    if query.customer_ids is not None:
        select_deadlines = select_deadlines.where(Deadline.customer_id.in_(query.customer_ids))
    deadlines = list(
        db.session.scalars(
            select_deadlines.options(selectinload(Deadline.owner))
            .order_by(Deadline.due_on, Deadline.id)
            .limit(query.limit)
        )
    )
    described = describe(deadlines)
    return [
        InboxItem(
            key=f"{NAME}:{deadline.id}",
            kind=deadline.kind,
            kind_label=str(KINDS[deadline.kind].label),
            title=described[deadline.id].title,
            subject=described[deadline.id].subject,
            url=described[deadline.id].url,
            urgency=urgency_of(deadline.due_on, deadline.warn_on, query.today),
            due_on=deadline.due_on,
            owner_id=deadline.owner_id,
            owner_name=deadline.owner.display_name if deadline.owner else "",
        )
        for deadline in deadlines
    ]


def _count(user, today: date, hidden: frozenset[str]) -> int:
    return db.session.scalar(
        select(func.count()).select_from(_open((user.id,), today, hidden).subquery())
    )


SOURCE = InboxSource(name=NAME, kinds=_kinds, items=_items, count=_count)


# The working-day calendar: from October, next year's must be known (the State Council
# publishes its holidays in the autumn) or an administrator confirms it by hand.
CALENDAR = "calendar"
CALENDAR_WARN_MONTH = 10


CALENDAR_LABEL = _l("Working-day calendar")


def _calendar_kinds() -> dict[str, object]:
    return {CALENDAR: CALENDAR_LABEL}


def _unknown_year(viewer, today: date) -> int | None:
    if not viewer.can(Permission.EDIT_CALENDAR):
        return None
    calendar = WorkCalendar.load()
    for year in (today.year, today.year + 1):
        if not calendar.is_known(year) and (
            year == today.year or today.month >= CALENDAR_WARN_MONTH
        ):
            return year
    return None


def _calendar_items(query: InboxFilter) -> list[InboxItem]:
    if query.customer_ids is not None or (
        query.owner_ids is not None and query.viewer.id not in query.owner_ids
    ):
        return []
    year = _unknown_year(query.viewer, query.today)
    if year is None or f"{CALENDAR}:{year}" in query.hidden:
        return []
    due = date(year - 1, 12, 31) if year > query.today.year else query.today
    return [
        InboxItem(
            key=f"{CALENDAR}:{year}",
            kind=CALENDAR,
            kind_label=str(CALENDAR_LABEL),
            title=str(_l("Confirm the working-day calendar of %(year)d", year=year)),
            subject=str(_l("Holidays and make-up working days of the State Council notice")),
            url=url_for("deadlines.calendar", year=year),
            urgency=urgency_of(due, date(year - 1, CALENDAR_WARN_MONTH, 1), query.today),
            due_on=due,
            owner_id=query.viewer.id,
            owner_name=query.viewer.display_name,
        )
    ]


def _calendar_count(user, today: date, hidden: frozenset[str]) -> int:
    year = _unknown_year(user, today)
    return int(year is not None and f"{CALENDAR}:{year}" not in hidden)


CALENDAR_SOURCE = InboxSource(
    name=CALENDAR, kinds=_calendar_kinds, items=_calendar_items, count=_calendar_count
)
