"""Portfolios: a manager's key accounts with what needs attention, every manager's load,
and reassignment (recorded in the archive's history, visit plans following)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from utilitycrm.accounts import documents, visits
from utilitycrm.accounts.models import Complaint
from utilitycrm.accounts.types import Step
from utilitycrm.archive.enums import CustomerStatus
from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import Customer, QualificationDocument
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline
from utilitycrm.projects.models import Project
from utilitycrm.projects.workflow import KIND as PROJECT_KIND
from utilitycrm.validation.models import Finding
from utilitycrm.validation.queries import OPEN_STATUSES

_MANAGED = Customer.status != CustomerStatus.CLOSED.value


@dataclass(frozen=True)
class AccountRow:
    customer: Customer
    visit_due: date | None
    open_complaints: int
    expiring_documents: int
    projects_due: int
    open_findings: int

    def visit_overdue(self, today: date) -> bool:
        return self.visit_due is not None and self.visit_due < today

    def needs_attention(self, today: date) -> bool:
        return self.visit_overdue(today) or any(
            (self.open_complaints, self.expiring_documents, self.projects_due, self.open_findings)
        )


def _counts(statement) -> dict[int, int]:
    return dict(db.session.execute(statement).all())


def _alerting(kind: str, today: date):
    return (Deadline.kind == kind) & Deadline.finished_on.is_(None) & (Deadline.warn_on <= today)


def accounts_of(manager_id: int, today: date) -> list[AccountRow]:
    """The manager's accounts, those needing attention first (overdue visits, then the
    most open items), each with its counts: six queries whatever the portfolio's size."""
    customers = db.session.scalars(
        select(Customer).where(Customer.account_manager_id == manager_id, _MANAGED)
        .order_by(Customer.contract_capacity_kva.desc(), Customer.account_no)
    ).all()  # fmt: skip
    mine = Customer.account_manager_id == manager_id
    visit_due = dict(db.session.execute(
        select(Deadline.subject_id, Deadline.due_on).join(Customer, Customer.id == Deadline.subject_id)
        .where(Deadline.kind == visits.VISIT, Deadline.finished_on.is_(None), mine)
    ).all())  # fmt: skip
    complaints = _counts(
        select(Complaint.customer_id, func.count()).join(Customer)
        .where(Complaint.step != Step.CLOSED.value, mine).group_by(Complaint.customer_id)
    )  # fmt: skip
    expiring = _counts(
        select(QualificationDocument.customer_id, func.count())
        .join(Deadline, Deadline.subject_id == QualificationDocument.id)
        .join(Customer, Customer.id == QualificationDocument.customer_id)
        .where(_alerting(documents.KIND, today), mine)
        .group_by(QualificationDocument.customer_id)
    )  # fmt: skip
    projects = _counts(
        select(Project.customer_id, func.count(func.distinct(Project.id)))
        .join(Deadline, Deadline.subject_id == Project.id)
        .join(Customer, Customer.id == Project.customer_id)
        .where(_alerting(PROJECT_KIND, today), mine).group_by(Project.customer_id)
    )  # fmt: skip
    findings = _counts(
        select(Finding.customer_id, func.count()).join(Customer, Customer.id == Finding.customer_id)
        .where(Finding.status.in_(OPEN_STATUSES), mine).group_by(Finding.customer_id)
    )  # fmt: skip
    rows = [
        AccountRow(c, visit_due.get(c.id), complaints.get(c.id, 0), expiring.get(c.id, 0),
                   projects.get(c.id, 0), findings.get(c.id, 0))
        for c in customers
    ]  # fmt: skip
    rows.sort(key=lambda r: (not r.visit_overdue(today), not r.needs_attention(today)))
    return rows


@dataclass(frozen=True)
class ManagerLoad:
    manager: User
    accounts: int
    overdue_visits: int
    open_complaints: int
    escalated_complaints: int


def manager_loads(today: date) -> list[ManagerLoad]:
    """Every account manager with accounts: how many, visits overdue, complaints open."""
    accounts = _counts(
        select(Customer.account_manager_id, func.count())
        .where(Customer.account_manager_id.is_not(None), _MANAGED)
        .group_by(Customer.account_manager_id)
    )
    overdue = _counts(
        select(Deadline.owner_id, func.count())
        .where(Deadline.kind == visits.VISIT, Deadline.finished_on.is_(None), Deadline.due_on < today)
        .group_by(Deadline.owner_id)
    )  # fmt: skip
    complaints = db.session.execute(
        select(Complaint.owner_id, func.count(), func.count(Complaint.escalated_at))
        .where(Complaint.step != Step.CLOSED.value).group_by(Complaint.owner_id)
    ).all()  # fmt: skip
    open_by, escalated_by = {o: n for o, n, _e in complaints}, {o: e for o, _n, e in complaints}
    managers = db.session.scalars(
        select(User).where(User.id.in_(set(accounts) | set(overdue) | set(open_by)))
        .order_by(User.display_name)
    ).all()  # fmt: skip
    return [
        ManagerLoad(m, accounts.get(m.id, 0), overdue.get(m.id, 0), open_by.get(m.id, 0),
                    escalated_by.get(m.id, 0))
        for m in managers
    ]  # fmt: skip


def reassign(
    account_nos: Sequence[str], *, to: User, actor: User, reason: str, today: date
) -> list[Customer]:
    """Move key accounts to another manager: one recorded change set (the history keeps
    who had them), their open visit deadlines and document reminders follow."""
    if not to.is_active or not to.can(Permission.EDIT_OWN_RELATIONSHIPS):
        raise UtilityCRMError(_l("Accounts go to an active account manager."))
    if not reason.strip():
        raise UtilityCRMError(_l("Say why the accounts change hands."))
    customers = db.session.scalars(
        select(Customer).where(Customer.account_no.in_(list(account_nos)))
    ).all()
    unknown = sorted(set(account_nos) - {c.account_no for c in customers})
    if unknown:
        raise UtilityCRMError(
            _l("There is no account numbered %(numbers)s.", numbers=", ".join(unknown))
        )
    with recording(actor, source=ChangeSource.FORM, reason=reason.strip()):
        for customer in customers:
            customer.account_manager_id = to.id
        db.session.flush()
    visits.plan_visits(today, [c.id for c in customers])
    documents.sync_document_reminders(today)
    return list(customers)
