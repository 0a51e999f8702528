"""Expiring documents remind the account manager; the customer's timeline."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.accounts.conftest import TODAY, managed
from tests.factories import create_document
from tests.validation.dbarchive import change
from utilitycrm.accounts import documents, visits
from utilitycrm.accounts.timeline import customer_timeline
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline


def _reminder(document):
    db.session.expire_all()
    return db.session.scalar(
        select(Deadline).where(Deadline.kind == "document", Deadline.subject_id == document.id)
    )


def test_documents_warn_thirty_days_ahead_and_follow_renewals(manager, users):
    customer = managed(manager)
    expires, renewed = TODAY + timedelta(days=27), TODAY + timedelta(days=1100)
    licence = create_document(customer, kind="power_permit", expires_on=expires)
    create_document(customer, kind="business_licence", expires_on=None)  # 长期: no reminder
    assert documents.sync_document_reminders(TODAY) == 1
    db.session.commit()
    reminder = _reminder(licence)
    assert (reminder.owner_id, reminder.warn_on, reminder.due_on) == (
        manager.id, expires - timedelta(days=30), expires,
    )  # fmt: skip
    assert reminder.level(TODAY).value == "due_soon"
    change(licence, expires_on=renewed)
    documents.sync_document_reminders(TODAY)
    db.session.commit()
    assert _reminder(licence).due_on == renewed
    change(licence, expires_on=None)
    documents.sync_document_reminders(TODAY)
    db.session.commit()
    assert _reminder(licence).finished_on == TODAY


def test_the_timeline_merges_everything_newest_first(manager, app):
    customer = managed(manager, value_class="A")
    visits.record_visit(customer, visits.VisitRequest(date(2026, 11, 2), "王总", "增容意向"),
                        actor=manager, today=TODAY)  # fmt: skip
    db.session.commit()
    change(customer, phone="13900000000")
    with app.test_request_context():
        events = customer_timeline(customer.id, customer.account_no)
    # The phone changed today, the record was made today, the visit was on the 2nd.
    assert [e.kind for e in events] == ["change", "change", "visit"]
    assert "增容意向" in events[2].title
    assert events[2].url.endswith(f"/accounts/customers/{customer.account_no}")
