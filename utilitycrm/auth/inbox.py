"""Failed jobs in the to-do inbox of those who run the queue: a failed import or run waits
for someone to read its error and retry it."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from utilitycrm.auth.roles import Permission
from utilitycrm.core.extensions import db
from utilitycrm.core.inbox import InboxFilter, InboxItem, InboxSource, Urgency, source_ids
from utilitycrm.core.jobs import Job, JobStatus

NAME = "job"


LABEL = _l("Failed job")


def _kinds() -> dict[str, object]:
    return {NAME: LABEL}


def _shown_to(viewer, owner_ids: tuple[int, ...] | None) -> bool:
    return viewer.can(Permission.MANAGE_JOBS) and (owner_ids is None or viewer.id in owner_ids)


def _failed(hidden: frozenset[str]):
    query = select(Job).where(Job.status == JobStatus.FAILED.value)
    hidden_ids = source_ids(NAME, sorted(hidden))
    return query.where(Job.id.not_in(hidden_ids)) if hidden_ids else query


def _items(query: InboxFilter) -> list[InboxItem]:
    if not _shown_to(query.viewer, query.owner_ids) or query.customer_ids is not None:
        return []
    jobs = db.session.scalars(_failed(query.hidden).order_by(Job.id.desc()).limit(query.limit))
    return [
        InboxItem(
            key=f"{NAME}:{job.id}",
            kind=NAME,
            kind_label=str(LABEL),
            title=job.label,
            subject=job.error.splitlines()[0][:120] if job.error else "",
            url=url_for("jobs.job_list", status=JobStatus.FAILED.value),
            urgency=Urgency.DUE_SOON,
            due_on=None,
            owner_id=query.viewer.id,
            owner_name=query.viewer.display_name,
        )
        for job in jobs
    ]


def _count(user, today: date, hidden: frozenset[str]) -> int:
    if not user.can(Permission.MANAGE_JOBS):
        return 0
    return db.session.scalar(select(func.count()).select_from(_failed(hidden).subquery()))


SOURCE = InboxSource(name=NAME, kinds=_kinds, items=_items, count=_count)
