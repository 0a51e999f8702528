"""`flask accounts daily` and `flask accounts alerts`."""

from __future__ import annotations

from datetime import timedelta

from tests.accounts.conftest import managed
from tests.factories import create_document
from utilitycrm.accounts import complaints
from utilitycrm.core.dates import local_now, local_today
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar


def test_daily_plans_visits_reminds_documents_and_escalates(runner, manager, users):
    customer = managed(manager, value_class="A")
    create_document(customer, kind="power_permit", expires_on=local_today() + timedelta(days=10))
    received = local_now() - timedelta(days=20)
    complaints.log_complaint(
        complaints.ComplaintRequest(customer, "12398", "quality", received, "电压偏低"),
        actor=manager, calendar=WorkCalendar(), now=received,
    )  # fmt: skip
    db.session.commit()
    result = runner.invoke(args=["accounts", "daily"])
    assert result.exit_code == 0, result.output
    assert "visit plans changed: 1; document reminders changed: 1; complaints escalated: 1" in (
        result.output
    )
    alerts = runner.invoke(args=["accounts", "alerts"])
    assert alerts.exit_code == 0, alerts.output
    assert customer.name in alerts.output  # the document due soon, the complaint overdue
    again = runner.invoke(args=["accounts", "daily"])
    assert "visit plans changed: 0; document reminders changed: 0; complaints escalated: 0" in (
        again.output
    )
