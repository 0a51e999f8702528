"""Findings in the to-do inbox: an open finding is its assignee's item until it is closed."""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.inbox import InboxFilter, InboxItem, InboxSource, owned, urgency_of
from utilitycrm.validation import services
from utilitycrm.validation.models import Finding
from utilitycrm.validation.queries import OPEN_STATUSES

NAME = "finding"
# A finding's rectification is due soon this many days before its due date.
WARN_DAYS = 3


LABEL = _l("Finding to rectify")


def _kinds() -> dict[str, object]:
    return {NAME: LABEL}


def _open(owner_ids: tuple[int, ...] | None, hidden: frozenset[str]):
    query = select(Finding).where(Finding.status.in_(OPEN_STATUSES))
    return owned(
        query, source=NAME, owner=Finding.assignee_id, key=Finding.id, owner_ids=owner_ids,
        hidden=hidden,
    )  # fmt: skip


def _subject(finding: Finding) -> str:
    if finding.customer is not None:
        return f"{finding.customer.account_no} {finding.customer.name}"
    return finding.line.name if finding.line is not None else ""


def _items(query: InboxFilter) -> list[InboxItem]:
    select_findings = _open(query.owner_ids, query.hidden)
    if query.customer_ids is not None:
        select_findings = select_findings.where(Finding.customer_id.in_(query.customer_ids))
    if query.due_by is not None:
        select_findings = select_findings.where(Finding.due_on <= query.due_by)
    findings = db.session.scalars(
        select_findings.options(
            selectinload(Finding.customer),
            selectinload(Finding.line),
            selectinload(Finding.assignee),
        )
        .order_by(Finding.due_on.is_(None), Finding.due_on, Finding.id)
        .limit(query.limit)
    ).all()
    return [
        InboxItem(
            key=f"{NAME}:{finding.id}",
            kind=NAME,
            kind_label=str(LABEL),
            title=str(finding.rule.title) if finding.rule else finding.rule_id,
            subject=_subject(finding),
            url=url_for("validation.finding", finding_id=finding.id),
            urgency=urgency_of(
                finding.due_on,
                finding.due_on - timedelta(days=WARN_DAYS) if finding.due_on else None,
                query.today,
            ),
            due_on=finding.due_on,
            owner_id=finding.assignee_id,
            owner_name=finding.assignee.display_name if finding.assignee else "",
            can_finish=finding.can_work(query.viewer),
            can_reassign=query.viewer.can(Permission.MANAGE_FINDINGS),
            version=finding.version,
        )
        for finding in findings
    ]


def _count(user, today: date, hidden: frozenset[str]) -> int:
    return db.session.scalar(select(func.count()).select_from(_open((user.id,), hidden).subquery()))


def _finding(finding_id: int) -> Finding:
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        raise UtilityCRMError(_l("That finding does not exist."))
    return finding


def _finish(finding_id: int, *, note: str, actor: User, version: int | None) -> None:
    finding = _finding(finding_id)
    if not finding.can_work(actor):
        raise UtilityCRMError(_l("Only its assignee or an inspector can close this finding."))
    services.resolve(finding, note=note, actor=actor, expected_version=version)


def _reassign(
    finding_id: int, *, owner_id: int, actor: User, version: int | None, today: date
) -> None:
    finding = _finding(finding_id)
    if not actor.can(Permission.MANAGE_FINDINGS):
        raise UtilityCRMError(_l("Only an inspector can hand a finding to someone else."))
    services.assign(
        finding,
        assignee_id=owner_id,
        due_on=max(finding.due_on or today, today),
        note="",
        actor=actor,
        expected_version=version,
        today=today,
    )


SOURCE = InboxSource(
    name=NAME,
    kinds=_kinds,
    items=_items,
    count=_count,
    finish=_finish,
    reassign=_reassign,
    finish_label=_l("Mark resolved"),
)
