"""A deadline kind of the tests' own, registered while a test uses it (tests/conftest.py
forgets it after each test: the pages other tests walk list only the app's kinds)."""

from __future__ import annotations

from datetime import date

from utilitycrm.core.extensions import db
from utilitycrm.deadlines import services
from utilitycrm.deadlines.calendar import WorkCalendar

TEST_KIND = "test"


def open_test_deadline(owner, key: str, *, starts_on: date, limit: int = 5):
    services.register_kind(
        TEST_KIND,
        "Test task",
        lambda items: {
            d.id: services.Described(f"Task {d.key}", f"subject {d.subject_id}", "/calendar")
            for d in items
        },
    )
    deadline = services.open_workday_deadline(
        "test", 1, key, owner_id=owner.id, customer_id=None, starts_on=starts_on, limit=limit,
        warn_share=0.8,
        calendar=WorkCalendar(), today=starts_on,
    )  # fmt: skip
    db.session.commit()
    return deadline
