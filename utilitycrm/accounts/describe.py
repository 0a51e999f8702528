"""How alerts name the deadlines of key-account work: one query per kind."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from utilitycrm.accounts.models import Complaint, FollowUp, Visit
from utilitycrm.accounts.visits import VISIT
from utilitycrm.archive.enums import DocumentKind
from utilitycrm.archive.models import Customer, QualificationDocument
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline
from utilitycrm.deadlines.services import Described


def _by_id(model, ids, *options) -> dict:
    return {
        r.id: r
        for r in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    }


def _account_url(customer: Customer) -> str:
    return url_for("accounts.account", account_no=customer.account_no)


def describe_visits(deadlines: list[Deadline]) -> dict[int, Described]:
    """Planned visits (subject: the customer) and follow-ups (subject: the follow-up)."""
    customers = _by_id(Customer, {d.subject_id for d in deadlines if d.kind == VISIT})
    follow_ups = _by_id(
        FollowUp, {d.subject_id for d in deadlines if d.kind != VISIT},
        joinedload(FollowUp.visit).joinedload(Visit.customer),
    )  # fmt: skip
    described = {}
    for deadline in deadlines:
        if deadline.kind == VISIT:
            customer = customers[deadline.subject_id]
            title = _("Visit %(customer)s (class %(cls)s)", customer=customer.name,
                      cls=customer.value_class or "-")  # fmt: skip
        else:
            item = follow_ups[deadline.subject_id]
            customer = item.visit.customer
            title = _("Follow-up: %(action)s", action=item.action)
        described[deadline.id] = Described(title, str(customer), _account_url(customer))
    return described


def describe_complaints(deadlines: list[Deadline]) -> dict[int, Described]:
    complaints = _by_id(
        Complaint, {d.subject_id for d in deadlines}, joinedload(Complaint.customer)
    )
    titles = {"contact": _("contact within 24 hours"), "resolve": _("resolve in time")}
    described = {}
    for deadline in deadlines:
        complaint = complaints[deadline.subject_id]
        what = titles.get(deadline.key, _("escalated"))
        described[deadline.id] = Described(
            f"{complaint.number} {what}", str(complaint.customer),
            url_for("accounts.complaint", number=complaint.number),
        )  # fmt: skip
    return described


def describe_documents(deadlines: list[Deadline]) -> dict[int, Described]:
    documents = _by_id(
        QualificationDocument, {d.subject_id for d in deadlines},
        joinedload(QualificationDocument.customer),
    )  # fmt: skip
    described = {}
    for deadline in deadlines:
        document = documents.get(deadline.subject_id)
        if document is None:  # deleted since; the daily sync closes its reminder
            continue
        described[deadline.id] = Described(
            _("%(kind)s %(number)s expires", kind=DocumentKind(document.kind).label,
              number=document.number or ""),
            str(document.customer), _account_url(document.customer),
        )  # fmt: skip
    return described
