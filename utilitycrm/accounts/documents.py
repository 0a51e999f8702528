"""Reminders of expiring qualification documents, kept in step with the archive.

Documents are edited through the archive's forms and imports, so the daily run syncs
their deadlines in bulk: one per document with an expiry date of a managed customer,
due on the expiry and warning document_warn_days (the dated standards) ahead, owned by the account manager;
a document renewed moves its deadline, one removed or without expiry closes it.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from utilitycrm.archive.enums import CustomerStatus
from utilitycrm.archive.models import Customer, QualificationDocument
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.models import Deadline

KIND = "document"


def sync_document_reminders(today: date) -> int:
    """Returns how many deadlines were opened, moved or closed."""
    warn = timedelta(days=standards_on(today).document_warn_days)
    wanted = {
        document_id: (owner_id, expires_on, customer_id)
        for document_id, owner_id, expires_on, customer_id in db.session.execute(
            select(QualificationDocument.id, Customer.account_manager_id,
                   QualificationDocument.expires_on, Customer.id)
            .join(Customer, QualificationDocument.customer_id == Customer.id)
            .where(QualificationDocument.expires_on.is_not(None),
                   Customer.account_manager_id.is_not(None),
                   Customer.status != CustomerStatus.CLOSED.value)
        )
    }  # fmt: skip
    existing = {
        d.subject_id: d for d in db.session.scalars(select(Deadline).where(Deadline.kind == KIND))
    }
    changed = 0
    for document_id, (owner_id, expires_on, customer_id) in wanted.items():
        deadline = existing.get(document_id)
        if deadline is None:
            deadlines.open_date_deadline(
                KIND, document_id, "", owner_id=owner_id, customer_id=customer_id,
                starts_on=min(today, expires_on),
                due_on=expires_on, warn_on=expires_on - warn,
            )  # fmt: skip
            changed += 1
        elif (deadline.due_on, deadline.owner_id) != (expires_on, owner_id):
            deadline.due_on, deadline.warn_on = expires_on, expires_on - warn
            deadline.owner_id = owner_id
            deadline.finished_on = None  # a renewed document is watched again
            changed += 1
    for document_id, deadline in existing.items():
        if document_id not in wanted and deadline.finished_on is None:
            deadline.finished_on = today
            changed += 1
    return changed
