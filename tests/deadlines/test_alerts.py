"""Due-soon and overdue alerts: in the app, and mailed once by the cron command."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes

from tests.deadlines.conftest import open_test_deadline
from tests.factories import create_user
from utilitycrm.auth.roles import Role
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.alerts import load_by_owner, open_alerts
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import AlertLevel


def _back(workdays: int) -> date:
    """The day `workdays` working days before today."""
    day, calendar = local_today(), WorkCalendar()
    while workdays:
        day -= timedelta(days=1)
        workdays -= calendar.is_workday(day)
    return day


def _manager(name="li", email="li@example.com", locale="zh_CN"):
    return create_user(role=Role.ACCOUNT_MANAGER, username=name, email=email, locale=locale)


def test_alerts_list_overdue_before_due_soon_and_skip_what_is_not_due(users):
    manager = _manager()
    open_test_deadline(manager, "late", starts_on=_back(8))
    open_test_deadline(manager, "soon", starts_on=_back(4))
    open_test_deadline(manager, "fresh", starts_on=_back(1))
    alerts = open_alerts(local_today(), owner_id=manager.id)
    assert [(a.described.title, a.level) for a in alerts] == [
        ("Task late", AlertLevel.OVERDUE),
        ("Task soon", AlertLevel.DUE_SOON),
    ]
    [load] = load_by_owner(local_today())
    assert (load.owner.username, load.due_soon, load.overdue) == ("li", 1, 1)


def test_send_mails_each_manager_once_per_deadline_and_level(runner, smtp_sink):
    li, wang = _manager(), _manager("wang", "wang@example.com", "en")
    open_test_deadline(li, "late", starts_on=_back(8))
    soon = open_test_deadline(li, "soon", starts_on=_back(4))
    open_test_deadline(wang, "w", starts_on=_back(4))

    first = runner.invoke(args=["alerts", "--send"])
    assert first.exit_code == 0, first.output
    assert "2 mails with 3 alerts sent" in first.stderr
    by_recipient = {env.rcpt_tos[0]: message_from_bytes(env.content) for env in smtp_sink.messages}
    assert set(by_recipient) == {"li@example.com", "wang@example.com"}
    li_body = by_recipient["li@example.com"].get_payload(decode=True).decode()
    assert "Task late" in li_body and "Task soon" in li_body and "已超期" in li_body
    assert "http://localhost:5000/calendar" in li_body
    assert "Overdue" not in by_recipient["wang@example.com"].get_payload(decode=True).decode()

    again = runner.invoke(args=["alerts", "--send"])
    assert "0 mails with 0 alerts sent" in again.stderr and len(smtp_sink.messages) == 2

    # The due-soon deadline runs out: that is a new threshold, mailed once more.
    soon.warn_on, soon.due_on = _back(3), _back(1)
    db.session.commit()
    runner.invoke(args=["alerts", "--send"])
    assert len(smtp_sink.messages) == 3
    body = message_from_bytes(smtp_sink.messages[-1].content).get_payload(decode=True).decode()
    assert "Task soon" in body and "Task late" not in body and "已超期" in body


def test_a_manager_without_address_is_reported_and_retried_later(runner, smtp_sink):
    nobody = _manager("zhao", email=None)
    open_test_deadline(nobody, "late", starts_on=_back(8))
    result = runner.invoke(args=["alerts", "--send"])
    assert "zhao has no e-mail address" in result.stderr and not smtp_sink.messages
    nobody.email = "zhao@example.com"
    db.session.commit()
    runner.invoke(args=["alerts", "--send"])
    assert [env.rcpt_tos for env in smtp_sink.messages] == [["zhao@example.com"]]


def test_without_send_the_command_only_lists(runner, smtp_sink):
    open_test_deadline(_manager(), "late", starts_on=_back(8))
    result = runner.invoke(args=["alerts"])
    assert result.stdout.startswith("overdue\t") and "Task late" in result.stdout
    assert not smtp_sink.messages
